"""The part the Redis and Postgres backends share: a connection kept by a background task
that reconnects with backoff, and a `connected` flag set while it is up and resubscribed."""

from __future__ import annotations

import asyncio
import contextlib
from abc import abstractmethod

from broadcaster import BroadcastBackend


class ReconnectingBackend(BroadcastBackend):
    task_name = "amicable-broadcast"
    start_timeout_seconds = 5.0

    def __init__(self) -> None:  # broadcaster's base __init__ only raises; not called
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        # Set whenever a connection is up and every wanted channel has been (re)subscribed;
        # tests and health checks can wait on it.
        self.connected = asyncio.Event()
        self.reconnections = 0

    async def connect(self) -> None:
        self._closing = False
        self._task = asyncio.create_task(self._run(), name=self.task_name)
        # Not fatal when the server is down at start: the loop keeps trying in the background.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.connected.wait(), self.start_timeout_seconds)

    async def _stop_task(self) -> None:
        """First half of `disconnect`: end the connection loop; the backend closes its
        connections after."""
        self._closing = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    @abstractmethod
    async def _run(self) -> None:
        """Connect, subscribe, serve, and on loss reconnect, until cancelled."""
