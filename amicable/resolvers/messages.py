"""The thread: posting a message (web or mail, one path) and reading it."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from amicable.infra.errors import ErrorCode, OperationFailed, UserError, not_found
from amicable.infra.messages import Msg
from amicable.infra.pagination import OLDEST_FIRST, Page, Window, paginate
from amicable.infra.validation import check_text
from amicable.mail.outbound import links, outbox
from amicable.models import Attachment, Company, Complaint, InboundMail, Message, User
from amicable.models.enums import (
    UNPUBLISHED_STATUSES,
    AuthorKind,
    Channel,
    ComplaintStatus,
    ModerationState,
)
from amicable.models.moderation import ModerationItemKind
from amicable.policy import (
    Viewer,
    can_post_message,
    can_see_message,
    is_owner,
    mail_sender_of,
    message_filter,
    writes_as_company,
)
from amicable.resolvers import attachments as attachment_ops
from amicable.resolvers import audit, public_text, screen
from amicable.resolvers import nudges as nudge_ops
from amicable.resolvers import scores as score_ops
from amicable.resolvers.complaints import get as get_complaint
from amicable.resolvers.complaints import get_for_update
from amicable.resolvers.moderation_items import queue_item
from amicable.resolvers.publish import committed
from amicable.services import Services
from amicable.subscriptions.bus.events import (
    CompanyScoreUpdated,
    ComplaintUpdated,
    Event,
    MessageAdded,
)

MAX_BODY = 20_000


@dataclass(frozen=True)
class StoredAttachment:
    """A file that came with a mailed reply, already in the data folder (or refused, with
    the reason and no storage key)."""

    filename: str
    content_type: str
    size: int
    storage_key: str
    rejected_reason: str = ""


@dataclass(frozen=True)
class MailedReply:
    """What the mail door established about a reply before handing it over: who sent it,
    whether the sender is the party the thread's mail went to, and the mail it came in."""

    sender: str
    author_kind: AuthorKind
    author_user_id: uuid.UUID | None
    verified: bool
    inbound_mail_id: uuid.UUID
    attachments: Sequence[StoredAttachment] = ()


async def post(
    services: Services,
    viewer: Viewer,
    complaint_id: uuid.UUID,
    body: str,
    *,
    mailed: MailedReply | None = None,
    uploads: Sequence[attachment_ops.Upload] = (),
) -> Message:
    """The one way a message joins a thread, whichever door it came through: written on
    the web by the consumer, an agent of the company or a moderator (`viewer`), or mailed
    in (`mailed`: the pipeline authenticated the sender, the viewer is nobody). Locks the
    complaint, stores the message and its files, holds an unverified sender's reply for a
    moderator, and publishes the events once the transaction commits."""
    if mailed is None:
        errors = check_text("body", body, max_length=MAX_BODY)
        if errors:
            raise OperationFailed(*errors)
    files: list[attachment_ops.PreparedFile] = []
    if mailed is None and uploads:
        # Checking files costs CPU: only for a thread this viewer may write in (asked
        # again under the lock below).
        seen = await get_complaint(viewer, complaint_id=complaint_id)
        if seen is None:
            raise not_found("Complaint", "complaintId")
        if not can_post_message(viewer, seen):
            raise _not_a_writer()
        files = await attachment_ops.prepare(services, uploads, "attachments")
    async with committed(services) as announce:
        if mailed is None:
            complaint = await get_for_update(viewer, complaint_id)
            if not can_post_message(viewer, complaint):
                raise _not_a_writer()
            author_kind, author_user_id = _author_kind(viewer, complaint), viewer.user_id
        else:
            complaint = await Complaint.select_for_update().get(id=complaint_id)
            author_kind, author_user_id = mailed.author_kind, mailed.author_user_id
        held = mailed is not None and not mailed.verified
        message, _status_changed = await append_message(
            services,
            complaint,
            author_kind=author_kind,
            author_user_id=author_user_id,
            channel=Channel.WEB if mailed is None else Channel.EMAIL,
            body=body.strip() if mailed is None else body,
            # A reply link's holder is recorded like a mailed reply: from the address the
            # link was sent to (the sender rule of the Reply-To token).
            sender_email=mailed.sender if mailed else mail_sender_of(viewer),
            moderation_state=ModerationState.PENDING if held else ModerationState.PUBLISHED,
            announce=announce,
        )
        if mailed is None:
            await attachment_ops.save(services, complaint.id, message.id, files)
            await audit.record(viewer, "message.post", "message", message.id)
        else:
            await _record_mailed(services, announce, complaint, message, mailed, held=held)
    return message


def _not_a_writer() -> OperationFailed:
    return OperationFailed(UserError(ErrorCode.NOT_ALLOWED, Msg.ONLY_THE_PARTIES))


async def _record_mailed(
    services: Services,
    announce: list[Event],
    complaint: Complaint,
    message: Message,
    mailed: MailedReply,
    *,
    held: bool,
) -> None:
    for attachment in mailed.attachments:
        await Attachment.create(
            complaint_id=complaint.id,
            message_id=message.id,
            filename=attachment.filename,
            content_type=attachment.content_type[:127],
            size=attachment.size,
            private=True,
            storage_key=attachment.storage_key,
            rejected_reason=attachment.rejected_reason,
        )
    if held:
        await queue_item(
            services,
            announce,
            ModerationItemKind.HELD_REPLY,
            complaint_id=complaint.id,
            company_id=complaint.company_id,
            message_id=message.id,
            inbound_mail_id=mailed.inbound_mail_id,
            reason=f"Sender {mailed.sender} is not the address this thread was sent to.",
        )
    await InboundMail.filter(id=mailed.inbound_mail_id).update(
        message_id=message.id, outcome="HELD" if held else "POSTED"
    )


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
    announce: list[Event] | None = None,
) -> tuple[Message, bool]:
    """Add a message to a locked complaint inside the caller's transaction, applying the
    lifecycle: the first company reply answers the complaint. Replies after closing are
    stored and shown but do not reopen it. Returns the message and whether the complaint's
    status changed. The events (the message, its queue items, a status change, a first
    reply's score) go to `announce`, published by the caller after commit.
    A published message is relayed to the other party by mail (queued in the outbox in this
    transaction); a held one (PENDING) neither answers the complaint nor is relayed.
    Every message is screened here, whichever door it came through: abusive language holds
    it (PENDING) for a moderator, personal data is masked in its public version."""
    if complaint.status in UNPUBLISHED_STATUSES:
        raise OperationFailed(UserError(ErrorCode.INVALID_STATE, Msg.THREAD_CLOSED))
    now = created_at or services.now()
    (known,) = await public_text.known_private_for([complaint])
    if sender_email:
        known = replace(known, emails=(*known.emails, sender_email.lower()))
    body = links.mask(body)
    screened = screen.screen(
        services.lexicon, [body], await _author_language(complaint, author_kind), known
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
        is_redacted=screened.edited,
        moderation_state=moderation_state,
        sender_email=sender_email,
        created_at=now,
    )
    events: list[Event] = [] if announce is None else announce
    events.append(_message_added(complaint, message))
    await screen.record_message_item(services, events, complaint, message, screened, now)
    if moderation_state is not ModerationState.PUBLISHED:
        return message, False
    status_changed = await _apply_published(services, complaint, message, now)
    if status_changed:
        events.append(ComplaintUpdated(str(complaint.id), str(complaint.company_id)))
    if _is_first_company_reply(complaint, message):
        events.append(CompanyScoreUpdated(str(complaint.company_id)))
    return message, status_changed


def _message_added(complaint: Complaint, message: Message) -> MessageAdded:
    return MessageAdded(
        str(complaint.id), str(complaint.company_id), str(message.id), str(complaint.consumer_id)
    )


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
    await _touch(complaint, now)
    await nudge_ops.message_published(services, complaint, message)
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


async def _touch(complaint: Complaint, at: datetime) -> None:
    """The complaint's last activity: when a message became readable in its thread (a held
    reply counts when a moderator releases it, not when it came in, so the order of a
    list reveals nothing about content waiting for moderation)."""
    if complaint.last_activity_at is not None and complaint.last_activity_at >= at:
        return
    complaint.last_activity_at = at
    await Complaint.filter(id=complaint.id).update(last_activity_at=at)


async def _author_language(complaint: Complaint, author_kind: AuthorKind) -> str:
    """The language of the masking labels: the writer's."""
    if author_kind is AuthorKind.COMPANY:
        company = await Company.get(id=complaint.company_id)
        return company.language.value
    consumer = await User.get(id=complaint.consumer_id)
    return consumer.language.value


def _is_first_company_reply(complaint: Complaint, message: Message) -> bool:
    return (
        message.author_kind is AuthorKind.COMPANY
        and message.moderation_state is ModerationState.PUBLISHED
        and complaint.first_company_reply_at == message.created_at
    )


async def get(viewer: Viewer, message_id: uuid.UUID) -> tuple[Complaint, Message] | None:
    """A message (by `node`) with its complaint, if the viewer may see both."""
    message = await Message.get_or_none(id=message_id)
    if message is None:
        return None
    complaint = await get_complaint(viewer, complaint_id=message.complaint_id)
    if complaint is None or not can_see_message(viewer, complaint, message):
        return None
    return complaint, message


async def thread(viewer: Viewer, complaint: Complaint, *, page: Window) -> Page[Message]:
    """The messages of a complaint the viewer may already see, oldest first."""
    queryset = Message.filter(complaint_id=complaint.id).filter(message_filter(viewer))
    return await paginate(queryset, OLDEST_FIRST, page)


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
