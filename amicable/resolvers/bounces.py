"""A company address that bounced: marked failing, and the moderators asked to fix it."""

from __future__ import annotations

import uuid

from amicable.models import CompanyAddress, Complaint
from amicable.models.moderation import ModerationItemKind
from amicable.resolvers.moderation_items import queue_item
from amicable.resolvers.publish import committed
from amicable.services import Services


async def company_address_bounced(
    services: Services, complaint: Complaint, email: str, inbound_mail_id: uuid.UUID
) -> None:
    async with committed(services) as announce:
        updated = await CompanyAddress.filter(
            company_id=complaint.company_id, email=email, failing=False
        ).update(failing=True)
        if not updated:
            return  # already known; one item per failing address is enough
        await queue_item(
            services,
            announce,
            ModerationItemKind.COMPANY_ADDRESS_FAILING,
            complaint_id=complaint.id,
            company_id=complaint.company_id,
            inbound_mail_id=inbound_mail_id,
            reason=f"Mail to {email} bounced; fix this company's address.",
        )
