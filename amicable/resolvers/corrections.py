"""Company corrections: a company's agent asks to correct its name or complaint addresses,
and a moderator accepts (the change is made) or refuses, with a reason the agent is told.

Companies without an account write to the moderators' address instead: the mail pipeline
hands such a mail to `request_by_mail`, and the request waits on the same queue.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from amicable.infra.errors import ErrorCode, OperationFailed, UserError, not_found
from amicable.infra.messages import Msg
from amicable.infra.validation import check_email, check_text, normalise_email
from amicable.models import Company, CorrectionRequest, ModerationItem, Notification, User
from amicable.models.moderation import CorrectionStatus, ModerationDecision, ModerationItemKind
from amicable.policy import Viewer, can_find_company, can_request_correction
from amicable.resolvers import audit, notifications
from amicable.resolvers import companies as company_ops
from amicable.resolvers.moderation_items import queue_item
from amicable.resolvers.publish import committed
from amicable.services import Services


@dataclass
class CorrectionDraft:
    company_id: uuid.UUID
    name: str | None = None
    addresses: list[str] | None = None
    comment: str = ""


async def request(services: Services, viewer: Viewer, draft: CorrectionDraft) -> CorrectionRequest:
    company = await Company.get_or_none(id=draft.company_id)
    if company is None or not can_find_company(viewer, company):
        raise not_found("Company", "companyId")
    if not can_request_correction(viewer, company):
        raise OperationFailed(UserError(ErrorCode.NOT_ALLOWED, Msg.ONLY_COMPANY_AGENTS))
    errors = _check(draft)
    if errors:
        raise OperationFailed(*errors)
    now = services.now()
    addresses = (
        list(dict.fromkeys(normalise_email(a) for a in draft.addresses if a.strip()))
        if draft.addresses is not None
        else None
    )
    async with committed(services) as announce:
        correction = await CorrectionRequest.create(
            company_id=company.id,
            requested_by_id=viewer.user_id,
            name=draft.name.strip() if draft.name is not None else None,
            addresses=addresses,
            comment=draft.comment.strip(),
            created_at=now,
        )
        item = await queue_item(
            services,
            announce,
            ModerationItemKind.CORRECTION_REQUEST,
            company_id=company.id,
            reason=f"{company.name} asks to correct its data.",
            details={
                "correction": {
                    "id": str(correction.id),
                    "name": correction.name,
                    "addresses": addresses,
                    "comment": correction.comment,
                }
            },
            created_at=now,
        )
        correction.item_id = item.id
        await correction.save(update_fields=["item_id"])
        await audit.record(viewer, "correction.request", "company", company.id)
    return correction


async def decide(
    services: Services,
    viewer: Viewer,
    item: ModerationItem,
    decision: ModerationDecision,
    reason: str,
) -> Notification | None:
    """Inside the moderation decision's transaction: accept (make the change) or refuse."""
    correction = await CorrectionRequest.get(item_id=item.id)
    accepted = decision is ModerationDecision.APPROVE
    if accepted:
        await company_ops.update(
            viewer,
            correction.company_id,
            company_ops.CompanyChanges(name=correction.name, addresses=correction.addresses),
        )
    correction.status = CorrectionStatus.ACCEPTED if accepted else CorrectionStatus.REFUSED
    correction.decided_at = services.now()
    await correction.save(update_fields=["status", "decided_at"])
    requester = (
        await User.get_or_none(id=correction.requested_by_id)
        if correction.requested_by_id
        else None
    )
    if requester is None:
        return None
    company = await Company.get(id=correction.company_id)
    return await notifications.notify(
        services,
        requester,
        "correction.accepted" if accepted else "correction.refused",
        company=company.name,
        reason=reason,
    )


async def request_by_mail(
    services: Services,
    company_id: uuid.UUID,
    *,
    sender: str,
    subject: str,
    text: str,
    inbound_mail_id: uuid.UUID,
) -> CorrectionRequest:
    """A company's mail to the moderators, as a correction request. Its words are free
    text, so nothing is applied on acceptance: the moderator makes the change with
    companyUpdate, and accepting records that it was done."""
    company = await Company.get(id=company_id)
    now = services.now()
    comment = f"By mail from {sender}: {subject}\n\n{text}".strip()[:5000]
    async with committed(services) as announce:
        correction = await CorrectionRequest.create(
            company_id=company.id, comment=comment, created_at=now
        )
        item = await queue_item(
            services,
            announce,
            ModerationItemKind.CORRECTION_REQUEST,
            company_id=company.id,
            inbound_mail_id=inbound_mail_id,
            reason=f"{company.name} asks by mail ({sender}) to correct its data.",
            details={
                "correction": {
                    "id": str(correction.id),
                    "name": None,
                    "addresses": None,
                    "comment": comment,
                    "by_mail": sender,
                }
            },
            created_at=now,
        )
        correction.item_id = item.id
        await correction.save(update_fields=["item_id"])
        await audit.record(None, "correction.request_by_mail", "company", company.id, sender=sender)
    return correction


def _check(draft: CorrectionDraft) -> list[UserError]:
    errors: list[UserError] = []
    if draft.name is None and draft.addresses is None:
        errors.append(UserError(ErrorCode.REQUIRED, Msg.CORRECTION_EMPTY, "name"))
    if draft.name is not None:
        errors += check_text("name", draft.name, max_length=200)
    if draft.addresses is not None:
        if not [a for a in draft.addresses if a.strip()]:
            errors.append(UserError(ErrorCode.REQUIRED, Msg.ADDRESS_REQUIRED, "addresses"))
        if len(draft.addresses) > 10:
            errors.append(
                UserError(ErrorCode.INVALID, Msg.TOO_MANY_ADDRESSES, "addresses", {"maxCount": 10})
            )
        for address in draft.addresses:
            if address.strip():
                errors += check_email("addresses", normalise_email(address))
    errors += check_text("comment", draft.comment, max_length=5000, required=False)
    return errors
