"""The viewer's own account, and partners' API keys."""

from __future__ import annotations

from datetime import datetime

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
