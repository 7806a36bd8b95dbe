"""What operations need besides the viewer and their input: settings, the event bus, a clock.

Built once by the app's lifespan or by a command, and handed to `resolvers/` functions, so
the web, the mail pipeline and the commands share one code path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from amicable.resolvers.ratelimit import RateLimiter
from amicable.settings import Settings
from amicable.subscriptions.bus import EventBus


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    events: EventBus
    clock: Callable[[], datetime] = utc_now
    rate_limiter: RateLimiter = field(default_factory=RateLimiter)

    def now(self) -> datetime:
        return self.clock()
