"""The moderation queue and its decisions (PRODUCT.md section 6).

A decision is about the content an item concerns: APPROVE lets it out as written (a held
complaint is sent to the company, a held reply is published and relayed), REJECT takes it
down, REDACT replaces its public text and lets it out. On a correction request APPROVE
accepts and REJECT refuses (`corrections`). Every decision carries a reason, which the
author is told (a statement of reasons), and lands in the audit log.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from tortoise.transactions import in_transaction

from amicable.infra.errors import ErrorCode, Forbidden, OperationFailed, UserError, not_found
from amicable.infra.messages import Msg
from amicable.infra.pagination import OLDEST_FIRST, Page, Window, paginate
from amicable.infra.validation import check_text
from amicable.models import (
    Company,
    Complaint,
    Message,
    ModerationItem,
    Notification,
    OutboxMail,
    User,
)
from amicable.models.enums import ComplaintStatus, ModerationState
from amicable.models.mail import OutboxKind, OutboxStatus
from amicable.models.moderation import ModerationDecision, ModerationItemKind, ModerationItemStatus
from amicable.policy import Viewer, can_moderate
from amicable.resolvers import audit, corrections, notifications
from amicable.resolvers import complaints as complaint_ops
from amicable.resolvers import messages as message_ops
from amicable.resolvers import scores as score_ops
from amicable.resolvers.publish import publish
from amicable.services import Services
from amicable.subscriptions.bus.events import ComplaintUpdated, Event, MessageAdded

# Items about a piece of content; one decision settles all open ones about the same content.
CONTENT_KINDS = (
    ModerationItemKind.FLAGGED_COMPLAINT,
    ModerationItemKind.FLAGGED_MESSAGE,
    ModerationItemKind.PERSONAL_DATA,
    ModerationItemKind.HELD_REPLY,
    ModerationItemKind.CONTENT_REPORT,
)


@dataclass
class QueueFilter:
    kinds: list[ModerationItemKind] | None = None
    # None: open items only (the queue); pass both statuses for the history too.
    statuses: list[ModerationItemStatus] | None = None
    complaint_id: uuid.UUID | None = None


@dataclass
class Redaction:
    """The new public text; a field left None keeps its current public version."""

    title: str | None = None
    description: str | None = None
    desired_solution: str | None = None
    body: str | None = None


@dataclass
class _Effects:
    """What to publish once the decision is committed."""

    events: list[Event] = field(default_factory=list)
    notified: list[Notification] = field(default_factory=list)
    score_company_id: uuid.UUID | None = None


async def queue(viewer: Viewer, filters: QueueFilter, *, page: Window) -> Page[ModerationItem]:
    """The queue, oldest first: who waits longest is decided first."""
    if not can_moderate(viewer):
        raise Forbidden()
    queryset = ModerationItem.filter(status__in=filters.statuses or [ModerationItemStatus.OPEN])
    if filters.kinds:
        queryset = queryset.filter(kind__in=filters.kinds)
    if filters.complaint_id is not None:
        queryset = queryset.filter(complaint_id=filters.complaint_id)
    return await paginate(queryset, OLDEST_FIRST, page)


async def get_item(viewer: Viewer, item_id: uuid.UUID) -> ModerationItem | None:
    if not can_moderate(viewer):
        return None
    return await ModerationItem.get_or_none(id=item_id)


async def decide(
    services: Services,
    viewer: Viewer,
    item_id: uuid.UUID,
    decision: ModerationDecision,
    reason: str,
    redaction: Redaction | None = None,
) -> ModerationItem:
    if not can_moderate(viewer):
        raise Forbidden()
    errors = check_text("reason", reason, max_length=5000)
    if errors:
        raise OperationFailed(*errors)
    reason = reason.strip()
    effects = _Effects()
    async with in_transaction():
        item = await ModerationItem.select_for_update().get_or_none(id=item_id)
        if item is None:
            raise not_found("ModerationItem", "itemId")
        if item.status is ModerationItemStatus.DONE:
            raise OperationFailed(UserError(ErrorCode.INVALID_STATE, Msg.ALREADY_DECIDED, "itemId"))
        await _apply(services, viewer, item, decision, reason, redaction, effects)
        await _close(services, viewer, item, decision, reason)
        await _close_siblings(services, viewer, item, decision, reason)
        await audit.record(
            viewer,
            f"moderation.{decision.value.lower()}",
            "moderation_item",
            item.id,
            kind=item.kind.value,
            reason=reason,
            complaint=str(item.complaint_id or ""),
            message=str(item.message_id or ""),
        )
    for event in effects.events:
        await publish(services, event)
    await notifications.publish(services, effects.notified)
    if effects.score_company_id is not None:
        await score_ops.publish_score_updated(services, effects.score_company_id)
    return item


async def _apply(
    services: Services,
    viewer: Viewer,
    item: ModerationItem,
    decision: ModerationDecision,
    reason: str,
    redaction: Redaction | None,
    effects: _Effects,
) -> None:
    if item.kind is ModerationItemKind.CORRECTION_REQUEST:
        _no_redaction(decision)
        note = await corrections.decide(services, viewer, item, decision, reason)
        if note is not None:
            effects.notified.append(note)
        return
    if item.kind is ModerationItemKind.DELIVERY_REPORT:
        _no_redaction(decision)
        return  # read by a person; the report itself changed nothing to undo
    if item.kind is ModerationItemKind.COMPANY_ADDRESS_FAILING:
        _no_redaction(decision)
        if decision is ModerationDecision.APPROVE and item.complaint_id is not None:
            await _send_if_never_sent(services, effects.events, item.complaint_id)
        return
    if item.kind in (ModerationItemKind.EMPTY_REPLY, ModerationItemKind.UNPROCESSABLE_MAIL):
        # A mail that was never posted: the decision closes the item and touches no
        # content (the raw mail stays on the record for the moderator to read).
        _no_redaction(decision)
        return
    if item.complaint_id is None:
        return
    complaint = await Complaint.select_for_update().get(id=item.complaint_id)
    if item.message_id is not None:
        message = await Message.get(id=item.message_id)
        changed = await _decide_message(services, complaint, message, decision, redaction, effects)
        author = (
            await User.get_or_none(id=message.author_user_id) if message.author_user_id else None
        )
        what, sender = "message", message.sender_email
    else:
        changed = await _decide_complaint(services, complaint, decision, redaction, effects)
        author = await User.get(id=complaint.consumer_id)
        what, sender = "complaint", ""
    # The author hears of every decision on their content; a report that changed nothing is
    # not theirs to hear about.
    if item.kind is ModerationItemKind.CONTENT_REPORT and not changed:
        return
    kind = _STATEMENT[decision]
    if author is not None:
        effects.notified.append(
            await notifications.notify(
                services,
                author,
                kind,
                complaint_id=complaint.id,
                reason=reason,
                what=notifications.word(author.language, what),
                reference=complaint.reference,
            )
        )
    elif sender:
        # A reply mailed in by a company without an account: the statement goes by mail.
        company = await Company.get(id=complaint.company_id)
        await notifications.mail_only(
            services,
            sender,
            company.language,
            kind,
            what="message",
            reference=complaint.reference,
            reason=reason,
        )


_STATEMENT = {
    ModerationDecision.APPROVE: "moderation.approved",
    ModerationDecision.REJECT: "moderation.rejected",
    ModerationDecision.REDACT: "moderation.redacted",
}


async def _decide_complaint(
    services: Services,
    complaint: Complaint,
    decision: ModerationDecision,
    redaction: Redaction | None,
    effects: _Effects,
) -> bool:
    """Returns whether the complaint changed."""
    pending = complaint.status is ComplaintStatus.PENDING_MODERATION
    if decision is ModerationDecision.REJECT:
        if complaint.status is ComplaintStatus.REJECTED:
            return False
        complaint.status = ComplaintStatus.REJECTED
        await complaint.save(update_fields=["status"])
    else:
        if decision is ModerationDecision.REDACT:
            _redact_complaint(complaint, redaction)
            await complaint.save(
                update_fields=[
                    "public_title",
                    "public_description",
                    "public_desired_solution",
                    "is_redacted",
                ]
            )
        elif not pending:
            return False
        if pending:
            complaint.status = ComplaintStatus.WAITING_FOR_COMPANY
            await complaint.save(update_fields=["status"])
            await complaint_ops.send_to_company(services, effects.events, complaint, services.now())
            effects.score_company_id = complaint.company_id
    effects.events.append(ComplaintUpdated(str(complaint.id), str(complaint.company_id)))
    return True


def _redact_complaint(complaint: Complaint, redaction: Redaction | None) -> None:
    if redaction is None or not any(
        v is not None for v in (redaction.title, redaction.description, redaction.desired_solution)
    ):
        raise OperationFailed(UserError(ErrorCode.REQUIRED, Msg.REDACTION_REQUIRED, "redaction"))
    errors = []
    if redaction.title is not None:
        errors += check_text("redaction.title", redaction.title, max_length=200)
    if redaction.description is not None:
        errors += check_text("redaction.description", redaction.description, max_length=20_000)
    if redaction.desired_solution is not None:
        errors += check_text(
            "redaction.desiredSolution", redaction.desired_solution, max_length=5000, required=False
        )
    if errors:
        raise OperationFailed(*errors)
    if redaction.title is not None:
        complaint.public_title = redaction.title.strip()
    if redaction.description is not None:
        complaint.public_description = redaction.description.strip()
    if redaction.desired_solution is not None:
        complaint.public_desired_solution = redaction.desired_solution.strip()
    complaint.is_redacted = True


async def _decide_message(
    services: Services,
    complaint: Complaint,
    message: Message,
    decision: ModerationDecision,
    redaction: Redaction | None,
    effects: _Effects,
) -> bool:
    """Returns whether the message changed."""
    pending = message.moderation_state is ModerationState.PENDING
    complaint_id, company_id = str(complaint.id), str(complaint.company_id)
    if decision is ModerationDecision.REJECT:
        if message.moderation_state is ModerationState.REJECTED:
            return False
        was_public = message.moderation_state is ModerationState.PUBLISHED
        message.moderation_state = ModerationState.REJECTED
        await message.save(update_fields=["moderation_state"])
        effects.events.append(ComplaintUpdated(complaint_id, company_id))
        # Pushed like any change to the message, so clients update it by id; those who saw
        # it published and may no longer see it are told it was withdrawn.
        effects.events.append(
            MessageAdded(complaint_id, company_id, str(message.id), withdrawn=was_public)
        )
        return True
    if decision is ModerationDecision.REDACT:
        body = redaction.body if redaction else None
        if body is None:
            raise OperationFailed(
                UserError(ErrorCode.REQUIRED, Msg.REDACTION_REQUIRED, "redaction.body")
            )
        errors = check_text("redaction.body", body, max_length=message_ops.MAX_BODY)
        if errors:
            raise OperationFailed(*errors)
        message.public_body = body.strip()
        message.is_redacted = True
        await message.save(update_fields=["public_body", "is_redacted"])
    elif not pending:
        return False
    if pending:
        first_reply = complaint.first_company_reply_at is None
        status_changed = await message_ops.release(services, complaint, message)
        if status_changed:
            effects.events.append(ComplaintUpdated(complaint_id, company_id))
        if first_reply and complaint.first_company_reply_at is not None:
            effects.score_company_id = complaint.company_id
    effects.events.append(MessageAdded(complaint_id, company_id, str(message.id)))
    return True


async def _send_if_never_sent(
    services: Services, announce: list[Event], complaint_id: uuid.UUID
) -> None:
    """The moderator fixed the company's address: send a complaint that could not go out,
    or whose mail failed for good (refused, or bounced)."""
    complaint = await Complaint.get(id=complaint_id)
    latest = (
        await OutboxMail.filter(complaint_id=complaint_id, kind=OutboxKind.COMPLAINT)
        .order_by("-created_at")
        .first()
    )
    again = latest is None or latest.status is OutboxStatus.FAILED
    if again and complaint.status is ComplaintStatus.WAITING_FOR_COMPANY:
        await complaint_ops.enqueue_complaint(services, announce, complaint, services.now())


def _no_redaction(decision: ModerationDecision) -> None:
    if decision is ModerationDecision.REDACT:
        raise OperationFailed(UserError(ErrorCode.INVALID, Msg.NOTHING_TO_REDACT, "decision"))


async def _close(
    services: Services,
    viewer: Viewer,
    item: ModerationItem,
    decision: ModerationDecision,
    reason: str,
) -> None:
    item.status = ModerationItemStatus.DONE
    item.decision = decision
    item.decision_reason = reason
    item.decided_by_id = viewer.user_id
    item.resolved_at = services.now()
    await item.save(
        update_fields=["status", "decision", "decision_reason", "decided_by_id", "resolved_at"]
    )


async def _close_siblings(
    services: Services,
    viewer: Viewer,
    item: ModerationItem,
    decision: ModerationDecision,
    reason: str,
) -> None:
    """One decision settles every open item about the same content (a held reply that was
    also flagged, a flagged complaint that was also reported)."""
    if item.kind not in CONTENT_KINDS or item.complaint_id is None:
        return
    await (
        ModerationItem.filter(
            complaint_id=item.complaint_id,
            message_id=item.message_id,
            kind__in=list(CONTENT_KINDS),
            status=ModerationItemStatus.OPEN,
        )
        .exclude(id=item.id)
        .update(
            status=ModerationItemStatus.DONE,
            decision=decision,
            decision_reason=reason,
            decided_by_id=viewer.user_id,
            resolved_at=services.now(),
        )
    )
