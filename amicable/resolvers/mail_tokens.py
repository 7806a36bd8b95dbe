"""Single-use, expiring secrets sent by mail (`AccountToken`): issuing, redeeming, and the
throttle on the mails that carry them.

Only the SHA-256 of a secret is stored. Redeeming locks the row, so two clicks on one link
redeem it once. Unknown, used and expired secrets fail alike (INVALID_TOKEN, one message).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from amicable import security
from amicable.infra.errors import ErrorCode, OperationFailed, UserError
from amicable.infra.messages import Msg
from amicable.models import AccountToken
from amicable.models.account_tokens import TokenPurpose
from amicable.services import Services

_INVALID = UserError(ErrorCode.INVALID_TOKEN, Msg.INVALID_TOKEN, "token")


async def issue(
    services: Services,
    purpose: TokenPurpose,
    *,
    email: str,
    lifetime: timedelta,
    user_id: uuid.UUID | None = None,
    company_id: uuid.UUID | None = None,
    claim_id: uuid.UUID | None = None,
    created_by_id: uuid.UUID | None = None,
) -> str:
    """A new secret (returned once, for the mail); inside the caller's transaction. A newer
    secret for the same account and purpose supersedes the older ones."""
    now = services.now()
    if user_id is not None:
        await AccountToken.filter(user_id=user_id, purpose=purpose, used_at__isnull=True).update(
            used_at=now
        )
    secret = security.new_mail_token()
    await AccountToken.create(
        token_hash=security.digest(secret),
        purpose=purpose,
        user_id=user_id,
        email=email,
        company_id=company_id,
        claim_id=claim_id,
        created_by_id=created_by_id,
        created_at=now,
        expires_at=now + lifetime,
    )
    return secret


async def redeem(services: Services, purpose: TokenPurpose, secret: str) -> AccountToken:
    """Lock, check and use up a secret inside the caller's transaction."""
    if not isinstance(secret, str) or not 10 <= len(secret) <= 200:
        raise OperationFailed(_INVALID)
    token = await AccountToken.select_for_update().get_or_none(
        token_hash=security.digest(secret.strip())
    )
    now = services.now()
    if (
        token is None
        or token.purpose is not purpose
        or token.used_at is not None
        or token.expires_at <= now
    ):
        raise OperationFailed(_INVALID)
    token.used_at = now
    await token.save(update_fields=["used_at"])
    return token


def invalid() -> OperationFailed:
    return OperationFailed(_INVALID)


async def throttle(services: Services, action: str, *keys: str) -> None:
    """Mails an account or an address may cause per window (each key counted apart)."""
    settings = services.settings
    for key in keys:
        await services.rate_limiter.check(
            action,
            key,
            limit=settings.rate_limit_account_mail,
            window_seconds=settings.rate_limit_window_seconds,
        )
