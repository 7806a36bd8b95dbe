"""The thread: posting a message (web or mail, one path) and reading it."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

from tortoise.transactions import in_transaction

from amicable.mail import links, outbox
from amicable.models import Company, Complaint, Message, ModerationItem, User
from amicable.models.enums import (
    UNPUBLISHED_STATUSES,
    AuthorKind,
    Channel,
    ComplaintStatus,
    ModerationState,
)
from amicable.models.mail import ModerationItemKind, ModerationItemStatus
from amicable.policy import (
    Viewer,
    can_post_message,
    is_owner,
    mail_sender_of,
    message_filter,
    writes_as_company,
)
from amicable.resolvers import audit, screen
from amicable.resolvers import scores as score_ops
from amicable.resolvers.complaints import get_for_update
from amicable.resolvers.errors import ErrorCode, OperationFailed, UserError
from amicable.resolvers.pagination import OLDEST_FIRST, Page, paginate
from amicable.resolvers.validation import check_text
from amicable.services import Services
from amicable.subscriptions.events import ComplaintUpdated, MessageAdded, ModerationItemAdded

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
            # A web reply link's holder is recorded like a mailed reply: from the address
            # the link was sent to (the sender rule of the Reply-To token).
            sender_email=mail_sender_of(viewer),
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
    transaction); a held one (PENDING) neither answers the complaint nor is relayed.
    Every message is screened here, whichever door it came through: abusive language holds
    it (PENDING) for a moderator, personal data is masked in its public version."""
    if complaint.status in UNPUBLISHED_STATUSES:
        raise OperationFailed(
            UserError(
                ErrorCode.INVALID_STATE, "This complaint is not published; its thread is closed."
            )
        )
    now = created_at or services.now()
    body = links.mask(body)
    screened = screen.screen(
        services.lexicon, [body], await _author_language(complaint, author_kind)
    )
    if author_kind is AuthorKind.MODERATOR:
        screened.lexicon_hits = []  # the moderators' own words are not held for themselves
    if screened.flagged:
        moderation_state = ModerationState.PENDING
    message = await Message.create(
        complaint=complaint,
        author_kind=author_kind,
        author_user_id=author_user_id,
        channel=channel,
        body=body,
        public_body=screened.public_texts[0],
        is_redacted=screened.masked,
        moderation_state=moderation_state,
        sender_email=sender_email,
        created_at=now,
    )
    await screen.record_message_item(complaint, message, screened, now)
    if moderation_state is not ModerationState.PUBLISHED:
        return message, False
    return message, await _apply_published(services, complaint, message, now)


async def release(services: Services, complaint: Complaint, message: Message) -> bool:
    """A moderator approved a held message (a locked complaint, the caller's transaction):
    publish it with the lifecycle a message published on arrival gets. Returns whether the
    complaint's status changed."""
    message.moderation_state = ModerationState.PUBLISHED
    await message.save(update_fields=["moderation_state"])
    return await _apply_published(services, complaint, message, services.now())


async def _apply_published(
    services: Services, complaint: Complaint, message: Message, now: datetime
) -> bool:
    await outbox.enqueue_relay(services.settings, complaint, message, now)
    if message.author_kind is not AuthorKind.COMPANY or complaint.first_company_reply_at:
        return False
    # The company answered when it wrote, even if a moderator released the reply later.
    complaint.first_company_reply_at = message.created_at
    status_changed = complaint.status is ComplaintStatus.WAITING_FOR_COMPANY
    if status_changed:
        complaint.status = ComplaintStatus.ANSWERED
    await complaint.save(update_fields=["first_company_reply_at", "status"])
    await score_ops.first_reply_recorded(services, complaint)
    return status_changed


async def _author_language(complaint: Complaint, author_kind: AuthorKind) -> str:
    """The language of the masking labels: the writer's."""
    if author_kind is AuthorKind.COMPANY:
        company = await Company.get(id=complaint.company_id)
        return company.language.value
    consumer = await User.get(id=complaint.consumer_id)
    return consumer.language.value


async def publish_message_events(
    services: Services, complaint: Complaint, message: Message, *, status_changed: bool
) -> None:
    complaint_id, company_id = str(complaint.id), str(complaint.company_id)
    await services.events.publish(MessageAdded(complaint_id, company_id, str(message.id)))
    if message.moderation_state is not ModerationState.PUBLISHED or message.is_redacted:
        screened = await ModerationItem.filter(
            message_id=message.id,
            status=ModerationItemStatus.OPEN,
            kind__in=[ModerationItemKind.FLAGGED_MESSAGE, ModerationItemKind.PERSONAL_DATA],
        ).values_list("id", flat=True)
        for item_id in screened:
            await services.events.publish(
                ModerationItemAdded(str(item_id), complaint_id, str(message.id))
            )
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
    if writes_as_company(viewer, complaint):
        return AuthorKind.COMPANY
    return AuthorKind.MODERATOR
