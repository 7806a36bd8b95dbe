"""Subscription generators: subscribe to a channel, and for each event reload what it names
and ask the policy whether this viewer may see it now.

The policy is applied twice: when subscribing (a complaint the viewer may not see answers
NOT_FOUND, exactly as one that does not exist) and again to every event, on rows read
fresh from the database, so a complaint turned private, a message held for moderation or a
redaction made while the client is subscribed takes effect on the very next event.

The generators subscribe to the bus *before* the initial check, so that nothing published
between the check and the subscription is missed. They yield plain values (models in
small dataclasses); the GraphQL layer wraps them.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from amicable.infra.errors import Unauthenticated, not_found
from amicable.models import Company, Complaint, Message
from amicable.policy import (
    Capability,
    Viewer,
    can_find_company,
    can_moderate,
    can_see_complaint,
    can_see_message,
)
from amicable.subscriptions.bus import EventBus
from amicable.subscriptions.bus.broadcast import Subscriber
from amicable.subscriptions.bus.events import (
    CompanyScoreUpdated,
    ComplaintCreated,
    ComplaintUpdated,
    Event,
    MessageAdded,
    ModerationItemAdded,
    UnknownEvent,
    company_channel,
    company_score_channel,
    complaint_channel,
    event_from_json,
    moderation_channel,
    user_channel,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ComplaintChanged:
    complaint: Complaint
    created: bool = False


@dataclass(frozen=True, slots=True)
class MessagePosted:
    """A message as this viewer may see it now: posted, or changed since (approved,
    redacted, rejected). A published message taken down reaches those who may no longer
    read it as a bare tombstone: its id, REJECTED and no text."""

    complaint: Complaint
    message: Message


@dataclass(frozen=True, slots=True)
class ModerationItemQueued:
    item_id: str
    complaint: Complaint | None
    message: Message | None


@dataclass(frozen=True, slots=True)
class CompanyScoreChanged:
    company: Company


Notification = ComplaintChanged | MessagePosted | ModerationItemQueued


async def message_added(
    bus: EventBus, viewer: Viewer, complaint_id: uuid.UUID
) -> AsyncIterator[MessagePosted]:
    async with bus.subscribe(complaint_channel(str(complaint_id))) as subscriber:
        await _visible_complaint(viewer, complaint_id)
        async for event, rows in _events(subscriber):
            if isinstance(event, MessageAdded):
                posted = await _message_if_visible(viewer, event, rows)
                if posted is None and event.withdrawn:
                    posted = await _withdrawn(viewer, event, rows)
                if posted is not None:
                    yield posted


async def complaint_updated(
    bus: EventBus, viewer: Viewer, complaint_id: uuid.UUID
) -> AsyncIterator[Complaint]:
    async with bus.subscribe(complaint_channel(str(complaint_id))) as subscriber:
        await _visible_complaint(viewer, complaint_id)
        async for event, rows in _events(subscriber):
            if isinstance(event, ComplaintUpdated):
                complaint = await _complaint_if_visible(viewer, event.complaint_id, rows)
                if complaint is not None:
                    yield complaint


async def notifications(bus: EventBus, viewer: Viewer) -> AsyncIterator[Notification]:
    """The viewer's own feed: a consumer hears of replies and status changes on their
    complaints; an agent of new complaints, messages and status changes for the company; a
    moderator of new queue items. Nobody is told of their own messages."""
    if viewer.user_id is None:
        raise Unauthenticated()
    channel = _feed_channel(viewer)
    if channel is None:
        # Lawyers have no feed yet (escalations will bring one): the stream completes.
        return
    async with bus.subscribe(channel) as subscriber:
        async for event, rows in _events(subscriber):
            item = await _notification(viewer, event, rows)
            if item is not None:
                yield item


async def company_score_updated(
    bus: EventBus, viewer: Viewer, company_id: uuid.UUID
) -> AsyncIterator[CompanyScoreChanged]:
    async with bus.subscribe(company_score_channel(str(company_id))) as subscriber:
        company = await Company.get_or_none(id=company_id)
        if company is None or not can_find_company(viewer, company):
            raise not_found("Company", "companyId")
        async for event, _rows in _events(subscriber):
            if isinstance(event, CompanyScoreUpdated):
                company = await Company.get_or_none(id=event.company_id)
                if company is not None and can_find_company(viewer, company):
                    yield CompanyScoreChanged(company)


# --- helpers ------------------------------------------------------------------------------


def _feed_channel(viewer: Viewer) -> str | None:
    if viewer.can(Capability.MODERATE):
        return moderation_channel()
    if viewer.can(Capability.ACT_FOR_COMPANY) and viewer.company_id is not None:
        return company_channel(str(viewer.company_id))
    if viewer.can(Capability.FILE_COMPLAINTS) and viewer.user_id is not None:
        return user_channel(str(viewer.user_id))
    return None


async def _notification(viewer: Viewer, event: Event, rows: EventRows) -> Notification | None:
    if isinstance(event, ModerationItemAdded):
        return await _moderation_item_if_visible(viewer, event)
    if isinstance(event, MessageAdded):
        posted = await _message_if_visible(viewer, event, rows)
        if posted is None or posted.message.author_user_id == viewer.user_id:
            return None
        return posted
    if isinstance(event, ComplaintUpdated | ComplaintCreated):
        complaint = await _complaint_if_visible(viewer, event.complaint_id, rows)
        if complaint is None:
            return None
        created = isinstance(event, ComplaintCreated)
        if created and complaint.consumer_id == viewer.user_id:
            return None  # the consumer filed it; nothing to tell them
        return ComplaintChanged(complaint, created=created)
    return None


class _Snapshots:
    """Rows read once per delivered event and shared by every subscriber in this process.

    The bus hands the same event object to each subscriber of a channel; a thousand viewers
    of one complaint then cost two queries per event, not two thousand. The rows are still
    read after the event arrived (fresh per event, never reused for the next one), and
    each viewer's visibility is still decided on them one by one by the policy.

    An entry lives as long as its event object, which the bus drops once every subscriber
    has taken it: keeping the last few hundred events' rows instead held kilobytes per
    event that no subscriber would read again. The size bound stays as a safety net."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        # Keyed by the event object's identity; the entry is removed when the object is
        # collected, so an id is never reused while its entry lives.
        self._entries: OrderedDict[int, dict[str, asyncio.Future[Any]]] = OrderedDict()

    def loads_for(self, raw: object) -> dict[str, asyncio.Future[Any]]:
        key = id(raw)
        entry = self._entries.get(key)
        if entry is None:
            entry = {}
            self._entries[key] = entry
            weakref.finalize(raw, self._forget, key, entry)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return entry

    def __len__(self) -> int:
        return len(self._entries)

    def _forget(self, key: int, entry: dict[str, asyncio.Future[Any]]) -> None:
        if self._entries.get(key) is entry:
            del self._entries[key]


_SNAPSHOTS = _Snapshots()


def _done(value: Any) -> asyncio.Future[Any]:
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    future.set_result(value)
    return future


class EventRows:
    """What one delivered event names, loaded at most once per process."""

    def __init__(self, loads: dict[str, asyncio.Future[Any]]) -> None:
        self._loads = loads

    async def _once(self, key: str, load: Callable[[], Awaitable[Any]]) -> Any:
        future = self._loads.get(key)
        if future is None:
            future = asyncio.ensure_future(load())
            self._loads[key] = future
        # Shielded: one subscriber leaving must not cancel the load the others await.
        return await asyncio.shield(future)

    async def complaint(self, complaint_id: str) -> Complaint | None:
        return await self._once(
            f"complaint:{complaint_id}", lambda: Complaint.get_or_none(id=complaint_id)
        )

    async def message(self, message_id: str) -> Message | None:
        return await self._once(f"message:{message_id}", lambda: Message.get_or_none(id=message_id))


async def _events(subscriber: Subscriber) -> AsyncIterator[tuple[Event, EventRows]]:
    async for raw in subscriber:
        loads = _SNAPSHOTS.loads_for(raw)
        # Parsed once per process too; an unreadable event is remembered as None.
        if "event" not in loads:
            try:
                parsed: Event | None = event_from_json(raw.message)
            except UnknownEvent:
                log.warning("skipped an event this version cannot read on %s", raw.channel)
                parsed = None
            loads["event"] = _done(parsed)
        event = loads["event"].result()
        if event is not None:
            yield event, EventRows(loads)


async def _visible_complaint(viewer: Viewer, complaint_id: uuid.UUID) -> Complaint:
    complaint = await Complaint.get_or_none(id=complaint_id)
    if complaint is None or not can_see_complaint(viewer, complaint):
        raise not_found("Complaint", "complaintId")
    return complaint


async def _complaint_if_visible(
    viewer: Viewer, complaint_id: str, rows: EventRows
) -> Complaint | None:
    complaint = await rows.complaint(complaint_id)
    if complaint is None or not can_see_complaint(viewer, complaint):
        return None
    return complaint


async def _message_if_visible(
    viewer: Viewer, event: MessageAdded, rows: EventRows
) -> MessagePosted | None:
    complaint = await rows.complaint(event.complaint_id)
    message = await rows.message(event.message_id)
    if complaint is None or message is None or message.complaint_id != complaint.id:
        return None
    if not can_see_message(viewer, complaint, message):
        return None
    return MessagePosted(complaint, message)


async def _withdrawn(viewer: Viewer, event: MessageAdded, rows: EventRows) -> MessagePosted | None:
    """Everyone who may see the complaint saw the message while it was published: tell them
    it is gone, without its text."""
    complaint = await rows.complaint(event.complaint_id)
    message = await rows.message(event.message_id)
    if complaint is None or message is None or message.complaint_id != complaint.id:
        return None
    if not can_see_complaint(viewer, complaint):
        return None
    tombstone = Message(
        id=message.id,
        complaint_id=message.complaint_id,
        author_kind=message.author_kind,
        author_user_id=None,
        channel=message.channel,
        body="",
        public_body="",
        is_redacted=False,
        moderation_state=message.moderation_state,
        sender_email="",
        created_at=message.created_at,
    )
    return MessagePosted(complaint, tombstone)


async def _moderation_item_if_visible(
    viewer: Viewer, event: ModerationItemAdded
) -> ModerationItemQueued | None:
    if not can_moderate(viewer):
        return None
    complaint = await Complaint.get_or_none(id=event.complaint_id) if event.complaint_id else None
    message = await Message.get_or_none(id=event.message_id) if event.message_id else None
    if complaint is not None and not can_see_complaint(viewer, complaint):
        return None
    if (
        complaint is not None
        and message is not None
        and not can_see_message(viewer, complaint, message)
    ):
        return None
    return ModerationItemQueued(event.item_id, complaint, message)
