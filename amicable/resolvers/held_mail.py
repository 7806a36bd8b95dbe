"""Mail that is accepted but not posted waits for moderators (a reply with nothing new once
trimmed, a mail the pipeline could not process as it is): one queue item pointing at the
kept raw message."""

from __future__ import annotations

import uuid

from amicable.models import Complaint
from amicable.models.moderation import ModerationItemKind
from amicable.resolvers.moderation_items import queue_item
from amicable.resolvers.publish import committed
from amicable.services import Services


async def hold(
    services: Services,
    inbound_mail_id: uuid.UUID,
    kind: ModerationItemKind,
    reason: str,
    complaint_id: uuid.UUID | None = None,
    details: dict[str, object] | None = None,
) -> None:
    async with committed(services) as announce:
        company_id = None
        if complaint_id is not None:
            complaint = await Complaint.get_or_none(id=complaint_id)
            company_id = complaint.company_id if complaint else None
        await queue_item(
            services,
            announce,
            kind,
            complaint_id=complaint_id,
            company_id=company_id,
            inbound_mail_id=inbound_mail_id,
            reason=reason,
            details=details,
        )
