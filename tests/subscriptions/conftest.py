"""Fixtures for the real-time tests: the app under a real uvicorn on a loopback port (in
this test's event loop, so a test can look at the server's event bus), websocket clients,
and a private redis-server that a test may kill and restart."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette

from amicable.app import create_app
from amicable.services import Services
from amicable.settings import Settings
from tests.conftest import PG_URL

TIMEOUT = 5.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    app: Starlette
    port: int

    @property
    def services(self) -> Services:
        return self.app.state.services  # type: ignore[no-any-return]

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def wait_for_subscribers(self, count: int, channel: str | None = None) -> None:
        """Until the server holds `count` subscriptions (on `channel`): a websocket client
        cannot tell when its subscription is live on the server."""
        await eventually(lambda: self.subscription_count(channel) == count)

    def subscription_count(self, channel: str | None = None) -> int:
        """Live subscriptions: the bus's subscribers, where a shared execution stands for
        its admitted members (schema/shared_subscriptions.py)."""
        shared = self.app.state.shared_subscriptions
        bus = self.services.events.subscriber_count(channel)
        return bus - shared.hubs_on(channel) + shared.members_on(channel)


async def eventually(condition: Callable[[], bool], within: float = TIMEOUT) -> None:
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 (polling a plain predicate)
            await asyncio.sleep(0.01)


async def _empty_postgres(url: str) -> None:
    """Truncate before the server starts: its lifespan's background tasks (upkeep, mail,
    scores) read the tables, and a TRUNCATE racing them deadlocks."""
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        rows = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            " AND tablename <> 'tortoise_migrations'"
        )
        if rows:
            tables = ", ".join(f'"{row["tablename"]}"' for row in rows)
            await connection.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


async def _serve(settings: Settings) -> AsyncIterator[LiveServer]:
    if PG_URL and settings.database_url:
        await _empty_postgres(settings.database_url)
    app = create_app(settings)
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        lifespan="on",
        log_config=None,
        timeout_graceful_shutdown=2,
        ws="websockets-sansio",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        await eventually(lambda: server.started or task.done(), within=20)
        if task.done():
            task.result()
        yield LiveServer(app, port)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[LiveServer]:
    """The app with `memory://` events, served by uvicorn."""
    async for server in _serve(settings):
        yield server


@pytest.fixture
def serve() -> Callable[[Settings], AsyncIterator[LiveServer]]:
    return _serve


# --- a redis-server of our own ------------------------------------------------------------


class RedisProcess:
    """A throwaway redis-server on a free port; never the shared one on 6379."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_listening()

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(5)
            self.process = None

    def _wait_listening(self) -> None:
        import time

        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.02)
        raise TimeoutError(f"redis-server did not start on port {self.port}")


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisProcess]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not installed")
    redis = RedisProcess(tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.kill()
