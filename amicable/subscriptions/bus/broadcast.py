"""broadcaster's `Broadcast` API (connect, disconnect, publish, `async with subscribe(channel)`)
over our backends, fixing what 0.3.1's class gets wrong:

- concurrent `subscribe()` calls on one channel take a per-channel lock, so the backend
  subscribes once and no subscriber's queue is lost (0.3.1 overwrote the first one's);
- the listener task survives a failing backend call, logging and retrying with backoff,
  instead of dying silently and leaving every subscriber hanging;
- each subscriber has a bounded queue. A subscriber whose queue is full (a client that
  cannot keep up, typically a websocket whose TCP window is closed) is dropped: its
  iteration raises `SubscriberOverflowed`, and the subscription ends with an error telling
  the client to resubscribe. Dropping one slow client keeps memory bounded and never
  delays delivery to the others; silently skipping events instead would leave the client
  believing it is up to date.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from broadcaster import BroadcastBackend, Event

from amicable import metrics
from amicable.subscriptions.bus.backends import Backoff, create_backend

log = logging.getLogger(__name__)

DEFAULT_QUEUE_SIZE = 100


class Unsubscribed(Exception):
    """The subscription ended (the broadcast disconnected)."""


class SubscriberOverflowed(Exception):
    """This subscriber fell `queue_size` events behind and was dropped."""


class Subscriber:
    def __init__(self, channel: str, queue_size: int) -> None:
        self.channel = channel
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize=queue_size)
        self.overflowed = False

    def _offer(self, event: Event | None) -> bool:
        """Queue an event without waiting; False (and dropped) when the queue is full."""
        if self.overflowed:
            return False
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True
            # Make room for the end marker so a reader waiting on `get()` wakes up now.
            with contextlib.suppress(asyncio.QueueEmpty):
                self._queue.get_nowait()
            self._queue.put_nowait(None)
            return False
        return True

    async def get(self) -> Event:
        item = await self._queue.get()
        if item is None:
            if self.overflowed:
                raise SubscriberOverflowed(self.channel)
            raise Unsubscribed(self.channel)
        return item

    async def __aiter__(self) -> AsyncIterator[Event]:
        try:
            while True:
                yield await self.get()
        except Unsubscribed:
            return


@dataclass
class _Channel:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    subscribers: set[Subscriber] = field(default_factory=set)
    # Tasks inside `subscribe()`/its cleanup for this channel; the entry is removed only
    # when none is left, so nobody can be holding a lock that was thrown away.
    users: int = 0


class Broadcast:
    def __init__(
        self,
        url: str | None = None,
        *,
        backend: BroadcastBackend | None = None,
        queue_size: int = DEFAULT_QUEUE_SIZE,
    ) -> None:
        if backend is None:
            if not url:
                raise ValueError("Either `url` or `backend` must be provided.")
            backend = create_backend(url)
        self.backend = backend
        self.queue_size = queue_size
        self._channels: dict[str, _Channel] = {}
        self._listener_task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Broadcast:
        await self.connect()
        return self

    async def __aexit__(self, *args: object) -> None:
        await self.disconnect()

    async def connect(self) -> None:
        await self.backend.connect()
        self._listener_task = asyncio.create_task(self._listener(), name="amicable-broadcast")

    async def disconnect(self) -> None:
        if self._listener_task is not None:
            self._listener_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener_task
            self._listener_task = None
        for state in self._channels.values():
            for subscriber in state.subscribers:
                subscriber._offer(None)
        await self.backend.disconnect()

    async def publish(self, channel: str, message: Any) -> None:
        await self.backend.publish(channel, message)

    def subscriber_count(self, channel: str | None = None) -> int:
        """Live subscribers of one channel, or of all channels."""
        if channel is not None:
            state = self._channels.get(channel)
            return len(state.subscribers) if state else 0
        return sum(len(state.subscribers) for state in self._channels.values())

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscriber]:
        subscriber = Subscriber(channel, self.queue_size)
        state = self._channels.setdefault(channel, _Channel())
        state.users += 1
        try:
            async with state.lock:
                if not state.subscribers:
                    await self.backend.subscribe(channel)
                state.subscribers.add(subscriber)
            yield subscriber
        finally:
            # Shielded: a cancelled websocket task must still leave no subscription behind.
            await asyncio.shield(self._leave(channel, state, subscriber))

    async def _leave(self, channel: str, state: _Channel, subscriber: Subscriber) -> None:
        try:
            async with state.lock:
                was_member = subscriber in state.subscribers
                state.subscribers.discard(subscriber)
                if was_member and not state.subscribers:
                    try:
                        await self.backend.unsubscribe(channel)
                    except Exception:
                        log.exception("could not unsubscribe from %s", channel)
        finally:
            state.users -= 1
            if state.users == 0 and not state.subscribers:
                self._channels.pop(channel, None)

    async def _listener(self) -> None:
        backoff = Backoff()
        while True:
            try:
                event = await self.backend.next_published()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("broadcast backend failed to deliver; retrying")
                await asyncio.sleep(backoff.next_delay())
                continue
            backoff.reset()
            state = self._channels.get(event.channel)
            if state is None:
                continue
            for subscriber in list(state.subscribers):
                already_dropped = subscriber.overflowed
                if not subscriber._offer(event) and not already_dropped:
                    metrics.SUBSCRIBERS_DROPPED.inc()
                    log.warning(
                        "dropped a subscriber of %s: %d events behind",
                        event.channel,
                        self.queue_size,
                    )
