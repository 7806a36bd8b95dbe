"""Per-request DataLoaders: one query per kind of object per request, whatever the page size.

Loaders load rows only; they do not decide visibility. Fields that use them reach the
objects through something the policy already admitted (a complaint's company, a message's
complaint), and the private parts are guarded on the fields themselves.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from amicable.models import Company, CompanyAddress, Complaint, Message, User
from amicable.policy import Viewer
from amicable.resolvers import messages as message_ops
from amicable.resolvers import public_text
from amicable.screening.known import KnownPrivate


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


class Loaders:
    """Built per request (and per event on a websocket), never shared: a cached row must not
    outlive the moment its visibility was decided."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self.company_by_id = DataLoader(load_fn=_load_companies)
        self.user_by_id = DataLoader(load_fn=_load_users)
        self.complaint_by_id = DataLoader(load_fn=_load_complaints)
        self.addresses_by_company = DataLoader(load_fn=_load_addresses)
        self._recent: dict[int, DataLoader[uuid.UUID, list[Message]]] = {}

    async def company(self, company_id: uuid.UUID) -> Company:
        """A company that a foreign key guarantees (RESTRICT on delete)."""
        company = await self.company_by_id.load(company_id)
        if company is None:
            raise LookupError(f"company {company_id} vanished")
        return company

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
