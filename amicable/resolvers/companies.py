"""Companies: creating, correcting and finding them."""

from __future__ import annotations

import re
import secrets
import unicodedata
import uuid
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from amicable.infra.errors import ErrorCode, Forbidden, OperationFailed, UserError, not_found
from amicable.infra.messages import Msg
from amicable.infra.pagination import BY_NAME, Page, Window, paginate
from amicable.infra.validation import check_email, check_text, normalise_email
from amicable.models import Company, CompanyAddress, CompanySlugRedirect
from amicable.models.enums import Language
from amicable.policy import Viewer, can_find_company, can_manage_companies, company_filter
from amicable.resolvers import audit


@dataclass
class CompanyChanges:
    """Fields of companyCreate/companyUpdate; None means "leave as it is"."""

    name: str | None = None
    slug: str | None = None
    aliases: list[str] | None = None
    addresses: list[str] | None = None
    language: Language | None = None
    contact_person: str | None = None
    listed: bool | None = None


async def create(viewer: Viewer, changes: CompanyChanges) -> Company:
    if not can_manage_companies(viewer):
        raise Forbidden()
    errors = check_text("name", changes.name or "", max_length=200)
    errors += _check_common(changes)
    if errors:
        raise OperationFailed(*errors)
    async with in_transaction():
        slug = changes.slug or await unique_slug(changes.name or "")
        if changes.slug and await Company.exists(slug=changes.slug):
            raise OperationFailed(UserError(ErrorCode.DUPLICATE, Msg.SLUG_TAKEN, "slug"))
        company = Company(
            name=(changes.name or "").strip(),
            slug=slug,
            aliases=_clean_aliases(changes.aliases or []),
            language=changes.language or Language.NL,
            contact_person=(changes.contact_person or "").strip(),
            listed=True if changes.listed is None else changes.listed,
        )
        company.refresh_search_text()
        await company.save()
        await _replace_addresses(company, changes.addresses or [])
        await audit.record(viewer, "company.create", "company", company.id, name=company.name)
    return company


async def update(viewer: Viewer, company_id: uuid.UUID, changes: CompanyChanges) -> Company:
    if not can_manage_companies(viewer):
        raise Forbidden()
    errors = _check_common(changes)
    if changes.name is not None:
        errors += check_text("name", changes.name, max_length=200)
    if errors:
        raise OperationFailed(*errors)
    async with in_transaction():
        company = await Company.select_for_update().get_or_none(id=company_id)
        if company is None:
            raise not_found("Company", "companyId")
        before = {"name": company.name, "slug": company.slug, "listed": company.listed}
        if changes.slug is not None and changes.slug != company.slug:
            if await Company.exists(slug=changes.slug):
                raise OperationFailed(UserError(ErrorCode.DUPLICATE, Msg.SLUG_TAKEN, "slug"))
            company.slug = changes.slug
        if changes.name is not None:
            company.name = changes.name.strip()
        if changes.aliases is not None:
            company.aliases = _clean_aliases(changes.aliases)
        if changes.language is not None:
            company.language = changes.language
        if changes.contact_person is not None:
            company.contact_person = changes.contact_person.strip()
        if changes.listed is not None:
            if (
                changes.listed
                and company.slug.startswith(UNLISTED_SLUG_PREFIX)
                and not (changes.slug)
            ):
                company.slug = await unique_slug(company.name)
            company.listed = changes.listed
        company.refresh_search_text()
        await company.save()
        if changes.addresses is not None:
            await _replace_addresses(company, changes.addresses)
        await audit.record(viewer, "company.update", "company", company.id, before=before)
    return company


async def get_by_slug(viewer: Viewer, slug: str) -> Company | None:
    """The company with this slug, or the one it was merged into (`CompanySlugRedirect`)."""
    company = await Company.get_or_none(slug=slug)
    if company is None:
        redirect = await CompanySlugRedirect.get_or_none(slug=slug).select_related("company")
        company = redirect.company if redirect else None
    if company is None or not can_find_company(viewer, company):
        return None
    return company


async def search(viewer: Viewer, *, text: str | None, page: Window) -> Page[Company]:
    queryset = Company.filter(company_filter(viewer))
    if text and text.strip():
        queryset = queryset.filter(search_text__contains=text.strip().lower())
    return await paginate(queryset, BY_NAME, page)


async def find_or_create_unlisted(name: str, email: str) -> Company:
    """The company a consumer typed in: an existing one that has this complaint address,
    or a new unlisted record (no public dashboard until a moderator lists it).
    Runs inside the caller's transaction. Which of the two it was is never shown to the
    consumer: they see the name they typed (the complaint's `company_name`)."""
    email = normalise_email(email)
    address = await CompanyAddress.filter(email=email).select_related("company").first()
    if address is not None:
        return address.company
    company = Company(name=name.strip(), slug=await unlisted_slug(), listed=False)
    company.refresh_search_text()
    await company.save()
    await CompanyAddress.create(company=company, email=email, position=0)
    return company


# Unlisted records made from what a consumer typed get a random slug: one derived from the
# name would tell the next person who types that name that a record (and so a complaint)
# already exists. Listing the company gives it a slug from its name.
UNLISTED_SLUG_PREFIX = "unlisted-"


async def unlisted_slug() -> str:
    while True:
        slug = UNLISTED_SLUG_PREFIX + secrets.token_hex(8)
        if not await Company.exists(slug=slug):
            return slug


async def unique_slug(name: str) -> str:
    base = slugify(name) or "company"
    slug, n = base, 1
    while await Company.exists(slug=slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100]


def _check_common(changes: CompanyChanges) -> list[UserError]:
    errors: list[UserError] = []
    if changes.slug is not None and (not changes.slug or slugify(changes.slug) != changes.slug):
        errors.append(UserError(ErrorCode.INVALID, Msg.SLUG_INVALID, "slug"))
    for email in changes.addresses or []:
        errors += check_email("addresses", normalise_email(email))
    if changes.addresses is not None and len(changes.addresses) > 10:
        errors.append(
            UserError(ErrorCode.INVALID, Msg.TOO_MANY_ADDRESSES, "addresses", {"maxCount": 10})
        )
    if changes.contact_person is not None:
        errors += check_text(
            "contactPerson", changes.contact_person, max_length=200, required=False
        )
    return errors


def _clean_aliases(aliases: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for alias in aliases:
        if alias.strip():
            seen.setdefault(alias.strip().lower(), alias.strip()[:200])
    return list(seen.values())[:20]


async def _replace_addresses(company: Company, emails: list[str]) -> None:
    wanted = list(dict.fromkeys(normalise_email(e) for e in emails if e.strip()))
    existing = {a.email: a for a in await CompanyAddress.filter(company=company)}
    for email, address in existing.items():
        if email not in wanted:
            await address.delete()
    for position, email in enumerate(wanted):
        if email in existing:
            existing[email].position = position
            await existing[email].save(update_fields=["position"])
        else:
            await CompanyAddress.create(company=company, email=email, position=position)
