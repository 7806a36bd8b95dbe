"""Membership: whether a consumer is a paying member now, set by moderators or synced from
the organisation's member list (`members_sync`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from tortoise.transactions import in_transaction

from amicable.infra.errors import ErrorCode, Forbidden, OperationFailed, UserError, not_found
from amicable.infra.messages import Msg
from amicable.models import User
from amicable.models.enums import Role
from amicable.policy import Viewer, can_manage_members
from amicable.resolvers import audit
from amicable.services import Services


def is_active(user: User, now: datetime) -> bool:
    """A member whose membership has not run out (the expiry day itself still counts)."""
    if not user.is_member:
        return False
    return user.member_until is None or user.member_until >= now.date()


@dataclass
class MembershipChange:
    is_member: bool
    member_number: str = ""
    member_until: date | None = None


async def update(
    services: Services, viewer: Viewer, user_id: uuid.UUID, change: MembershipChange
) -> User:
    """Set (with a number and an expiry) or clear a consumer's membership."""
    if not can_manage_members(viewer):
        raise Forbidden()
    number = change.member_number.strip()
    if change.is_member:
        errors = []
        if not number or len(number) > 64:
            errors.append(UserError(ErrorCode.REQUIRED, Msg.MEMBER_NUMBER_REQUIRED, "memberNumber"))
        if change.member_until is None:
            errors.append(UserError(ErrorCode.REQUIRED, Msg.MEMBER_UNTIL_REQUIRED, "memberUntil"))
        if errors:
            raise OperationFailed(*errors)
    async with in_transaction():
        user = await User.select_for_update().get_or_none(id=user_id)
        if user is None or user.role is not Role.CONSUMER or user.erased_at is not None:
            raise not_found("User", "userId")
        user.is_member = change.is_member
        user.member_number = number if change.is_member else ""
        user.member_until = change.member_until if change.is_member else None
        await user.save(update_fields=["is_member", "member_number", "member_until"])
        await audit.record(
            viewer,
            "membership.set" if change.is_member else "membership.clear",
            "user",
            user.id,
            member_number=user.member_number,
            member_until=user.member_until.isoformat() if user.member_until else None,
        )
    return user
