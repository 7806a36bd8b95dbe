"""What operations need besides the viewer and their input: settings, the event bus, a clock.

Built once by the app's lifespan or by a command, and handed to `resolvers/` functions, so
the web, the mail pipeline and the commands share one code path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from amicable.infra.attachment_store import AttachmentStore, FolderStore
from amicable.infra.clock import utc_now
from amicable.infra.ratelimit import RateLimiter
from amicable.models import InboundMail
from amicable.screening import Lexicon
from amicable.settings import Settings
from amicable.subscriptions.bus import EventBus


@dataclass
class Services:
    settings: Settings
    events: EventBus
    clock: Callable[[], datetime] = utc_now
    rate_limiter: RateLimiter = field(default_factory=RateLimiter)
    # Takes a kept raw mail through the inbound pipeline again and returns its outcome (a
    # moderator's retry). The pipeline is a door above the operations, so whoever wires
    # the process (`create_app`) passes it in.
    redeliver: Callable[[InboundMail], Awaitable[str]] | None = None
    # Built once per process from the shipped files and AMICABLE_LEXICON_DIR: screening
    # runs on every complaint and message, so never per request.
    lexicon: Lexicon = field(init=False)
    # Attachment bytes: the data folder unless another store is given.
    attachment_store: AttachmentStore | None = None

    def __post_init__(self) -> None:
        if self.attachment_store is None:
            self.attachment_store = FolderStore(self.settings.data_dir)
        extra = [self.settings.lexicon_dir] if self.settings.lexicon_dir else []
        self.lexicon = Lexicon.load(*extra)

    def now(self) -> datetime:
        return self.clock()

    @property
    def attachments(self) -> AttachmentStore:
        assert self.attachment_store is not None  # set in __post_init__
        return self.attachment_store
