"""Redis pub/sub, for several processes.

broadcaster 0.3.1's Redis backend marks itself ready before SUBSCRIBE completes (with
redis-py 8.x it then receives nothing) and its listener dies silently when Redis restarts.
This one owns the subscriber connection and its read loop:

- one dedicated connection in subscribe mode, read by one task (`_run`); commands on it
  (SUBSCRIBE, UNSUBSCRIBE, PING) are written by any task, replies arrive in the loop;
- `subscribe(channel)` waits for Redis's `subscribe` confirmation of that channel;
- on any connection error the loop reconnects with backoff and SUBSCRIBEs every wanted
  channel again; an idle connection is probed with PING so a silently dead peer is noticed;
- publishing uses a separate, pooled client (a connection in subscribe mode cannot PUBLISH).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from broadcaster import Event
from redis import asyncio as aioredis
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from amicable.subscriptions.bus.backends import Backoff
from amicable.subscriptions.bus.backends.reconnecting import ReconnectingBackend

log = logging.getLogger(__name__)

# How long `subscribe()` waits for Redis to confirm. When Redis is down the channel stays
# wanted and is subscribed on reconnection; the caller goes on rather than hanging.
CONFIRM_TIMEOUT_SECONDS = 5.0
# An idle subscriber connection is probed this often; no answer by the next probe means
# the connection is dead even if TCP has not noticed.
HEALTH_CHECK_SECONDS = 10.0


class RedisBackend(ReconnectingBackend):
    task_name = "amicable-redis-subscriber"
    start_timeout_seconds = CONFIRM_TIMEOUT_SECONDS

    def __init__(self, url: str) -> None:
        super().__init__()
        self._url = url
        # RESP2 on the subscriber connection: with RESP3 (redis-py 8's default) subscribe-mode
        # replies arrive as push messages that `read_response` hands to a callback instead
        # of returning them.
        self._subscriber_pool = aioredis.ConnectionPool.from_url(url, protocol=2)
        self._publisher = aioredis.Redis.from_url(url)
        self._channels: set[str] = set()
        self._confirmations: dict[str, list[asyncio.Future[None]]] = {}
        self._queue: asyncio.Queue[Event] = asyncio.Queue()
        self._conn: AbstractConnection | None = None

    async def disconnect(self) -> None:
        await self._stop_task()
        await self._drop_connection()
        await self._publisher.aclose()
        await self._subscriber_pool.disconnect()

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)
        confirmed = asyncio.get_running_loop().create_future()
        self._confirmations.setdefault(channel, []).append(confirmed)
        # No await between reading `_conn` here and the loop's snapshot of `_channels` after
        # it sets `_conn`: either the loop's resubscription includes this channel, or we
        # send SUBSCRIBE ourselves.
        conn = self._conn
        try:
            if conn is not None:
                await self._send(conn, "SUBSCRIBE", channel)
            await asyncio.wait_for(asyncio.shield(confirmed), CONFIRM_TIMEOUT_SECONDS)
        except (TimeoutError, RedisError, OSError):
            log.warning("Redis did not confirm SUBSCRIBE %s yet; will resubscribe", channel)
        finally:
            waiting = self._confirmations.get(channel, [])
            if confirmed in waiting:
                waiting.remove(confirmed)
            if not waiting:
                self._confirmations.pop(channel, None)

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)
        conn = self._conn
        if conn is not None:
            try:
                await self._send(conn, "UNSUBSCRIBE", channel)
            except (RedisError, OSError):
                # The connection is going; the next one will not subscribe this channel.
                log.debug("UNSUBSCRIBE %s failed on a dying connection", channel)

    async def publish(self, channel: str, message: Any) -> None:
        try:
            await self._publisher.publish(channel, message)
        except (RedisConnectionError, RedisTimeoutError):
            # A pooled connection from before a Redis restart fails once and is discarded;
            # a second failure is an outage, for the caller to log.
            await self._publisher.publish(channel, message)

    async def next_published(self) -> Event:
        return await self._queue.get()

    # --- the read loop ------------------------------------------------------------------

    async def _run(self) -> None:
        backoff = Backoff()
        while not self._closing:
            try:
                await self._serve_one_connection(backoff)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError, TimeoutError, ConnectionError) as error:
                if not self._closing:
                    log.warning("Redis subscriber connection lost: %s; reconnecting", error)
            except Exception:
                log.exception("Redis subscriber loop failed; reconnecting")
            finally:
                self.connected.clear()
                await self._drop_connection()
            if self._closing:
                return
            self.reconnections += 1
            await asyncio.sleep(backoff.next_delay())

    async def _serve_one_connection(self, backoff: Backoff) -> None:
        conn = self._subscriber_pool.make_connection()
        await conn.connect()
        self._conn = conn
        wanted = sorted(self._channels)
        if wanted:
            await self._send(conn, "SUBSCRIBE", *wanted)
        pending = set(wanted)
        if not pending:
            backoff.reset()
            self.connected.set()
        ping_outstanding = False
        while True:
            reply = await conn.read_response(timeout=HEALTH_CHECK_SECONDS)
            if reply is None:
                if ping_outstanding:
                    raise TimeoutError("no answer to PING")
                await self._send(conn, "PING")
                ping_outstanding = True
                continue
            ping_outstanding = False
            kind, channel, data = _parse(reply)
            if kind == "message":
                self._queue.put_nowait(Event(channel=channel, message=data))
            elif kind == "subscribe":
                self._confirm(channel)
                pending.discard(channel)
                if not pending and not self.connected.is_set():
                    backoff.reset()
                    self.connected.set()

    def _confirm(self, channel: str) -> None:
        for future in self._confirmations.pop(channel, []):
            if not future.done():
                future.set_result(None)

    async def _send(self, conn: AbstractConnection, *args: str) -> None:
        # check_health=False: a health check would read a reply on this connection, which
        # only the loop may do.
        await conn.send_command(*args, check_health=False)

    async def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.disconnect(nowait=True)


def _parse(reply: Any) -> tuple[str, str, str]:
    """(kind, channel, data) of a subscribe-mode reply; PING answers as ("pong", "", "")."""
    if isinstance(reply, list | tuple) and reply:
        parts = [p.decode() if isinstance(p, bytes) else str(p) for p in reply]
        kind = parts[0].lower()
        return kind, parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else ""
    return str(reply).lower(), "", ""
