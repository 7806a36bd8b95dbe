"""Company onboarding as moderators see it: claims, invitations, the company's audit log."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from amicable import models
from amicable.models.account_tokens import ClaimStatus
from amicable.schema.context import Info
from amicable.schema.types.company import CompanyType
from amicable.schema.types.enums import expose
from amicable.schema.types.user import UserType

expose(
    ClaimStatus,
    "Where a company claim stands.",
    {
        ClaimStatus.REQUESTED: "Asked; waiting for the claimant to confirm by mail.",
        ClaimStatus.CONFIRMED: "Confirmed by the claimant; waiting for a moderator.",
        ClaimStatus.APPROVED: "Approved: the claimant is an agent of the company.",
        ClaimStatus.REFUSED: "Refused by a moderator.",
    },
)


@strawberry.type(name="CompanyClaim", description="A person asking to answer for a company.")
class CompanyClaimType(relay.Node):
    id: relay.NodeID[str]
    model: strawberry.Private[models.CompanyClaim]

    @classmethod
    def from_model(cls, claim: models.CompanyClaim) -> CompanyClaimType:
        return cls(id=str(claim.id), model=claim)

    @strawberry.field(description="Where the claim stands.")
    def status(self) -> ClaimStatus:
        return self.model.status

    @strawberry.field(description="The claimant's (verified) address when they asked.")
    def email(self) -> str:
        return self.model.email

    @strawberry.field(description="When it was asked.")
    def created_at(self) -> datetime:
        return self.model.created_at

    @strawberry.field(description="When the claimant confirmed it; null before.")
    def confirmed_at(self) -> datetime | None:
        return self.model.confirmed_at

    @strawberry.field(description="The company claimed.")
    async def company(self, info: Info) -> CompanyType:
        company = await info.context.loaders.company(self.model.company_id)
        return CompanyType.from_model(company)

    @strawberry.field(description="Who claims it; null once the account is gone.")
    async def claimant(self, info: Info) -> UserType | None:
        user = await info.context.loaders.user_by_id.load(self.model.user_id)
        return UserType.from_model(user) if user else None


@strawberry.type(
    description="An invitation mailed to a future agent of a company.", name="AgentInvitation"
)
class InvitationType:
    email: str = strawberry.field(description="Where the invitation went.")
    expires_at: datetime = strawberry.field(description="When the invitation link stops working.")
    company: CompanyType = strawberry.field(description="The company the agent will answer for.")
