"""A person's own account: password reset and change, email change, profile, and signing
out everywhere.

A reset request answers the same whether or not the address has an account, and does the
same hashing work either way, so neither the answer nor its timing tells who is registered.
"""

from __future__ import annotations

from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from amicable import security
from amicable.infra.errors import (
    ErrorCode,
    Forbidden,
    OperationFailed,
    Unauthenticated,
    UserError,
)
from amicable.infra.messages import Msg
from amicable.infra.validation import check_email, normalise_email
from amicable.models import User
from amicable.models.account_tokens import TokenPurpose
from amicable.models.enums import Language
from amicable.policy import Viewer, can_manage_own_account
from amicable.resolvers import account_mail, accounts, audit, mail_tokens, verification
from amicable.resolvers.accounts import check_full_name, check_password
from amicable.resolvers.publish import committed
from amicable.services import Services


async def request_password_reset(services: Services, email: str, *, client_key: str) -> None:
    """Mail a reset link if the address has an account; answer the same either way."""
    address = normalise_email(email)
    if check_email("email", address):
        raise OperationFailed(*check_email("email", address))
    await mail_tokens.throttle(services, "password_reset", address, client_key)
    user = await User.get_or_none(email=address, erased_at__isnull=True)
    if user is None:
        # The same work as for a real account (a token and its digest), nothing stored.
        security.digest(security.new_mail_token())
        return
    minutes = services.settings.password_reset_link_minutes
    async with in_transaction():
        secret = await mail_tokens.issue(
            services,
            TokenPurpose.PASSWORD_RESET,
            email=user.email,
            lifetime=timedelta(minutes=minutes),
            user_id=user.id,
        )
        await account_mail.send_link(
            services,
            "password_reset",
            to=user.email,
            language=user.language,
            token=secret,
            hours=max(1, minutes // 60),
        )


async def confirm_password_reset(services: Services, secret: str, new_password: str) -> User:
    """Set a new password with the mailed link; every session of the account ends. The
    link reached the account's address, so the address counts as verified."""
    errors = check_password(new_password, "newPassword")
    if errors:
        raise OperationFailed(*errors)
    password_hash = await security.hash_password(new_password)
    async with committed(services) as announce:
        token = await mail_tokens.redeem(services, TokenPurpose.PASSWORD_RESET, secret)
        user = await User.select_for_update().get_or_none(id=token.user_id)
        if user is None or user.email != token.email or user.erased_at is not None:
            raise mail_tokens.invalid()
        user.password_hash = password_hash
        await user.save(update_fields=["password_hash"])
        await _revoke_tokens(services, user, keep=None)
        released = await verification.mark_verified(services, announce, user)
        await audit.record(
            Viewer.for_user(user.id, user.role), "account.password_reset", "user", user.id
        )
    await verification.publish_released(services, released)
    return user


async def change_password(
    services: Services, viewer: Viewer, current_password: str, new_password: str
) -> User:
    """Change the password knowing the current one; the account's other sessions end."""
    user = await _own_account(viewer)
    errors = check_password(new_password, "newPassword")
    if errors:
        raise OperationFailed(*errors)
    await _throttle_password_checks(services, user)
    if not await security.verify_password(user.password_hash, current_password):
        raise OperationFailed(
            UserError(ErrorCode.INVALID_CREDENTIALS, Msg.CURRENT_PASSWORD_WRONG, "password")
        )
    password_hash = await security.hash_password(new_password)
    async with in_transaction():
        await User.filter(id=user.id).update(password_hash=password_hash)
        await _revoke_tokens(services, user, keep=viewer)
        await audit.record(viewer, "account.password_change", "user", user.id)
    return user


async def request_email_change(
    services: Services, viewer: Viewer, new_email: str, password: str
) -> User:
    """Mail a confirmation link to the new address; the address changes when it is
    followed. The password is asked, so an unattended session cannot take the account."""
    user = await _own_account(viewer)
    address = normalise_email(new_email)
    errors = check_email("newEmail", address)
    if errors:
        raise OperationFailed(*errors)
    await _throttle_password_checks(services, user)
    if not await security.verify_password(user.password_hash, password):
        raise OperationFailed(
            UserError(ErrorCode.INVALID_CREDENTIALS, Msg.PASSWORD_WRONG, "password")
        )
    if address == user.email:
        raise OperationFailed(UserError(ErrorCode.INVALID, Msg.SAME_EMAIL, "newEmail"))
    await mail_tokens.throttle(services, "email_change", str(user.id), address)
    hours = services.settings.email_change_link_hours
    async with in_transaction():
        secret = await mail_tokens.issue(
            services,
            TokenPurpose.EMAIL_CHANGE,
            email=address,
            lifetime=timedelta(hours=hours),
            user_id=user.id,
        )
        await account_mail.send_link(
            services, "email_change", to=address, language=user.language, token=secret, hours=hours
        )
        await audit.record(viewer, "account.email_change_request", "user", user.id)
    return user


async def confirm_email_change(services: Services, secret: str) -> User:
    async with committed(services) as announce:
        token = await mail_tokens.redeem(services, TokenPurpose.EMAIL_CHANGE, secret)
        user = await User.select_for_update().get_or_none(id=token.user_id)
        if user is None or user.erased_at is not None:
            raise mail_tokens.invalid()
        old = user.email
        user.email = token.email
        user.email_verified_at = services.now()
        try:
            await user.save(update_fields=["email", "email_verified_at"])
        except IntegrityError as exc:
            raise OperationFailed(UserError(ErrorCode.DUPLICATE, Msg.ACCOUNT_EXISTS)) from exc
        released = await verification.mark_verified(services, announce, user)
        await audit.record(
            Viewer.for_user(user.id, user.role),
            "account.email_change",
            "user",
            user.id,
            previous_domain=old.rpartition("@")[2],
        )
    await verification.publish_released(services, released)
    return user


async def update_profile(
    services: Services, viewer: Viewer, *, full_name: str | None, language: Language | None
) -> User:
    user = await _own_account(viewer)
    errors = check_full_name(full_name) if full_name is not None else []
    if errors:
        raise OperationFailed(*errors)
    fields = []
    if full_name is not None:
        user.full_name = full_name.strip()
        fields.append("full_name")
    if language is not None:
        user.language = language
        fields.append("language")
    if fields:
        async with in_transaction():
            await user.save(update_fields=fields)
            await audit.record(viewer, "account.update", "user", user.id, fields=fields)
    return user


async def sign_out_everywhere(services: Services, viewer: Viewer) -> int:
    """Sign out everywhere, this session included; returns how many sessions ended."""
    user = await _own_account(viewer)
    async with in_transaction():
        count = await _revoke_tokens(services, user, keep=None)
        await audit.record(viewer, "account.sign_out_everywhere", "user", user.id)
    return count


async def _revoke_tokens(services: Services, user: User, *, keep: Viewer | None) -> int:
    keep_token_id = keep.token_id if keep is not None else None
    return await accounts.revoke_all_tokens(services, user.id, keep_token_id=keep_token_id)


async def _own_account(viewer: Viewer) -> User:
    if not viewer.is_authenticated:
        raise Unauthenticated()
    if not can_manage_own_account(viewer) or viewer.user_id is None:
        raise Forbidden()
    user = await User.get_or_none(id=viewer.user_id)
    if user is None:
        raise Unauthenticated()
    return user


async def _throttle_password_checks(services: Services, user: User) -> None:
    settings = services.settings
    await services.rate_limiter.check(
        "password_check",
        str(user.id),
        limit=settings.rate_limit_login,
        window_seconds=settings.rate_limit_window_seconds,
    )
