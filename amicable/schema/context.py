"""The typed request context: who is asking, the services, and per-request loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from strawberry.types import Info as _Info

from amicable.policy import Viewer
from amicable.schema.loaders import Loaders
from amicable.services import Services


@dataclass
class Context:
    services: Services
    viewer: Viewer
    # A credential was presented but is unknown, expired or revoked: every operation on this
    # request answers UNAUTHENTICATED (never silently anonymous, which would hide the error).
    auth_failed: bool = False
    client_key: str = "unknown"
    # The database could not be reached while checking the credential: every operation on
    # this request answers SERVICE_UNAVAILABLE, as it would for an anonymous viewer.
    service_unavailable: bool = False
    loaders: Loaders = field(init=False)
    # When a websocket last confirmed its credential still holds (monotonic seconds).
    credential_checked_at: float = 0.0

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.viewer)


Info: TypeAlias = _Info[Context, None]
