"""The operator views (moderators): failed outbound mail, unprocessable inbound mail, their
retries, and the audit log. Mixed into `Query` and `Mutation`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, cast

import strawberry
from strawberry.permission import BasePermission
from strawberry.scalars import JSON

from amicable import policy
from amicable.infra.pagination import NEWEST_FIRST, Sort
from amicable.models import AuditEntry, InboundMail, OutboxMail
from amicable.resolvers import operations as ops
from amicable.schema.context import Info
from amicable.schema.mutations._attempt import attempt, decode_id
from amicable.schema.paging import After, Before, First, Last, page_window
from amicable.schema.permissions import IsAuthenticated, requires
from amicable.schema.relay import Connection, connection_from_page, decode_global_id, global_id
from amicable.schema.types.errors import ERRORS, UserError
from amicable.schema.types.user import UserType


class CanOperate(BasePermission):
    message = "Forbidden"
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return policy.can_operate(info.context.viewer)


def _complaint_id(complaint_id: uuid.UUID | None) -> strawberry.ID | None:
    return strawberry.ID(global_id("Complaint", complaint_id)) if complaint_id else None


@strawberry.type(name="OutboundMail", description="A mail the platform sends (or gave up on).")
class OutboundMailType:
    id: strawberry.ID = strawberry.field(description="The mail's global ID.")
    kind: str = strawberry.field(description="What mail it is.")
    status: str = strawberry.field(description="Where its delivery stands.")
    recipient: str = strawberry.field(description="The address it goes to.")
    recipient_kind: str = strawberry.field(
        description="Whom it goes to: the company, the consumer, ..."
    )
    complaint_id: strawberry.ID | None = strawberry.field(
        description="The complaint it concerns, if any."
    )
    attempts: int = strawberry.field(description="How many times sending was tried.")
    last_error: str = strawberry.field(description="Why the last attempt failed.")
    created_at: datetime = strawberry.field(description="When it was queued.")
    next_attempt_at: datetime = strawberry.field(
        description="When the next try is due; null when none is."
    )

    @classmethod
    def from_model(cls, row: OutboxMail) -> OutboundMailType:
        return cls(
            id=strawberry.ID(global_id("OutboundMail", row.id)),
            kind=row.kind.value,
            status=row.status.value,
            recipient=row.recipient,
            recipient_kind=row.recipient_kind.value,
            complaint_id=_complaint_id(row.complaint_id),
            attempts=row.attempts,
            last_error=row.last_error,
            created_at=row.created_at,
            next_attempt_at=row.next_attempt_at,
        )


@strawberry.type(name="InboundMail", description="A mail received through one of the doors.")
class InboundMailType:
    id: strawberry.ID = strawberry.field(description="The mail's global ID.")
    door: str = strawberry.field(description="Where it came in (the address kind).")
    sender: str = strawberry.field(description="The envelope sender.")
    subject: str = strawberry.field(description="The subject line.")
    size: int = strawberry.field(description="Its size in bytes.")
    outcome: str = strawberry.field(description="What became of it.")
    detail: str = strawberry.field(description="Why it could not be processed.")
    complaint_id: strawberry.ID | None = strawberry.field(
        description="The complaint it concerns, if known."
    )
    received_at: datetime = strawberry.field(description="When it was received.")

    @classmethod
    def from_model(cls, row: InboundMail) -> InboundMailType:
        return cls(
            id=strawberry.ID(global_id("InboundMail", row.id)),
            door=row.door.value if hasattr(row.door, "value") else str(row.door),
            sender=row.sender,
            subject=row.subject,
            size=row.size,
            outcome=row.outcome,
            detail=row.detail,
            complaint_id=_complaint_id(row.complaint_id),
            received_at=row.received_at,
        )


@strawberry.type(name="AuditEntry", description="Who did what, to what, when.")
class AuditEntryType:
    id: strawberry.ID = strawberry.field(description="The entry's global ID.")
    action: str = strawberry.field(description='What was done, e.g. "complaint.create".')
    actor_kind: str = strawberry.field(description="Who did it: a user, the system, mail.")
    actor_id: strawberry.ID | None = strawberry.field(description="A User ID, when a user acted.")
    target_type: str = strawberry.field(description="What kind of thing it was done to.")
    target_id: str = strawberry.field(description="The database ID of the target.")
    data: JSON = strawberry.field(description="Details of the action, as JSON.")
    created_at: datetime = strawberry.field(description="When it was done.")
    actor_user_id: strawberry.Private[uuid.UUID | None] = None

    @strawberry.field(description="The account that acted, if one did.")
    async def actor(self, info: Info) -> UserType | None:
        if self.actor_user_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self.actor_user_id)
        return UserType.from_model(user) if user else None

    @classmethod
    def from_model(cls, row: AuditEntry) -> AuditEntryType:
        actor = row.actor_user_id
        return cls(
            id=strawberry.ID(global_id("AuditEntry", row.id)),
            action=row.action,
            actor_kind=row.actor_kind,
            actor_id=strawberry.ID(global_id("User", actor)) if actor else None,
            target_type=row.target_type,
            target_id=str(row.target_id),
            data=cast(JSON, row.data),
            created_at=row.created_at,
            actor_user_id=actor,
        )


@strawberry.input(description="Which audit entries; every condition given must hold.")
class AuditFilter:
    actor: strawberry.ID | None = strawberry.field(default=None, description="A User ID.")
    action: list[str] | None = strawberry.field(
        default=None, description='Actions, e.g. "complaint.create".'
    )
    company: strawberry.ID | None = strawberry.field(
        default=None, description="A Company ID: entries about it and its complaints."
    )
    since: datetime | None = strawberry.field(default=None, description="At or after this moment.")
    until: datetime | None = strawberry.field(default=None, description="Exclusive.")


_NOTHING = uuid.UUID(int=0)


def _decoded(value: strawberry.ID | None, type_name: str) -> uuid.UUID | None:
    if value is None:
        return None
    decoded = decode_global_id(value, type_name)
    # An unknown ID matches nothing, as an ID without entries would.
    return decoded[1] if decoded else _NOTHING


_OPERATOR = requires(IsAuthenticated(), CanOperate())


@strawberry.type
class OperatorQueries:
    @strawberry.field(
        description="Outgoing mail the worker gave up on, newest first (moderators).",
        extensions=_OPERATOR,
    )
    async def failed_outbound_mail(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[OutboundMailType]:
        page = await ops.failed_outbound(
            info.context.viewer, page=page_window(info, first, after, last, before)
        )
        return connection_from_page(page, NEWEST_FIRST, OutboundMailType.from_model)

    @strawberry.field(
        description="Inbound mail that could not be processed, newest first (moderators).",
        extensions=_OPERATOR,
    )
    async def unprocessable_inbound_mail(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[InboundMailType]:
        page = await ops.unprocessable_inbound(
            info.context.viewer, page=page_window(info, first, after, last, before)
        )
        return connection_from_page(
            page, Sort("received_at", descending=True), InboundMailType.from_model
        )

    @strawberry.field(description="The audit log, newest first (moderators).", extensions=_OPERATOR)
    async def audit_log(
        self,
        info: Info,
        filter: Annotated[
            AuditFilter | None, strawberry.argument(description="Only entries matching this.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AuditEntryType]:
        given = filter or AuditFilter()
        filters = ops.AuditFilter(
            actor_user_id=_decoded(given.actor, "User"),
            actions=given.action,
            company_id=_decoded(given.company, "Company"),
            since=given.since,
            until=given.until,
        )
        page = await ops.audit_log(
            info.context.viewer, filters, page=page_window(info, first, after, last, before)
        )
        return connection_from_page(page, NEWEST_FIRST, AuditEntryType.from_model)


@strawberry.type(description="The mail as it is now, or why not.")
class OutboundMailRetryPayload:
    mail: OutboundMailType | None = strawberry.field(
        default=None, description="The mail as it is now."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="What processing it again did, or why not.")
class InboundMailRetryPayload:
    outcome: str | None = strawberry.field(
        default=None, description="What the pipeline made of it this time."
    )
    mail: InboundMailType | None = strawberry.field(
        default=None, description="The new record of the mail."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type
class OperatorMutations:
    @strawberry.mutation(
        description="Queue a failed mail again; a company's mail goes to its current working "
        "address (moderators).",
        extensions=_OPERATOR,
    )
    async def outbound_mail_retry(
        self,
        info: Info,
        mail_id: Annotated[strawberry.ID, strawberry.argument(description="The OutboundMail ID.")],
    ) -> OutboundMailRetryPayload:
        async def run() -> OutboxMail:
            decoded = decode_id(mail_id, "OutboundMail", "mailId")
            return await ops.retry_outbound(info.context.services, info.context.viewer, decoded)

        row, errors = await attempt(run())
        if row is None:
            return OutboundMailRetryPayload(errors=errors)
        return OutboundMailRetryPayload(mail=OutboundMailType.from_model(row), errors=[])

    @strawberry.mutation(
        description="Run an unprocessable mail through the inbound pipeline again (moderators).",
        extensions=_OPERATOR,
    )
    async def inbound_mail_retry(
        self,
        info: Info,
        mail_id: Annotated[strawberry.ID, strawberry.argument(description="The InboundMail ID.")],
    ) -> InboundMailRetryPayload:
        async def run() -> ops.Reprocessed:
            decoded = decode_id(mail_id, "InboundMail", "mailId")
            return await ops.reprocess_inbound(info.context.services, info.context.viewer, decoded)

        result, errors = await attempt(run())
        if result is None:
            return InboundMailRetryPayload(errors=errors)
        mail = InboundMailType.from_model(result.mail) if result.mail else None
        return InboundMailRetryPayload(outcome=result.outcome, mail=mail, errors=[])
