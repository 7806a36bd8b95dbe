"""Several processes over Redis: `amicable serve` twice, Postgres behind both, and a Redis
that restarts under a serving app."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from amicable.models.enums import Role
from amicable.resolvers import messages
from amicable.subscriptions.bus.events import complaint_channel
from tests.conftest import REDIS_URL
from tests.factories import gid, make_company, make_complaint, make_user
from tests.subscriptions.conftest import eventually, free_port
from tests.subscriptions.wsclient import LEGACY_WS, TRANSPORT_WS, GraphQLWebSocket, connect

pytestmark = pytest.mark.e2e

MESSAGE_ADDED = "subscription($id: ID!) { messageAdded(complaintId: $id) { body } }"
MESSAGE_POST = """mutation($input: MessagePostInput!) {
  messagePost(input: $input) { errors { code message } }
}"""


def _serve_process(settings, port: int, workdir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "AMICABLE_DATA_DIR": str(workdir),
        "AMICABLE_DATABASE_URL": settings.database_url,
        "AMICABLE_BROADCAST_URL": REDIS_URL or "",
        "AMICABLE_SECRET_KEY": "test-secret-key",
        "AMICABLE_SMTPD_BIND": "off",
    }
    with open(workdir / "server.log", "wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "amicable.cli", "serve", "--port", str(port)],
            env=env,
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _wait_healthy(port: int, process: subprocess.Popen[bytes], workdir: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, (workdir / "server.log").read_text()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"amicable serve on {port} did not come up")


@pytest.fixture
def two_servers(settings, tmp_path: Path) -> Iterator[list[int]]:
    ports = [free_port(), free_port()]
    processes = []
    workdirs = [tmp_path / "server0", tmp_path / "server1"]
    try:
        for port, workdir in zip(ports, workdirs, strict=True):
            workdir.mkdir()
            processes.append(_serve_process(settings, port, workdir))
        for port, process, workdir in zip(ports, processes, workdirs, strict=True):
            _wait_healthy(port, process, workdir)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


async def _first_body(ws: GraphQLWebSocket, within: float) -> str | None:
    try:
        return (await ws.next(within))["data"]["messageAdded"]["body"]
    except TimeoutError:
        return None


@pytest.mark.redis
@pytest.mark.postgres
async def test_an_event_published_on_one_process_reaches_subscribers_on_both(services, two_servers):
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services)
    company = await make_company(moderator.viewer)
    agent = await make_user(services, Role.AGENT, company=company)
    complaint = await make_complaint(services, consumer, company)
    first, second = two_servers
    complaint_id = gid("Complaint", complaint.id)

    async def reply(body: str) -> None:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{first}", timeout=5) as http:
            response = await http.post(
                "/graphql",
                json={
                    "query": MESSAGE_POST,
                    "variables": {"input": {"complaintId": complaint_id, "body": body}},
                },
                headers={"Authorization": f"Bearer {agent.token}"},
            )
        assert response.json()["data"]["messagePost"]["errors"] == []

    async with (
        connect(f"ws://127.0.0.1:{first}/graphql", TRANSPORT_WS, consumer.token) as here,
        connect(f"ws://127.0.0.1:{second}/graphql", LEGACY_WS, consumer.token) as there,
    ):
        await here.subscribe(MESSAGE_ADDED, id=complaint_id)
        await there.subscribe(MESSAGE_ADDED, id=complaint_id)
        # A client cannot see when another process's subscription is live: warm up until
        # both streams deliver, then measure one reply.
        async with asyncio.timeout(10):
            ready = {"here": False, "there": False}
            while not all(ready.values()):
                await reply("warm-up")
                for name, ws in (("here", here), ("there", there)):
                    while await _first_body(ws, 0.2 if not ready[name] else 0.05) is not None:
                        ready[name] = True
        started = time.monotonic()
        await reply("The refund is on its way.")
        bodies = await asyncio.gather(_first_body(here, 1.0), _first_body(there, 1.0))
        elapsed = time.monotonic() - started
    assert bodies == ["The refund is on its way."] * 2
    assert elapsed < 1.0


async def test_subscribers_keep_receiving_after_redis_restarts(settings, serve, own_redis):
    settings.broadcast_url = own_redis.url
    async for live in serve(settings):
        services = live.services
        backend = services.events.broadcast.backend
        connected = backend.connected  # type: ignore[attr-defined]
        moderator = await make_user(services, Role.MODERATOR)
        consumer = await make_user(services)
        company = await make_company(moderator.viewer)
        agent = await make_user(services, Role.AGENT, company=company)
        complaint = await make_complaint(services, consumer, company)
        async with connect(live.ws_url, TRANSPORT_WS, consumer.token) as ws:
            await ws.subscribe(MESSAGE_ADDED, id=gid("Complaint", complaint.id))
            await live.wait_for_subscribers(1, complaint_channel(str(complaint.id)))
            await messages.post(services, agent.viewer, complaint.id, "Before the restart")
            assert await _first_body(ws, 5) == "Before the restart"

            own_redis.kill()
            await eventually(lambda: not connected.is_set())  # noqa: B023
            own_redis.start()
            await asyncio.wait_for(connected.wait(), 10)

            await messages.post(services, agent.viewer, complaint.id, "After the restart")
            assert await _first_body(ws, 5) == "After the restart"
