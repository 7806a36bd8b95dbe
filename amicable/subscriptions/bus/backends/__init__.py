"""Broadcast backends we own, one per URL scheme.

They keep broadcaster's `BroadcastBackend` interface (connect, disconnect, subscribe,
unsubscribe, publish, next_published) but fix what broadcaster 0.3.1 gets wrong for us:

- `subscribe()` returns only once the server confirmed the subscription (Redis SUBSCRIBE
  reply, Postgres LISTEN), so an event published right after is not missed;
- a lost connection (server restart, network cut) is reconnected with capped exponential
  backoff and every channel still wanted is subscribed again; meanwhile `next_published()`
  simply waits. Pub/sub is at-most-once: events published during the outage are lost, and
  a subscriber catches up on its next event because every event is reloaded from the
  database.
"""

from __future__ import annotations

import random
from urllib.parse import urlparse

from broadcaster import BroadcastBackend

from amicable.subscriptions.bus.backends.memory import MemoryBackend

__all__ = ["Backoff", "MemoryBackend", "create_backend"]


def create_backend(url: str) -> BroadcastBackend:
    scheme = urlparse(url).scheme
    if scheme == "memory":
        return MemoryBackend(url)
    if scheme in ("redis", "rediss"):
        from amicable.subscriptions.bus.backends.redis import RedisBackend

        return RedisBackend(url)
    if scheme in ("postgres", "postgresql"):
        from amicable.subscriptions.bus.backends.postgres import PostgresBackend

        return PostgresBackend(url)
    raise ValueError(f"unsupported broadcast URL scheme {scheme!r}: use memory, redis or postgres")


class Backoff:
    """Delays between reconnection attempts: exponential, capped, with jitter so that many
    processes do not reconnect in lockstep after a restart."""

    def __init__(self, initial: float = 0.05, maximum: float = 5.0) -> None:
        self.initial = initial
        self.maximum = maximum
        self.attempts = 0

    def next_delay(self) -> float:
        delay = min(self.maximum, self.initial * 2**self.attempts)
        self.attempts += 1
        return delay * random.uniform(0.5, 1.0)

    def reset(self) -> None:
        self.attempts = 0
