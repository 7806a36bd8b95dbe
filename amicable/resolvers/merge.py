"""Merging a duplicate company into the one that survives: its complaints, agents,
addresses, queue items and correction requests move over, its names become aliases, its
slug redirects, and the survivor's score is rebuilt from the complaints it now has."""

from __future__ import annotations

import uuid

from tortoise.transactions import in_transaction

from amicable.infra.errors import ErrorCode, Forbidden, OperationFailed, UserError, not_found
from amicable.infra.messages import Msg
from amicable.models import (
    Company,
    CompanyAddress,
    CompanySlugRedirect,
    Complaint,
    CorrectionRequest,
    ModerationItem,
    User,
)
from amicable.policy import Viewer, can_moderate
from amicable.resolvers import audit
from amicable.resolvers import scores as score_ops
from amicable.services import Services


async def merge(
    services: Services, viewer: Viewer, survivor_id: uuid.UUID, duplicate_id: uuid.UUID
) -> Company:
    if not can_moderate(viewer):
        raise Forbidden()
    if survivor_id == duplicate_id:
        raise OperationFailed(UserError(ErrorCode.INVALID, Msg.MERGE_INTO_ITSELF, "duplicateId"))
    async with in_transaction():
        survivor = await Company.select_for_update().get_or_none(id=survivor_id)
        duplicate = await Company.select_for_update().get_or_none(id=duplicate_id)
        if survivor is None:
            raise not_found("Company", "survivorId")
        if duplicate is None:
            raise not_found("Company", "duplicateId")
        moved = await Complaint.filter(company_id=duplicate.id).update(company_id=survivor.id)
        await User.filter(company_id=duplicate.id).update(company_id=survivor.id)
        await ModerationItem.filter(company_id=duplicate.id).update(company_id=survivor.id)
        await CorrectionRequest.filter(company_id=duplicate.id).update(company_id=survivor.id)
        await _move_addresses(survivor, duplicate)
        survivor.aliases = _merged_aliases(survivor, duplicate)
        survivor.listed = survivor.listed or duplicate.listed
        survivor.refresh_search_text()
        await survivor.save()
        # Earlier merges into the duplicate now lead to the survivor too.
        await CompanySlugRedirect.filter(company_id=duplicate.id).update(company_id=survivor.id)
        await CompanySlugRedirect.create(
            slug=duplicate.slug, company_id=survivor.id, created_at=services.now()
        )
        # The duplicate's score rows go with it (cascade); the survivor's are rebuilt from
        # the complaints it has now.
        await duplicate.delete()
        await score_ops.rebuild_company(services, survivor.id)
        await audit.record(
            viewer,
            "company.merge",
            "company",
            survivor.id,
            duplicate=str(duplicate.id),
            duplicate_slug=duplicate.slug,
            complaints_moved=moved,
        )
    await score_ops.publish_score_updated(services, survivor.id)
    return survivor


async def _move_addresses(survivor: Company, duplicate: Company) -> None:
    have = set(await CompanyAddress.filter(company_id=survivor.id).values_list("email", flat=True))
    position = len(have)
    for address in await CompanyAddress.filter(company_id=duplicate.id):
        if address.email in have:
            continue
        await CompanyAddress.create(
            company_id=survivor.id, email=address.email, failing=address.failing, position=position
        )
        position += 1


def _merged_aliases(survivor: Company, duplicate: Company) -> list[str]:
    names: dict[str, str] = {}
    for name in [*survivor.aliases, duplicate.name, *duplicate.aliases]:
        key = name.strip().lower()
        if key and key != survivor.name.strip().lower():
            names.setdefault(key, name.strip())
    return list(names.values())[:20]
