"""The typed request context: who is asking, the services, and per-request loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from strawberry.types import Info as _Info

from amicable.infra.languages import negotiate
from amicable.models.enums import Language
from amicable.policy import Viewer
from amicable.resolvers import accounts as account_ops
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
    # The request's Accept-Language (a websocket's may come in its connection_init payload).
    accept_language: str | None = None
    _language: Language | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.viewer)

    async def language(self) -> Language:
        """The language of the words the viewer reads: their account's, else the request's
        Accept-Language, else English. Looked up once, and only when words are needed, so a
        request without messages to render costs no query for it."""
        if self._language is None:
            user = (
                await account_ops.get_user(self.viewer.user_id)
                if self.viewer.user_id is not None
                else None
            )
            self._language = (
                user.language if user is not None else negotiate(self.accept_language)
            ) or Language.EN
        return self._language

    def forget_language(self) -> None:
        """After the viewer changed (a websocket's connection_init)."""
        self._language = None


Info: TypeAlias = _Info[Context, None]
