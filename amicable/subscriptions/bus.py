"""The event bus over broadcaster: published after the transaction that caused it commits."""

from __future__ import annotations

import logging

from broadcaster import Broadcast

from amicable.subscriptions.events import Event

log = logging.getLogger(__name__)


class EventBus:
    def __init__(self, url: str) -> None:
        self.url = url
        self.broadcast = Broadcast(url)
        self._connected = False

    async def connect(self) -> None:
        await self.broadcast.connect()
        self._connected = True

    async def disconnect(self) -> None:
        if self._connected:
            await self.broadcast.disconnect()
            self._connected = False

    async def publish(self, event: Event) -> None:
        """Publish to each of the event's channels. A bus outage must not undo a committed
        write, so a failure is logged, not raised: the data is safe in the database and a
        subscriber reloads it on the next event."""
        if not self._connected:
            return
        payload = event.to_json()
        for channel in event.channels():
            try:
                await self.broadcast.publish(channel=channel, message=payload)
            except Exception:
                log.exception("could not publish %s on %s", event.name, channel)
