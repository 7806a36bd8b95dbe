"""A company's registered domains: where its own staff write from, so a verified address
there may claim the company.

Moderators edit the list. A company without one falls back to the domains of its complaint
addresses, minus public mail providers (anyone can have a gmail.com address), and only when
it is listed: an unlisted company's address was typed by a consumer and proves nothing.
"""

from __future__ import annotations

import re
import uuid

from tortoise.transactions import in_transaction

from amicable.infra.errors import ErrorCode, Forbidden, OperationFailed, UserError, not_found
from amicable.infra.messages import Msg
from amicable.mail.outbound.addresses import PUBLIC_MAIL_DOMAINS
from amicable.models import Company, CompanyAddress, CompanyDomain
from amicable.policy import Viewer, can_manage_agents
from amicable.resolvers import audit

_DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def domain_of(address: str) -> str:
    return address.strip().lower().rpartition("@")[2]


async def registered(company: Company) -> list[str]:
    explicit = await CompanyDomain.filter(company_id=company.id).order_by("domain")
    if explicit:
        return [row.domain for row in explicit]
    if not company.listed:
        return []
    emails = await CompanyAddress.filter(company_id=company.id).values_list("email", flat=True)
    return sorted({domain_of(str(e)) for e in emails} - PUBLIC_MAIL_DOMAINS)


async def replace(viewer: Viewer, company_id: uuid.UUID, domains: list[str]) -> list[str]:
    if not can_manage_agents(viewer):
        raise Forbidden()
    cleaned = sorted({d.strip().lower().lstrip("@") for d in domains if d.strip()})
    errors = [
        UserError(ErrorCode.INVALID, Msg.NOT_A_DOMAIN, "domains", {"domain": d})
        for d in cleaned
        if not _DOMAIN.match(d)
    ]
    errors += [
        UserError(ErrorCode.NOT_ALLOWED, Msg.PUBLIC_MAIL_PROVIDER, "domains", {"domain": d})
        for d in cleaned
        if d in PUBLIC_MAIL_DOMAINS
    ]
    if len(cleaned) > 50:
        errors.append(
            UserError(ErrorCode.TOO_LONG, Msg.TOO_MANY_DOMAINS, "domains", {"maxCount": 50})
        )
    if errors:
        raise OperationFailed(*errors)
    async with in_transaction():
        company = await Company.select_for_update().get_or_none(id=company_id)
        if company is None:
            raise not_found("Company", "companyId")
        await CompanyDomain.filter(company_id=company.id).delete()
        for domain in cleaned:
            await CompanyDomain.create(company_id=company.id, domain=domain)
        await audit.record(
            viewer, "company.domains", "company", company.id, company_id=company.id, domains=cleaned
        )
    return cleaned
