"""The web reply link in every complaint mail to a company.

A link carries its own claims, signed with the server's secret (as the Reply-To token is):
the complaint, the address the mail went to, when it was issued and until when it works,
and a random link id. Nothing is stored when a link is made; a moderator withdraws links
with a revocation record (one link by its id, or every link of a complaint issued until
then), checked each time a link is used.

    aml_<base64url(complaint|recipient|issued|expires|link id)>.<HMAC-SHA256, 32 hex>
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from amicable import security
from amicable.mail.outbound import addresses
from amicable.settings import Settings

_SIGNATURE_LENGTH = 32
_MAX_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class LinkClaims:
    complaint_id: uuid.UUID
    recipient: str
    issued_at: datetime
    expires_at: datetime
    link_id: str


def make(settings: Settings, complaint_id: uuid.UUID, recipient: str, now: datetime) -> str:
    expires = now + timedelta(days=settings.reply_link_days)
    fields = [
        complaint_id.hex,
        addresses.normalise(recipient),
        str(int(now.timestamp())),
        str(int(expires.timestamp())),
        secrets.token_hex(8),
    ]
    payload = "|".join(fields).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{security.LINK_TOKEN_PREFIX}{body}.{_signature(settings, payload)}"


def read(
    settings: Settings, token: str, now: datetime, *, allow_expired: bool = False
) -> LinkClaims | None:
    """The claims of a genuine, unexpired link; None for anything else (revocation is the
    caller's check, against the database)."""
    if len(token) > _MAX_LENGTH or not token.startswith(security.LINK_TOKEN_PREFIX):
        return None
    body, dot, signature = token[len(security.LINK_TOKEN_PREFIX) :].rpartition(".")
    if not dot:
        return None
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        return None
    if not hmac.compare_digest(signature, _signature(settings, payload)):
        return None
    try:
        complaint_hex, recipient, issued, expires, link_id = payload.decode().split("|")
        claims = LinkClaims(
            complaint_id=uuid.UUID(hex=complaint_hex),
            recipient=recipient,
            issued_at=datetime.fromtimestamp(int(issued), UTC),
            expires_at=datetime.fromtimestamp(int(expires), UTC),
            link_id=link_id,
        )
    except (UnicodeDecodeError, ValueError):
        return None
    return claims if allow_expired or claims.expires_at > now else None


# A link anywhere in a text, with or without its address around it.
_IN_TEXT = re.compile(re.escape(security.LINK_TOKEN_PREFIX) + r"[A-Za-z0-9_-]+\.[0-9a-f]{8,}")
MASK = "[link removed]"


def mask(text: str) -> str:
    """A link is a credential: one quoted back into a thread (a helpdesk that pastes the
    whole original under its answer) must never be published with it."""
    return _IN_TEXT.sub(MASK, text)


def url(settings: Settings, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}/reply/{token}"


def _signature(settings: Settings, payload: bytes) -> str:
    key = settings.resolved_secret_key()
    return security.sign(key, b"reply-link\x1f" + payload)[:_SIGNATURE_LENGTH]
