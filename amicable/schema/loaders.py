"""Per-request DataLoaders: one query per kind of object per request, whatever the page size.

Loaders load rows only; they do not decide visibility. Fields that use them reach the
objects through something the policy already admitted (a complaint's company, a message's
complaint), and the private parts are guarded on the fields themselves.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from amicable.models import (
    Attachment,
    Company,
    CompanyAddress,
    Complaint,
    ContentReport,
    CorrectionRequest,
    Escalation,
    Message,
    Nudge,
    User,
)
from amicable.policy import Viewer
from amicable.resolvers import delivery as delivery_ops
from amicable.resolvers import messages as message_ops
from amicable.resolvers import nudges as nudge_ops
from amicable.resolvers import public_text
from amicable.screening.known import KnownPrivate

if TYPE_CHECKING:
    from amicable.schema.thread_view import ThreadView


async def _load_companies(ids: Sequence[uuid.UUID]) -> list[Company | None]:
    rows = {c.id: c for c in await Company.filter(id__in=list(ids))}
    return [rows.get(i) for i in ids]


async def _load_users(ids: Sequence[uuid.UUID]) -> list[User | None]:
    rows = {u.id: u for u in await User.filter(id__in=list(ids))}
    return [rows.get(i) for i in ids]


async def _load_complaints(ids: Sequence[uuid.UUID]) -> list[Complaint | None]:
    rows = {c.id: c for c in await Complaint.filter(id__in=list(ids))}
    return [rows.get(i) for i in ids]


async def _load_addresses(ids: Sequence[uuid.UUID]) -> list[list[CompanyAddress]]:
    grouped: dict[uuid.UUID, list[CompanyAddress]] = {i: [] for i in ids}
    for address in await CompanyAddress.filter(company_id__in=list(ids)).order_by(
        "position", "created_at"
    ):
        grouped[address.company_id].append(address)  # type: ignore[attr-defined]
    return [grouped[i] for i in ids]


async def _load_messages(ids: Sequence[uuid.UUID]) -> list[Message | None]:
    rows = {m.id: m for m in await Message.filter(id__in=list(ids))}
    return [rows.get(i) for i in ids]


async def _load_reports(ids: Sequence[uuid.UUID]) -> list[list[ContentReport]]:
    grouped: dict[uuid.UUID, list[ContentReport]] = {i: [] for i in ids}
    for report in await ContentReport.filter(item_id__in=list(ids)).order_by("created_at"):
        grouped[report.item_id].append(report)
    return [grouped[i] for i in ids]


async def _load_corrections(ids: Sequence[uuid.UUID]) -> list[CorrectionRequest | None]:
    rows = {c.item_id: c for c in await CorrectionRequest.filter(item_id__in=list(ids))}
    return [rows.get(i) for i in ids]


async def _load_escalations(ids: Sequence[uuid.UUID]) -> list[Escalation | None]:
    rows = {e.id: e for e in await Escalation.filter(id__in=list(ids))}
    return [rows.get(i) for i in ids]


async def _load_attachments(ids: Sequence[uuid.UUID]) -> list[list[Attachment]]:
    grouped: dict[uuid.UUID, list[Attachment]] = {i: [] for i in ids}
    for attachment in await Attachment.filter(message_id__in=list(ids)).order_by(
        "created_at", "id"
    ):
        assert attachment.message_id is not None
        grouped[attachment.message_id].append(attachment)
    return [grouped[i] for i in ids]


class AttachmentsByMessageLoader(DataLoader[uuid.UUID, list[Attachment]]):
    """Every file of each message; which of them a viewer sees is the policy's question."""

    def __init__(self) -> None:
        super().__init__(load_fn=_load_attachments)


class EscalationByIdLoader(DataLoader[uuid.UUID, Escalation | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=_load_escalations)


class ComplaintByIdLoader(DataLoader[uuid.UUID, Complaint | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=_load_complaints)


class MessageByIdLoader(DataLoader[uuid.UUID, Message | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=_load_messages)


class UserByIdLoader(DataLoader[uuid.UUID, User | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=_load_users)


class CompanyByIdLoader(DataLoader[uuid.UUID, Company | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=_load_companies)


class AddressesByCompanyLoader(DataLoader[uuid.UUID, list[CompanyAddress]]):
    def __init__(self) -> None:
        super().__init__(load_fn=_load_addresses)


class ContentReportsByItemLoader(DataLoader[uuid.UUID, list[ContentReport]]):
    """The reports grouped on each moderation item, oldest first."""

    def __init__(self) -> None:
        super().__init__(load_fn=_load_reports)


class CorrectionRequestByItemLoader(DataLoader[uuid.UUID, CorrectionRequest | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=_load_corrections)


class Loaders:
    """Built per request (and per event on a websocket), never shared: a cached row must not
    outlive the moment its visibility was decided."""

    # Each loader is made on first use: a websocket connection holds a context (and its
    # loaders) for as long as it is open, mostly without reading anything through them.
    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self._recent: dict[int, DataLoader[uuid.UUID, list[Message]]] = {}
        # Listed complaints, decided once for their fields (`thread_view`).
        self.views: dict[uuid.UUID, ThreadView] = {}

    @cached_property
    def company_by_id(self) -> CompanyByIdLoader:
        return CompanyByIdLoader()

    @cached_property
    def user_by_id(self) -> UserByIdLoader:
        return UserByIdLoader()

    @cached_property
    def complaint_by_id(self) -> ComplaintByIdLoader:
        return ComplaintByIdLoader()

    @cached_property
    def message_by_id(self) -> MessageByIdLoader:
        return MessageByIdLoader()

    @cached_property
    def escalation_by_id(self) -> EscalationByIdLoader:
        return EscalationByIdLoader()

    @cached_property
    def addresses_by_company(self) -> AddressesByCompanyLoader:
        return AddressesByCompanyLoader()

    @cached_property
    def attachments_by_message(self) -> AttachmentsByMessageLoader:
        """A thread's files: one query for the whole page of messages."""
        return AttachmentsByMessageLoader()

    @cached_property
    def reports_by_item(self) -> ContentReportsByItemLoader:
        """Moderators' queue: one query per kind of nested row for the whole page."""
        return ContentReportsByItemLoader()

    @cached_property
    def correction_by_item(self) -> CorrectionRequestByItemLoader:
        return CorrectionRequestByItemLoader()

    @cached_property
    def delivery_by_complaint(self) -> DataLoader[Complaint, delivery_ops.Delivery]:
        """Keyed by the complaint row (its sent_at is needed)."""
        return DataLoader(load_fn=delivery_ops.deliveries, cache_key_fn=lambda c: c.id)

    @cached_property
    def nudges_by_complaint(self) -> DataLoader[uuid.UUID, list[Nudge]]:
        return DataLoader(load_fn=nudge_ops.by_complaints)

    async def company(self, company_id: uuid.UUID) -> Company:
        """A company that a foreign key guarantees (RESTRICT on delete)."""
        company = await self.company_by_id.load(company_id)
        if company is None:
            raise LookupError(f"company {company_id} vanished")
        return company

    async def complaint(self, complaint_id: uuid.UUID) -> Complaint:
        """A complaint that a foreign key guarantees (an operation's result points to it)."""
        complaint = await self.complaint_by_id.load(complaint_id)
        if complaint is None:
            raise LookupError(f"complaint {complaint_id} vanished")
        return complaint

    async def escalation(self, escalation_id: uuid.UUID) -> Escalation:
        escalation = await self.escalation_by_id.load(escalation_id)
        if escalation is None:
            raise LookupError(f"escalation {escalation_id} vanished")
        return escalation

    async def user(self, user_id: uuid.UUID) -> User:
        user = await self.user_by_id.load(user_id)
        if user is None:
            raise LookupError(f"user {user_id} vanished")
        return user

    async def known_private(self, complaint: Complaint) -> KnownPrivate:
        """What public text of a thread must mask, from the complaint and its consumer (read
        through the users' loader, so a page costs no extra query). The addresses of the
        company's agents and mail senders are masked when text arrives (`screen`)."""
        consumer = await self.user_by_id.load(complaint.consumer_id)
        return public_text.known_private(complaint, consumer)

    def recent_messages(self, count: int) -> DataLoader[uuid.UUID, list[Message]]:
        """RecentMessagesByComplaintLoader for `count` messages per complaint."""
        if count not in self._recent:

            async def load(ids: Sequence[uuid.UUID]) -> list[list[Message]]:
                found = await message_ops.recent_by_complaint(self.viewer, list(ids), count)
                return [found[i] for i in ids]

            self._recent[count] = DataLoader(load_fn=load)
        return self._recent[count]
