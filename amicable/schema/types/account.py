"""Company onboarding as moderators see it: claims, invitations, the company's audit log."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from amicable import models
from amicable.models.account_tokens import ClaimStatus
from amicable.schema.context import Info
from amicable.schema.types.company import CompanyType
from amicable.schema.types.user import UserType

strawberry.enum(ClaimStatus)


@strawberry.type(name="CompanyClaim", description="A person asking to answer for a company.")
class CompanyClaimType(relay.Node):
    id: relay.NodeID[str]
    model: strawberry.Private[models.CompanyClaim]

    @classmethod
    def from_model(cls, claim: models.CompanyClaim) -> CompanyClaimType:
        return cls(id=str(claim.id), model=claim)

    @strawberry.field
    def status(self) -> ClaimStatus:
        return self.model.status

    @strawberry.field(description="The claimant's (verified) address when they asked.")
    def email(self) -> str:
        return self.model.email

    @strawberry.field
    def created_at(self) -> datetime:
        return self.model.created_at

    @strawberry.field
    def confirmed_at(self) -> datetime | None:
        return self.model.confirmed_at

    @strawberry.field
    async def company(self, info: Info) -> CompanyType:
        company = await info.context.loaders.company(self.model.company_id)
        return CompanyType.from_model(company)

    @strawberry.field
    async def claimant(self, info: Info) -> UserType | None:
        user = await info.context.loaders.user_by_id.load(self.model.user_id)
        return UserType.from_model(user) if user else None


@strawberry.type(name="AgentInvitation")
class InvitationType:
    email: str
    expires_at: datetime
    company: CompanyType
