"""Postgres LISTEN/NOTIFY, for several processes without Redis.

broadcaster 0.3.1's backend loses every listener when its connection drops. This one keeps
the wanted channels, notices a lost connection (asyncpg's termination callback, and a
periodic `SELECT 1` for a peer that vanished silently), reconnects with backoff and LISTENs
again. `add_listener` awaits the LISTEN statement, so `subscribe()` returns only once
Postgres listens. Payloads must stay under Postgres's 8000-byte NOTIFY limit; ours carry
ids only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg
from broadcaster import Event

from amicable.subscriptions.bus.backends import Backoff
from amicable.subscriptions.bus.backends.reconnecting import ReconnectingBackend

log = logging.getLogger(__name__)

HEALTH_CHECK_SECONDS = 10.0
CONNECT_TIMEOUT_SECONDS = 5.0


class PostgresBackend(ReconnectingBackend):
    task_name = "amicable-postgres-listener"
    start_timeout_seconds = CONNECT_TIMEOUT_SECONDS

    def __init__(self, url: str) -> None:
        super().__init__()
        self._dsn = url.replace("postgres://", "postgresql://", 1)
        self._channels: set[str] = set()
        self._queue: asyncio.Queue[Event] = asyncio.Queue()
        self._listen_conn: asyncpg.Connection | None = None
        self._publish_conn: asyncpg.Connection | None = None
        self._publish_lock = asyncio.Lock()
        # asyncpg runs one statement at a time per connection: LISTEN, UNLISTEN and the
        # health probe take turns.
        self._listen_lock = asyncio.Lock()
        self._lost = asyncio.Event()

    async def disconnect(self) -> None:
        await self._stop_task()
        for conn in (self._listen_conn, self._publish_conn):
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.close(timeout=2)
        self._listen_conn = self._publish_conn = None

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)
        conn = self._listen_conn
        if conn is None or conn.is_closed():
            return  # LISTENed on reconnection
        try:
            async with self._listen_lock:
                await conn.add_listener(channel, self._on_notify)
        except (asyncpg.PostgresError, OSError, asyncpg.InterfaceError):
            log.warning("LISTEN %s failed; will listen again on reconnection", channel)
            self._lost.set()

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)
        conn = self._listen_conn
        if conn is None or conn.is_closed():
            return
        with contextlib.suppress(asyncpg.PostgresError, OSError, asyncpg.InterfaceError):
            async with self._listen_lock:
                await conn.remove_listener(channel, self._on_notify)

    async def publish(self, channel: str, message: Any) -> None:
        async with self._publish_lock:
            for attempt in (1, 2):
                try:
                    if self._publish_conn is None or self._publish_conn.is_closed():
                        self._publish_conn = await asyncpg.connect(
                            self._dsn, timeout=CONNECT_TIMEOUT_SECONDS
                        )
                    await self._publish_conn.execute("SELECT pg_notify($1, $2)", channel, message)
                    return
                except (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, OSError):
                    # A connection left over from before a restart fails once; retry on a
                    # fresh one, then let the caller log it.
                    self._publish_conn = None
                    if attempt == 2:
                        raise

    async def next_published(self) -> Event:
        return await self._queue.get()

    def _on_notify(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        self._queue.put_nowait(Event(channel=channel, message=payload))

    def _on_termination(self, connection: Any) -> None:
        self._lost.set()

    async def _run(self) -> None:
        backoff = Backoff()
        while not self._closing:
            try:
                await self._serve_one_connection(backoff)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if not self._closing:
                    log.warning("Postgres listener connection lost: %s; reconnecting", error)
            finally:
                self.connected.clear()
                conn, self._listen_conn = self._listen_conn, None
                if conn is not None:
                    with contextlib.suppress(Exception):
                        conn.terminate()
            if self._closing:
                return
            self.reconnections += 1
            await asyncio.sleep(backoff.next_delay())

    async def _serve_one_connection(self, backoff: Backoff) -> None:
        self._lost.clear()
        conn = await asyncpg.connect(self._dsn, timeout=CONNECT_TIMEOUT_SECONDS)
        conn.add_termination_listener(self._on_termination)
        async with self._listen_lock:
            self._listen_conn = conn
            for channel in sorted(self._channels):
                await conn.add_listener(channel, self._on_notify)
        backoff.reset()
        self.connected.set()
        while not self._lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), HEALTH_CHECK_SECONDS)
            if self._lost.is_set() or conn.is_closed():
                break
            async with self._listen_lock:
                await asyncio.wait_for(conn.execute("SELECT 1"), HEALTH_CHECK_SECONDS)
        raise ConnectionError("listener connection closed")
