"""companyCreate, companyUpdate (moderators)."""

from __future__ import annotations

import strawberry

from amicable import models
from amicable.resolvers import companies as company_ops
from amicable.schema.context import Info
from amicable.schema.mutations._attempt import attempt, decode_id
from amicable.schema.permissions import IsAuthenticated, IsModerator, requires
from amicable.schema.types.company import CompanyType
from amicable.schema.types.enums import Language
from amicable.schema.types.errors import UserError


@strawberry.input
class CompanyCreateInput:
    name: str
    slug: str | None = strawberry.field(default=None, description="Default: from the name.")
    aliases: list[str] = strawberry.field(default_factory=list)
    complaint_addresses: list[str] = strawberry.field(default_factory=list)
    language: Language = Language.NL
    contact_person: str = ""
    listed: bool = True


@strawberry.input
class CompanyUpdateInput:
    company_id: strawberry.ID
    name: str | None = None
    slug: str | None = None
    aliases: list[str] | None = None
    complaint_addresses: list[str] | None = None
    language: Language | None = None
    contact_person: str | None = None
    listed: bool | None = None


@strawberry.type
class CompanyPayload:
    company: CompanyType | None = None
    errors: list[UserError]


@strawberry.type
class CompanyMutations:
    @strawberry.mutation(extensions=requires(IsAuthenticated(), IsModerator()))
    async def company_create(self, info: Info, input: CompanyCreateInput) -> CompanyPayload:
        changes = company_ops.CompanyChanges(
            name=input.name,
            slug=input.slug,
            aliases=input.aliases,
            addresses=input.complaint_addresses,
            language=input.language,
            contact_person=input.contact_person,
            listed=input.listed,
        )
        company, errors = await attempt(company_ops.create(info.context.viewer, changes))
        if company is None:
            return CompanyPayload(errors=errors)
        return CompanyPayload(company=CompanyType.from_model(company), errors=[])

    @strawberry.mutation(extensions=requires(IsAuthenticated(), IsModerator()))
    async def company_update(self, info: Info, input: CompanyUpdateInput) -> CompanyPayload:
        async def run() -> models.Company:
            changes = company_ops.CompanyChanges(
                name=input.name,
                slug=input.slug,
                aliases=input.aliases,
                addresses=input.complaint_addresses,
                language=input.language if input.language else None,
                contact_person=input.contact_person,
                listed=input.listed,
            )
            return await company_ops.update(
                info.context.viewer, decode_id(input.company_id, "Company", "companyId"), changes
            )

        company, errors = await attempt(run())
        if company is None:
            return CompanyPayload(errors=errors)
        return CompanyPayload(company=CompanyType.from_model(company), errors=[])
