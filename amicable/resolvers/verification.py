"""Verifying a consumer's address: the mailed link, resending it, and releasing the
complaints that waited for it (in the verifying transaction)."""

from __future__ import annotations

from datetime import timedelta

from tortoise.transactions import in_transaction

from amicable.infra.errors import ErrorCode, OperationFailed, Unauthenticated, UserError
from amicable.infra.messages import Msg
from amicable.models import Complaint, User
from amicable.models.account_tokens import TokenPurpose
from amicable.models.enums import ComplaintStatus
from amicable.policy import Viewer
from amicable.resolvers import account_mail, audit, mail_tokens, unsent
from amicable.resolvers import complaints as complaint_ops
from amicable.resolvers import scores as score_ops
from amicable.resolvers.publish import committed
from amicable.services import Services
from amicable.subscriptions.bus.events import ComplaintUpdated, Event


async def send_verification(services: Services, user: User) -> None:
    """Queue the verification mail (inside the caller's transaction)."""
    hours = services.settings.verification_link_hours
    secret = await mail_tokens.issue(
        services,
        TokenPurpose.VERIFY_EMAIL,
        email=user.email,
        lifetime=timedelta(hours=hours),
        user_id=user.id,
    )
    await account_mail.send_link(
        services,
        "verify_email",
        to=user.email,
        language=user.language,
        token=secret,
        hours=hours,
    )


async def resend(services: Services, viewer: Viewer) -> User:
    if viewer.user_id is None:
        raise Unauthenticated()
    user = await User.get(id=viewer.user_id)
    if user.email_verified_at is not None:
        raise OperationFailed(UserError(ErrorCode.INVALID_STATE, Msg.EMAIL_ALREADY_VERIFIED))
    await mail_tokens.throttle(services, "verification_mail", str(user.id), user.email)
    async with in_transaction():
        await send_verification(services, user)
    return user


async def verify_email(services: Services, secret: str) -> User:
    """Follow the mailed link: the address is verified and every complaint that waited
    for it is queued for sending, in one transaction."""
    async with committed(services) as announce:
        token = await mail_tokens.redeem(services, TokenPurpose.VERIFY_EMAIL, secret)
        user = await User.select_for_update().get_or_none(id=token.user_id)
        # A link for an address the account no longer has proves nothing.
        if user is None or user.email != token.email or user.erased_at is not None:
            raise mail_tokens.invalid()
        released = await mark_verified(services, announce, user)
        await audit.record(
            Viewer.for_user(user.id, user.role), "account.verify_email", "user", user.id
        )
    await publish_released(services, released)
    return user


async def mark_verified(services: Services, announce: list[Event], user: User) -> list[Complaint]:
    """Inside the caller's transaction: the address is proven; send what waited for it
    (announced once the caller's transaction commits)."""
    if user.email_verified_at is None:
        user.email_verified_at = services.now()
        await user.save(update_fields=["email_verified_at"])
    waiting = await Complaint.select_for_update().filter(
        consumer_id=user.id,
        unsent_reason=unsent.EMAIL_NOT_VERIFIED,
        status=ComplaintStatus.WAITING_FOR_COMPANY,
        sent_at__isnull=True,
    )
    now = services.now()
    for complaint in waiting:
        await complaint_ops.send_to_company(services, announce, complaint, now)
        announce.append(ComplaintUpdated(str(complaint.id), str(complaint.company_id)))
    # A complaint still on the moderation queue is sent when a moderator approves it.
    await Complaint.filter(consumer_id=user.id, unsent_reason=unsent.EMAIL_NOT_VERIFIED).update(
        unsent_reason=""
    )
    return list(waiting)


async def publish_released(services: Services, released: list[Complaint]) -> None:
    """After the commit: the scores of the companies that now count the released ones."""
    for company_id in {c.company_id for c in released}:
        await score_ops.publish_score_updated(services, company_id)
