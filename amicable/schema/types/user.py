"""The viewer's own account, and partners' API keys."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay

from amicable import models
from amicable.schema.context import Info
from amicable.schema.types.company import CompanyType
from amicable.schema.types.enums import Language, Role


@strawberry.type(name="User", description="An account, as its owner sees it.")
class UserType(relay.Node):
    id: relay.NodeID[str]
    model: strawberry.Private[models.User]

    @classmethod
    def from_model(cls, user: models.User) -> UserType:
        return cls(id=str(user.id), model=user)

    @strawberry.field
    def email(self) -> str:
        return self.model.email

    @strawberry.field
    def full_name(self) -> str:
        return self.model.full_name

    @strawberry.field
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

    @strawberry.field
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


@strawberry.type(name="ApiKey")
class ApiKeyType:
    id: strawberry.ID
    partner_name: str
    created_at: datetime

    @classmethod
    def from_model(cls, key: models.ApiKey) -> ApiKeyType:
        return cls(
            id=strawberry.ID(str(key.id)), partner_name=key.partner_name, created_at=key.created_at
        )
