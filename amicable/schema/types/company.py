"""The Company type: public facts for everyone, contacts for the company and moderators."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from amicable import models, policy
from amicable.resolvers import scores as score_ops
from amicable.resolvers.complaints import ComplaintOrder
from amicable.schema.complaint_lists import (
    FILTER,
    ORDER_BY,
    ComplaintFilter,
    complaint_connection,
)
from amicable.schema.context import Info
from amicable.schema.paging import AFTER, BEFORE, FIRST, LAST
from amicable.schema.permissions import CanSeeCompanyContacts, private
from amicable.schema.relay import Connection
from amicable.schema.types.enums import ComplaintStatus, Language
from amicable.schema.types.score import CompanyMonthStatsType, CompanyScoreType

if TYPE_CHECKING:
    from amicable.schema.types.complaint import ComplaintType


@strawberry.type(description="A complaint address of a company.")
class CompanyAddress:
    email: str = strawberry.field(description="The address.")
    failing: bool = strawberry.field(description="Mail to this address bounced.")


# Ids of complaints' own views of unlisted companies (`CompanyType.as_filed`): stable per
# complaint, and never the id of a record.
_FILED_VIEW_IDS = uuid.UUID("6f1d9a52-3c07-4f7e-9b1e-2a4c8d5e7f30")


@strawberry.type(name="Company", description="A company complaints are filed against.")
class CompanyType(relay.Node):
    id: relay.NodeID[str]
    model: strawberry.Private[models.Company]
    # Set for a complaint's own view of an unlisted company (see `as_filed`).
    filed: strawberry.Private[models.Complaint | None] = None

    @classmethod
    def from_model(cls, company: models.Company) -> CompanyType:
        return cls(id=str(company.id), model=company)

    @classmethod
    def as_filed(cls, complaint: models.Complaint, company: models.Company) -> CompanyType:
        """An unlisted company as seen by those who may not find its record (the consumer
        who filed, the public): the name typed on this complaint, no slug, an id of this
        complaint's own, nothing from the record that others' complaints may have shaped.
        Whether the address matched an existing record stays invisible."""
        view_id = uuid.uuid5(_FILED_VIEW_IDS, str(complaint.id))
        return cls(id=str(view_id), model=company, filed=complaint)

    @classmethod
    def for_complaint(
        cls, viewer: policy.Viewer, complaint: models.Complaint, company: models.Company
    ) -> CompanyType:
        """The company of a complaint as this viewer may know it: the record itself when
        the viewer may find it (listed, its own agents, moderators), else `as_filed`."""
        if policy.can_find_company(viewer, company):
            return cls.from_model(company)
        return cls.as_filed(complaint, company)

    @strawberry.field(description="The company's name.")
    def name(self) -> str:
        if self.filed is not None:
            return self.filed.company_name or self.model.name
        return self.model.name

    @strawberry.field(
        description="Its name in addresses: `company(slug:)`. Null for an unlisted company "
        "seen on a complaint."
    )
    def slug(self) -> str | None:
        return None if self.filed is not None else self.model.slug

    @strawberry.field(description="Listed companies have a public page and dashboard.")
    def listed(self) -> bool:
        return self.model.listed

    @strawberry.field(description="Other names it is found by.")
    def aliases(self) -> list[str]:
        return [] if self.filed is not None else list(self.model.aliases)

    @strawberry.field(description="The language of mail to the company.")
    def language(self) -> Language:
        return Language.NL if self.filed is not None else self.model.language

    @strawberry.field(
        extensions=private(CanSeeCompanyContacts()),
        description="Whom complaints are addressed to: the company and moderators only.",
    )
    def contact_person(self) -> str | None:
        return self.model.contact_person

    @strawberry.field(
        extensions=private(CanSeeCompanyContacts()),
        description="Where complaints are mailed: the company and moderators only.",
    )
    async def complaint_addresses(self, info: Info) -> list[CompanyAddress] | None:
        rows = await info.context.loaders.addresses_by_company.load(self.model.id)
        return [CompanyAddress(email=a.email, failing=a.failing) for a in rows]

    @strawberry.field(
        description="Complaints against this company that the viewer may see: the public "
        "ones for everyone, all of them (private included) for its agents and moderators."
    )
    async def complaints(
        self,
        info: Info,
        filter: Annotated[ComplaintFilter | None, strawberry.argument(description=FILTER)] = None,
        order_by: Annotated[
            ComplaintOrder, strawberry.argument(description=ORDER_BY)
        ] = ComplaintOrder.NEWEST,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        last: Annotated[int | None, strawberry.argument(description=LAST)] = None,
        before: Annotated[str | None, strawberry.argument(description=BEFORE)] = None,
        status: Annotated[
            list[ComplaintStatus] | None,
            strawberry.argument(description="Only these statuses (as `filter.status`)."),
        ] = None,
    ) -> Connection[Annotated[ComplaintType, strawberry.lazy("amicable.schema.types.complaint")]]:
        return await complaint_connection(
            info,
            filter,
            order_by,
            first,
            after,
            last,
            before,
            company_id=self.model.id,
            statuses=status,
            complaint_id=self.filed.id if self.filed is not None else None,
        )

    @strawberry.field(
        description="The score over the rolling window with the figures behind it. Null for "
        "an unlisted company unless the viewer is its agent or a moderator."
    )
    async def score(self, info: Info) -> CompanyScoreType | None:
        if self.filed is not None or not policy.can_see_dashboard(info.context.viewer, self.model):
            return None
        board = await score_ops.dashboard(info.context.services, self.model.id)
        return CompanyScoreType.from_dashboard(board)

    @strawberry.field(
        description="Complaints per calendar month over the last 12 months, oldest first. "
        "Null when `score` is."
    )
    async def stats(self, info: Info) -> list[CompanyMonthStatsType] | None:
        if self.filed is not None or not policy.can_see_dashboard(info.context.viewer, self.model):
            return None
        series = await score_ops.monthly_series(info.context.services, self.model.id)
        return [CompanyMonthStatsType.from_figures(month) for month in series]
