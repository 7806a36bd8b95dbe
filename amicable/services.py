"""What operations need besides the viewer and their input: settings, the event bus, a clock.

Built once by the app's lifespan or by a command, and handed to `resolvers/` functions, so
the web, the mail pipeline and the commands share one code path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from amicable.infra.clock import utc_now
from amicable.infra.ratelimit import RateLimiter, storage_url
from amicable.screening import Lexicon
from amicable.settings import Settings
from amicable.subscriptions.bus import EventBus


@dataclass
class Services:
    settings: Settings
    events: EventBus
    clock: Callable[[], datetime] = utc_now
    # Shared by the processes when the settings name a shared store (infra/ratelimit.py).
    rate_limiter: RateLimiter = field(default=None)  # type: ignore[assignment]
    # Built once per process from the shipped files and AMICABLE_LEXICON_DIR: screening
    # runs on every complaint and message, so never per request.
    lexicon: Lexicon = field(init=False)

    def __post_init__(self) -> None:
        if self.rate_limiter is None:
            self.rate_limiter = RateLimiter(
                storage_url(self.settings.rate_limit_storage_url, self.settings.broadcast_url)
            )
        extra = [self.settings.lexicon_dir] if self.settings.lexicon_dir else []
        self.lexicon = Lexicon.load(*extra)

    def now(self) -> datetime:
        return self.clock()
