"""The Company type: public facts for everyone, contacts for the company and moderators."""

from __future__ import annotations

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


@strawberry.type(name="Company", description="A company complaints are filed against.")
class CompanyType(relay.Node):
    id: relay.NodeID[str]
    model: strawberry.Private[models.Company]

    @classmethod
    def from_model(cls, company: models.Company) -> CompanyType:
        return cls(id=str(company.id), model=company)

    @strawberry.field(description="The company's name.")
    def name(self) -> str:
        return self.model.name

    @strawberry.field(description="Its name in addresses: `company(slug:)`.")
    def slug(self) -> str:
        return self.model.slug

    @strawberry.field(description="Listed companies have a public page and dashboard.")
    def listed(self) -> bool:
        return self.model.listed

    @strawberry.field(description="Other names it is found by.")
    def aliases(self) -> list[str]:
        return list(self.model.aliases)

    @strawberry.field(description="The language of mail to the company.")
    def language(self) -> Language:
        return self.model.language

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
        )

    @strawberry.field(
        description="The score over the rolling window with the figures behind it. Null for "
        "an unlisted company unless the viewer is its agent or a moderator."
    )
    async def score(self, info: Info) -> CompanyScoreType | None:
        if not policy.can_see_dashboard(info.context.viewer, self.model):
            return None
        board = await score_ops.dashboard(info.context.services, self.model.id)
        return CompanyScoreType.from_dashboard(board)

    @strawberry.field(
        description="Complaints per calendar month over the last 12 months, oldest first. "
        "Null when `score` is."
    )
    async def stats(self, info: Info) -> list[CompanyMonthStatsType] | None:
        if not policy.can_see_dashboard(info.context.viewer, self.model):
            return None
        series = await score_ops.monthly_series(info.context.services, self.model.id)
        return [CompanyMonthStatsType.from_figures(month) for month in series]
