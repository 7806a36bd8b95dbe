"""The event bus: events published after the transaction that caused them commits, and
subscriptions to channels, over our `Broadcast` (memory, Redis or Postgres).

The bus never touches the database: an event arrives complete (see
`amicable.resolvers.publish`)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from amicable import metrics
from amicable.subscriptions.bus.broadcast import DEFAULT_QUEUE_SIZE, Broadcast, Subscriber
from amicable.subscriptions.bus.events import Event

log = logging.getLogger(__name__)


class EventBus:
    def __init__(self, url: str, *, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        self.url = url
        self.broadcast = Broadcast(url, queue_size=queue_size)
        self._connected = False

    async def connect(self) -> None:
        await self.broadcast.connect()
        self._connected = True

    async def disconnect(self) -> None:
        if self._connected:
            self._connected = False
            await self.broadcast.disconnect()

    async def publish(self, event: Event) -> None:
        """Publish to each of the event's channels. A bus outage must not undo a committed
        write, so a failure is logged, not raised: the data is safe in the database and a
        subscriber reloads it on the next event."""
        if not self._connected:
            return
        try:
            payload = event.to_json()
        except Exception:
            log.exception("could not prepare %s for publishing", event.name)
            return
        for channel in event.channels():
            try:
                await self.broadcast.publish(channel=channel, message=payload)
                metrics.EVENTS_PUBLISHED.inc()
            except Exception:
                metrics.PUBLISH_FAILURES.inc()
                log.exception("could not publish %s on %s", event.name, channel)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscriber]:
        async with self.broadcast.subscribe(channel) as subscriber:
            metrics.SUBSCRIPTIONS.inc()
            try:
                yield subscriber
            finally:
                metrics.SUBSCRIPTIONS.dec()

    def subscriber_count(self, channel: str | None = None) -> int:
        return self.broadcast.subscriber_count(channel)
