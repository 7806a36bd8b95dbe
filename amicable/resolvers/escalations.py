"""Escalation to the legal team: a member hands a complaint the company ignored, or that
ended unresolved, to the organisation's lawyers, who then read the whole dossier (the
policy lets lawyers see escalated complaints) and work it: assignment, status, notes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from tortoise.transactions import in_transaction

from amicable.infra.errors import ErrorCode, Forbidden, OperationFailed, UserError, not_found
from amicable.infra.messages import Msg
from amicable.infra.pagination import NEWEST_FIRST, Page, Window, paginate
from amicable.infra.validation import check_text
from amicable.models import Complaint, Escalation, LawyerNote, Notification, User
from amicable.models.enums import ComplaintStatus
from amicable.models.moderation import EscalationBasis, EscalationStatus
from amicable.policy import (
    Capability,
    Viewer,
    can_escalate,
    can_handle_escalations,
    roles_that_can,
)
from amicable.resolvers import audit, notifications
from amicable.resolvers.complaints import get_for_update
from amicable.resolvers.publish import publish
from amicable.services import Services
from amicable.subscriptions.bus.events import ComplaintUpdated


@dataclass
class EscalationChanges:
    status: EscalationStatus | None = None
    # The lawyer to assign; `unassign` clears the assignment.
    lawyer_id: uuid.UUID | None = None
    unassign: bool = False


async def escalate(
    services: Services, viewer: Viewer, complaint_id: uuid.UUID, request_text: str = ""
) -> Escalation:
    errors = check_text("requestText", request_text, max_length=5000, required=False)
    if errors:
        raise OperationFailed(*errors)
    async with in_transaction():
        complaint = await get_for_update(viewer, complaint_id)
        if not can_escalate(viewer, complaint):
            raise OperationFailed(UserError(ErrorCode.NOT_ALLOWED, Msg.ONLY_THE_CONSUMER))
        if not viewer.is_member:
            raise OperationFailed(UserError(ErrorCode.MEMBERS_ONLY, Msg.MEMBERS_ONLY))
        if complaint.escalated_at is not None:
            raise OperationFailed(UserError(ErrorCode.INVALID_STATE, Msg.ALREADY_ESCALATED))
        basis = _basis(services, complaint)
        now = services.now()
        escalation = await Escalation.create(
            complaint_id=complaint.id,
            basis=basis,
            request_text=request_text.strip(),
            created_at=now,
            updated_at=now,
        )
        complaint.escalated_at = now
        await complaint.save(update_fields=["escalated_at"])
        consumer = await User.get(id=complaint.consumer_id)
        note = await notifications.notify(
            services,
            consumer,
            "escalation.created",
            complaint_id=complaint.id,
            reference=complaint.reference,
        )
        await audit.record(
            viewer, "complaint.escalate", "complaint", complaint.id, basis=basis.value
        )
    await publish(services, ComplaintUpdated(str(complaint.id), str(complaint.company_id)))
    await notifications.publish(services, [note])
    return escalation


def _basis(services: Services, complaint: Complaint) -> EscalationBasis:
    """Why this complaint may be escalated, or NOT_ELIGIBLE saying why not."""
    if complaint.status is ComplaintStatus.UNRESOLVED:
        return EscalationBasis.UNRESOLVED
    days = services.settings.score_response_deadline_days
    if complaint.status is ComplaintStatus.WAITING_FOR_COMPANY and complaint.sent_at:
        deadline = complaint.sent_at + timedelta(days=days)
        if complaint.first_company_reply_at is None and services.now() >= deadline:
            return EscalationBasis.NO_REPLY
        raise _not_eligible(
            Msg.ESCALATE_AFTER_DEADLINE, {"days": days, "date": deadline.date().isoformat()}
        )
    if complaint.status is ComplaintStatus.ANSWERED:
        raise _not_eligible(Msg.ESCALATE_ANSWERED)
    raise _not_eligible(Msg.ESCALATE_NOT_ELIGIBLE)


def _not_eligible(message: Msg, params: dict[str, str | int] | None = None) -> OperationFailed:
    return OperationFailed(UserError(ErrorCode.NOT_ELIGIBLE, message, None, params or {}))


async def search(
    viewer: Viewer,
    *,
    statuses: list[EscalationStatus] | None,
    assigned_to_me: bool,
    page: Window,
) -> Page[Escalation]:
    if not can_handle_escalations(viewer):
        raise Forbidden()
    queryset = Escalation.all()
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if assigned_to_me:
        queryset = queryset.filter(assigned_lawyer_id=viewer.user_id)
    return await paginate(queryset, NEWEST_FIRST, page)


async def get(viewer: Viewer, escalation_id: uuid.UUID) -> Escalation | None:
    if not can_handle_escalations(viewer):
        return None
    return await Escalation.get_or_none(id=escalation_id)


async def update(
    services: Services, viewer: Viewer, escalation_id: uuid.UUID, changes: EscalationChanges
) -> Escalation:
    if not can_handle_escalations(viewer):
        raise Forbidden()
    notified: list[Notification] = []
    async with in_transaction():
        escalation = await Escalation.select_for_update().get_or_none(id=escalation_id)
        if escalation is None:
            raise not_found("Escalation", "escalationId")
        now = services.now()
        if changes.unassign:
            escalation.assigned_lawyer_id = None
        elif changes.lawyer_id is not None:
            lawyer = await User.get_or_none(
                id=changes.lawyer_id, role__in=roles_that_can(Capability.READ_ESCALATED)
            )
            if lawyer is None:
                raise not_found("Lawyer", "lawyerId")
            escalation.assigned_lawyer_id = lawyer.id
            if escalation.status is EscalationStatus.OPEN and changes.status is None:
                changes.status = EscalationStatus.IN_PROGRESS
        status_changed = changes.status is not None and changes.status is not escalation.status
        if changes.status is not None:
            escalation.status = changes.status
            escalation.closed_at = now if changes.status is EscalationStatus.CLOSED else None
        escalation.updated_at = now
        await escalation.save()
        complaint = await Complaint.get(id=escalation.complaint_id)
        if status_changed:
            consumer = await User.get(id=complaint.consumer_id)
            notified.append(
                await notifications.notify(
                    services,
                    consumer,
                    "escalation.updated",
                    complaint_id=complaint.id,
                    # The consumer hears by mail when the case closes; progress is in the app.
                    mail=escalation.status is EscalationStatus.CLOSED,
                    reference=complaint.reference,
                    status=notifications.word(consumer.language, escalation.status.value),
                )
            )
        await audit.record(
            viewer,
            "escalation.update",
            "escalation",
            escalation.id,
            status=escalation.status.value,
            lawyer=str(escalation.assigned_lawyer_id or ""),
        )
    await notifications.publish(services, notified)
    return escalation


async def add_note(
    services: Services, viewer: Viewer, escalation_id: uuid.UUID, body: str
) -> LawyerNote:
    if not can_handle_escalations(viewer):
        raise Forbidden()
    errors = check_text("body", body, max_length=20_000)
    if errors:
        raise OperationFailed(*errors)
    async with in_transaction():
        escalation = await Escalation.get_or_none(id=escalation_id)
        if escalation is None:
            raise not_found("Escalation", "escalationId")
        note = await LawyerNote.create(
            escalation_id=escalation.id,
            author_id=viewer.user_id,
            body=body.strip(),
            created_at=services.now(),
        )
        await audit.record(viewer, "escalation.note", "escalation", escalation.id)
    return note


async def notes(viewer: Viewer, escalation: Escalation) -> list[LawyerNote]:
    if not can_handle_escalations(viewer):
        return []
    return await LawyerNote.filter(escalation_id=escalation.id).order_by("created_at", "id")
