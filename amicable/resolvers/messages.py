"""The thread: posting a message (web or mail, one path) and reading it."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

from tortoise.transactions import in_transaction

from amicable.mail import outbox
from amicable.models import Complaint, Message
from amicable.models.enums import (
    UNPUBLISHED_STATUSES,
    AuthorKind,
    Channel,
    ComplaintStatus,
    ModerationState,
)
from amicable.policy import Viewer, ViewerKind, can_post_message, is_owner, message_filter
from amicable.resolvers import audit
from amicable.resolvers import scores as score_ops
from amicable.resolvers.complaints import get_for_update
from amicable.resolvers.errors import ErrorCode, OperationFailed, UserError
from amicable.resolvers.pagination import OLDEST_FIRST, Page, paginate
from amicable.resolvers.validation import check_text
from amicable.services import Services
from amicable.subscriptions.events import ComplaintUpdated, MessageAdded

MAX_BODY = 20_000


async def post(services: Services, viewer: Viewer, complaint_id: uuid.UUID, body: str) -> Message:
    """A message written on the web by the consumer, an agent of the company or a moderator."""
    errors = check_text("body", body, max_length=MAX_BODY)
    if errors:
        raise OperationFailed(*errors)
    async with in_transaction():
        complaint = await get_for_update(viewer, complaint_id)
        if not can_post_message(viewer, complaint):
            raise OperationFailed(
                UserError(
                    ErrorCode.NOT_ALLOWED,
                    "Only the consumer and the company may write in this thread.",
                )
            )
        message, status_changed = await append_message(
            services,
            complaint,
            author_kind=_author_kind(viewer, complaint),
            author_user_id=viewer.user_id,
            channel=Channel.WEB,
            body=body.strip(),
        )
        await audit.record(viewer, "message.post", "message", message.id)
    await publish_message_events(services, complaint, message, status_changed=status_changed)
    return message


async def append_message(
    services: Services,
    complaint: Complaint,
    *,
    author_kind: AuthorKind,
    author_user_id: uuid.UUID | None,
    channel: Channel,
    body: str,
    sender_email: str = "",
    created_at: datetime | None = None,
    moderation_state: ModerationState = ModerationState.PUBLISHED,
) -> tuple[Message, bool]:
    """Add a message to a locked complaint inside the caller's transaction, applying the
    lifecycle: the first company reply answers the complaint. Replies after closing are
    stored and shown but do not reopen it. Returns the message and whether the complaint's
    status changed; the caller publishes after commit (`publish_message_events`).
    A published message is relayed to the other party by mail (queued in the outbox in this
    transaction); a held one (PENDING) neither answers the complaint nor is relayed."""
    if complaint.status in UNPUBLISHED_STATUSES:
        raise OperationFailed(
            UserError(
                ErrorCode.INVALID_STATE, "This complaint is not published; its thread is closed."
            )
        )
    now = created_at or services.now()
    message = await Message.create(
        complaint=complaint,
        author_kind=author_kind,
        author_user_id=author_user_id,
        channel=channel,
        body=body,
        public_body=body,
        moderation_state=moderation_state,
        sender_email=sender_email,
        created_at=now,
    )
    status_changed = False
    if moderation_state is not ModerationState.PUBLISHED:
        return message, status_changed
    await outbox.enqueue_relay(services.settings, complaint, message, now)
    if author_kind is AuthorKind.COMPANY and complaint.first_company_reply_at is None:
        complaint.first_company_reply_at = now
        if complaint.status is ComplaintStatus.WAITING_FOR_COMPANY:
            complaint.status = ComplaintStatus.ANSWERED
            status_changed = True
        await complaint.save(update_fields=["first_company_reply_at", "status"])
        await score_ops.first_reply_recorded(services, complaint)
    return message, status_changed


async def publish_message_events(
    services: Services, complaint: Complaint, message: Message, *, status_changed: bool
) -> None:
    complaint_id, company_id = str(complaint.id), str(complaint.company_id)
    await services.events.publish(MessageAdded(complaint_id, company_id, str(message.id)))
    if status_changed:
        await services.events.publish(ComplaintUpdated(complaint_id, company_id))
    if _is_first_company_reply(complaint, message):
        await score_ops.publish_score_updated(services, complaint.company_id)


def _is_first_company_reply(complaint: Complaint, message: Message) -> bool:
    return (
        message.author_kind is AuthorKind.COMPANY
        and message.moderation_state is ModerationState.PUBLISHED
        and complaint.first_company_reply_at == message.created_at
    )


async def thread(
    viewer: Viewer, complaint: Complaint, *, first: int, after: str | None
) -> Page[Message]:
    """The messages of a complaint the viewer may already see, oldest first."""
    queryset = Message.filter(complaint_id=complaint.id).filter(message_filter(viewer))
    return await paginate(queryset, OLDEST_FIRST, first=first, after=after)


async def recent_by_complaint(
    viewer: Viewer, complaint_ids: list[uuid.UUID], count: int
) -> dict[uuid.UUID, list[Message]]:
    """The last `count` visible messages of each complaint, in one query for the whole page
    (the public feed shows three per complaint). Callers pass complaints the viewer may see."""
    rows = (
        await Message.filter(complaint_id__in=complaint_ids)
        .filter(message_filter(viewer))
        .order_by("-created_at", "-id")
    )
    grouped: dict[uuid.UUID, list[Message]] = defaultdict(list)
    for row in rows:
        bucket = grouped[row.complaint_id]
        if len(bucket) < count:
            bucket.append(row)
    return {cid: list(reversed(grouped.get(cid, []))) for cid in complaint_ids}


def _author_kind(viewer: Viewer, complaint: Complaint) -> AuthorKind:
    if is_owner(viewer, complaint):
        return AuthorKind.CONSUMER
    if viewer.kind is ViewerKind.AGENT:
        return AuthorKind.COMPANY
    return AuthorKind.MODERATOR
