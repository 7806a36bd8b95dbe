"""Read operations of company onboarding (moderators); mixed into `Query`."""

from __future__ import annotations

from typing import Annotated

import strawberry

from amicable.infra.pagination import NEWEST_FIRST
from amicable.models import Company
from amicable.models.account_tokens import ClaimStatus
from amicable.resolvers import agents, domains, onboarding
from amicable.schema.context import Info
from amicable.schema.mutations._attempt import decode_id
from amicable.schema.paging import After, Before, First, Last, page_window
from amicable.schema.permissions import IsAuthenticated, IsModerator, requires
from amicable.schema.relay import Connection, connection_from_page
from amicable.schema.types.account import CompanyClaimType
from amicable.schema.types.user import UserType

_MODERATORS = requires(IsAuthenticated(), IsModerator())


@strawberry.type
class AccountQueries:
    @strawberry.field(
        description="Claims to answer for companies, newest first (moderators).",
        extensions=_MODERATORS,
    )
    async def company_claims(
        self,
        info: Info,
        status: Annotated[
            ClaimStatus | None, strawberry.argument(description="Only claims in this status.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[CompanyClaimType]:
        page = await onboarding.claims(
            info.context.viewer, status=status, page=page_window(info, first, after, last, before)
        )
        return connection_from_page(page, NEWEST_FIRST, CompanyClaimType.from_model)

    @strawberry.field(description="A company's agents (moderators).", extensions=_MODERATORS)
    async def company_agents(
        self,
        info: Info,
        company_id: Annotated[strawberry.ID, strawberry.argument(description="The Company ID.")],
    ) -> list[UserType]:
        company = decode_id(company_id, "Company", "companyId")
        return [
            UserType.from_model(u) for u in await agents.list_agents(info.context.viewer, company)
        ]

    @strawberry.field(
        description="A company's registered domains: its own, or by default those of its "
        "complaint addresses, public mail providers excepted (moderators).",
        extensions=_MODERATORS,
    )
    async def company_domains(
        self,
        info: Info,
        company_id: Annotated[strawberry.ID, strawberry.argument(description="The Company ID.")],
    ) -> list[str]:
        company = await Company.get_or_none(id=decode_id(company_id, "Company", "companyId"))
        return await domains.registered(company) if company else []
