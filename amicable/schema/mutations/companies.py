"""companyCreate, companyUpdate (moderators)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from amicable import models
from amicable.resolvers import companies as company_ops
from amicable.schema.context import Info
from amicable.schema.mutations._attempt import attempt, decode_id
from amicable.schema.permissions import IsAuthenticated, IsModerator, requires
from amicable.schema.types.company import CompanyType
from amicable.schema.types.enums import Language
from amicable.schema.types.errors import ERRORS, INPUT, UserError


@strawberry.input(description="A new company record (moderators).")
class CompanyCreateInput:
    name: str = strawberry.field(description="The company's name as consumers know it.")
    slug: str | None = strawberry.field(default=None, description="Default: from the name.")
    aliases: list[str] = strawberry.field(
        default_factory=list, description="Other names it is searched by."
    )
    complaint_addresses: list[str] = strawberry.field(
        default_factory=list, description="Where complaints are mailed."
    )
    language: Language = strawberry.field(
        default=Language.NL, description="The language of mail to the company."
    )
    contact_person: str = strawberry.field(
        default="", description="Whom complaints are addressed to."
    )
    listed: bool = strawberry.field(
        default=True, description="Listed companies have a public page and dashboard."
    )


@strawberry.input(description="Changes to a company's record; fields left out stay as they are.")
class CompanyUpdateInput:
    company_id: strawberry.ID = strawberry.field(description="The Company ID.")
    name: str | None = strawberry.field(default=None, description="A new name.")
    slug: str | None = strawberry.field(
        default=None, description="A new slug; the old one keeps working."
    )
    aliases: list[str] | None = strawberry.field(
        default=None, description="The new list of aliases."
    )
    complaint_addresses: list[str] | None = strawberry.field(
        default=None, description="The new list of complaint addresses."
    )
    language: Language | None = strawberry.field(
        default=None, description="A new language for mail to the company."
    )
    contact_person: str | None = strawberry.field(default=None, description="A new contact person.")
    listed: bool | None = strawberry.field(default=None, description="List or unlist the company.")


@strawberry.type(description="The company as it is now, or why not.")
class CompanyPayload:
    company: CompanyType | None = strawberry.field(
        default=None, description="The company as it is now."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type
class CompanyMutations:
    @strawberry.mutation(
        description="Create a company record (moderators).",
        extensions=requires(IsAuthenticated(), IsModerator()),
    )
    async def company_create(
        self,
        info: Info,
        input: Annotated[CompanyCreateInput, strawberry.argument(description=INPUT)],
    ) -> CompanyPayload:
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

    @strawberry.mutation(
        description="Correct a company's record (moderators); a changed slug keeps redirecting.",
        extensions=requires(IsAuthenticated(), IsModerator()),
    )
    async def company_update(
        self,
        info: Info,
        input: Annotated[CompanyUpdateInput, strawberry.argument(description=INPUT)],
    ) -> CompanyPayload:
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
