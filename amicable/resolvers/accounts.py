"""Accounts: registration, bearer tokens, partners' API keys, and turning a credential
into a Viewer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from amicable import security
from amicable.infra.clock import utc_now
from amicable.infra.errors import (
    ErrorCode,
    Forbidden,
    OperationFailed,
    Unauthenticated,
    UserError,
)
from amicable.infra.messages import Msg
from amicable.infra.validation import check_email, check_text, normalise_email
from amicable.models import AccessToken, ApiKey, Company, User
from amicable.models.enums import Language, Role
from amicable.policy import Capability, Viewer, ViewerKind, can_manage_companies, role_can
from amicable.resolvers import audit, magic_links, membership, verification
from amicable.screening.names import contact_details_in_name
from amicable.services import Services

MIN_PASSWORD_LENGTH = 10


@dataclass(frozen=True, slots=True)
class IssuedToken:
    user: User
    token: str


async def register(
    services: Services,
    *,
    email: str,
    password: str,
    full_name: str,
    language: Language,
    client_key: str,
) -> IssuedToken:
    """A consumer signs up; the answer carries a first bearer token."""
    settings = services.settings
    await services.rate_limiter.check(
        "register",
        client_key,
        limit=settings.rate_limit_register,
        window_seconds=settings.rate_limit_window_seconds,
    )
    email = normalise_email(email)
    errors = [
        *check_email("email", email),
        *check_full_name(full_name),
        *check_password(password),
    ]
    if errors:
        raise OperationFailed(*errors)
    password_hash = await security.hash_password(password)
    try:
        async with in_transaction():
            user = await User.create(
                email=email,
                password_hash=password_hash,
                full_name=full_name.strip(),
                role=Role.CONSUMER,
                language=language,
            )
            token = await issue_token(services, user)
            await verification.send_verification(services, user)
    except IntegrityError as exc:
        raise OperationFailed(UserError(ErrorCode.DUPLICATE, Msg.ACCOUNT_EXISTS, "email")) from exc
    return IssuedToken(user, token)


async def create_token(
    services: Services, *, email: str, password: str, client_key: str
) -> IssuedToken:
    settings = services.settings
    await services.rate_limiter.check(
        "login",
        client_key,
        limit=settings.rate_limit_login,
        window_seconds=settings.rate_limit_window_seconds,
    )
    email = normalise_email(email)
    # And per account, whatever the address: guesses spread over many addresses still
    # meet one counter.
    await services.rate_limiter.check(
        "login_account",
        email,
        limit=settings.rate_limit_login_account,
        window_seconds=settings.rate_limit_window_seconds,
    )
    user = await User.get_or_none(email=email)
    # Verify even when the account is missing, so timing tells nothing.
    ok = await security.verify_password(user.password_hash if user else None, password)
    # A suspended agent's password still verifies; the answer is the same as a wrong one.
    if user is None or not ok or user.suspended_at is not None:
        raise OperationFailed(UserError(ErrorCode.INVALID_CREDENTIALS, Msg.BAD_CREDENTIALS))
    return IssuedToken(user, await issue_token(services, user))


async def revoke_token(services: Services, viewer: Viewer) -> None:
    """Revoke the token this request was made with (log out)."""
    if viewer.token_id is None:
        raise Unauthenticated()
    await AccessToken.filter(id=viewer.token_id, revoked_at__isnull=True).update(
        revoked_at=services.now()
    )


async def revoke_all_tokens(
    services: Services, user_id: uuid.UUID, *, keep_token_id: uuid.UUID | None = None
) -> int:
    """Revoke every live bearer token of an account (password change or reset, signing out
    everywhere, erasure, an agent suspended or removed), but `keep_token_id`; open
    websockets on them close at their next credential check. Runs in the caller's
    transaction when there is one. Returns how many were revoked."""
    queryset = AccessToken.filter(user_id=user_id, revoked_at__isnull=True)
    if keep_token_id is not None:
        queryset = queryset.exclude(id=keep_token_id)
    return await queryset.update(revoked_at=services.now())


async def create_user(
    *,
    email: str,
    password: str,
    full_name: str,
    role: Role,
    company: Company | None = None,
    is_member: bool = False,
    language: Language = Language.NL,
) -> User:
    """Create any kind of account (the `users create` command and the demo set)."""
    email = normalise_email(email)
    errors = [
        *check_email("email", email),
        *check_full_name(full_name),
        *check_password(password),
    ]
    for_company = role_can(role, Capability.ACT_FOR_COMPANY)
    if for_company and company is None:
        errors.append(UserError(ErrorCode.REQUIRED, Msg.AGENT_NEEDS_COMPANY, "company"))
    if errors:
        raise OperationFailed(*errors)
    try:
        return await User.create(
            email=email,
            password_hash=await security.hash_password(password),
            full_name=full_name.strip(),
            role=role,
            company=company if for_company else None,
            is_member=is_member,
            language=language,
            # Made by an operator or a moderator, who vouch for the address.
            email_verified_at=utc_now(),
        )
    except IntegrityError as exc:
        raise OperationFailed(UserError(ErrorCode.DUPLICATE, Msg.ACCOUNT_EXISTS, "email")) from exc


async def create_api_key(viewer: Viewer, *, partner_name: str) -> tuple[ApiKey, str]:
    if not can_manage_companies(viewer):
        raise Forbidden()
    errors = check_text("partnerName", partner_name, max_length=200)
    if errors:
        raise OperationFailed(*errors)
    key = security.new_api_key()
    async with in_transaction():
        api_key = await ApiKey.create(
            key_hash=security.digest(key),
            partner_name=partner_name.strip(),
            created_by_id=viewer.user_id,
        )
        await audit.record(viewer, "api_key.create", "api_key", api_key.id, partner=partner_name)
    return api_key, key


async def authenticate(services: Services, credential: str) -> Viewer | None:
    """The viewer a bearer credential stands for, or None if it is unknown, expired or
    revoked."""
    if credential.startswith(security.LINK_TOKEN_PREFIX):
        return await magic_links.authenticate(services, credential)
    hashed = security.digest(credential)
    if credential.startswith(security.API_KEY_PREFIX):
        return await _partner(key_hash=hashed)
    return await _account(services, token_hash=hashed)


async def viewer_of_token(services: Services, token_id: uuid.UUID) -> Viewer | None:
    """The viewer an access token stands for now, found by its id (a download link names
    the token it was made for): the same checks as a bearer credential, so a right that
    ended (signed out, suspended, removed from the company, erased) ends here too."""
    return await _account(services, id=token_id)


async def viewer_of_api_key(api_key_id: uuid.UUID) -> Viewer | None:
    """The partner an API key stands for now, found by its id; None once withdrawn."""
    return await _partner(id=api_key_id)


async def _partner(**lookup: Any) -> Viewer | None:
    key = await ApiKey.get_or_none(**lookup, revoked_at__isnull=True)
    return Viewer(ViewerKind.PARTNER, api_key_id=key.id) if key else None


async def _account(services: Services, **lookup: Any) -> Viewer | None:
    """The one place a token becomes a user's viewer: live token, account not suspended,
    membership as of today."""
    token = await AccessToken.get_or_none(
        **lookup, revoked_at__isnull=True, expires_at__gt=services.now()
    ).select_related("user")
    if token is None:
        return None
    user = token.user
    if user.suspended_at is not None:
        return None
    return Viewer.for_user(
        user.id,
        user.role,
        company_id=user.company_id,
        is_member=membership.is_active(user, services.now()),
        token_id=token.id,
    )


async def credential_still_valid(services: Services, viewer: Viewer) -> bool:
    """Whether the token or key a long-lived connection authenticated with still holds:
    not revoked (signed out, account erased), not expired, its key not withdrawn."""
    if viewer.token_id is not None:
        return await AccessToken.exists(
            id=viewer.token_id, revoked_at__isnull=True, expires_at__gt=services.now()
        )
    if viewer.api_key_id is not None:
        return await ApiKey.exists(id=viewer.api_key_id, revoked_at__isnull=True)
    if viewer.link_complaint_id is not None:
        return await magic_links.still_valid(services, viewer)
    return True  # anonymous: nothing to withdraw


async def get_user(user_id: uuid.UUID) -> User | None:
    return await User.get_or_none(id=user_id)


async def issue_token(services: Services, user: User) -> str:
    token = security.new_user_token()
    await AccessToken.create(
        token_hash=security.digest(token),
        user=user,
        expires_at=services.now() + timedelta(days=services.settings.token_lifetime_days),
    )
    return token


def check_full_name(full_name: str) -> list[UserError]:
    errors = check_text("fullName", full_name, max_length=200)
    if not errors and contact_details_in_name(full_name):
        errors.append(
            UserError(
                ErrorCode.NAME_HAS_CONTACT_DETAILS,
                Msg.NAME_HAS_CONTACT_DETAILS,
                "fullName",
            )
        )
    return errors


def check_password(password: str, field: str = "password") -> list[UserError]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return [
            UserError(
                ErrorCode.INVALID,
                Msg.PASSWORD_TOO_SHORT,
                field,
                {"minLength": MIN_PASSWORD_LENGTH},
            )
        ]
    if len(password) > 1024:
        return [UserError(ErrorCode.TOO_LONG, Msg.PASSWORD_TOO_LONG, field, {"maxLength": 1024})]
    return []
