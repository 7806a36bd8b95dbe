"""The viewer's own account, and partners' API keys."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from amicable import models
from amicable.resolvers.complaints import ComplaintOrder
from amicable.schema.complaint_lists import (
    FILTER,
    ORDER_BY,
    ComplaintFilter,
    complaint_connection,
)
from amicable.schema.context import Info
from amicable.schema.paging import AFTER, BEFORE, FIRST, LAST
from amicable.schema.relay import Connection
from amicable.schema.types.company import CompanyType
from amicable.schema.types.enums import Language, Role

if TYPE_CHECKING:
    from amicable.schema.types.complaint import ComplaintType


@strawberry.type(name="User", description="An account, as its owner sees it.")
class UserType(relay.Node):
    id: relay.NodeID[str]
    model: strawberry.Private[models.User]

    @classmethod
    def from_model(cls, user: models.User) -> UserType:
        return cls(id=str(user.id), model=user)

    @strawberry.field(description="The address the account signs in with.")
    def email(self) -> str:
        return self.model.email

    @strawberry.field(description="The name on the account.")
    def full_name(self) -> str:
        return self.model.full_name

    @strawberry.field(description="What the account is for.")
    def role(self) -> Role:
        return self.model.role

    @strawberry.field(description="A paying member of the organisation (may escalate).")
    def is_member(self) -> bool:
        return self.model.is_member

    @strawberry.field(description="The member number, for members.")
    def member_number(self) -> str | None:
        return self.model.member_number or None

    @strawberry.field(description="The last day the membership counts.")
    def member_until(self) -> date | None:
        return self.model.member_until

    @strawberry.field(description="The address was proven by the mailed link.")
    def email_verified(self) -> bool:
        return self.model.email_verified_at is not None

    @strawberry.field(description="A suspended agent cannot sign in.")
    def suspended(self) -> bool:
        return self.model.suspended_at is not None

    @strawberry.field(description="The language of mail and messages to the account.")
    def language(self) -> Language:
        return self.model.language

    @strawberry.field(
        description="Whether an agent receives the weekly digest of the company's open "
        "complaints (`agentDigestSet`); null for other accounts."
    )
    def agent_digest(self) -> bool | None:
        return self.model.agent_digest if self.model.role is Role.AGENT else None

    @strawberry.field(description="The company an agent works for.")
    async def company(self, info: Info) -> CompanyType | None:
        if self.model.company_id is None:
            return None
        company = await info.context.loaders.company_by_id.load(self.model.company_id)
        return CompanyType.from_model(company) if company else None

    @strawberry.field(
        description="This account's own complaints: those a consumer filed (their pending, "
        "rejected and private ones included), those against an agent's company (private "
        "ones included). What the viewer may see of them, filtered and ordered; empty for "
        "accounts that neither file nor answer complaints."
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
    ) -> Connection[Annotated[ComplaintType, strawberry.lazy("amicable.schema.types.complaint")]]:
        return await complaint_connection(
            info, filter, order_by, first, after, last, before, account_id=self.model.id
        )


@strawberry.type(
    name="ApiKey", description="A partner's read-only API key (its secret is never shown again)."
)
class ApiKeyType:
    id: strawberry.ID = strawberry.field(description="The key's ID.")
    partner_name: str = strawberry.field(description="Who the key is for.")
    created_at: datetime = strawberry.field(description="When it was made.")

    @classmethod
    def from_model(cls, key: models.ApiKey) -> ApiKeyType:
        return cls(
            id=strawberry.ID(str(key.id)), partner_name=key.partner_name, created_at=key.created_at
        )
