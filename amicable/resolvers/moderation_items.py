"""The one way an item joins the moderation queue: created inside the caller's transaction
and announced to moderators (`ModerationItemAdded`) once that transaction commits.

Every site that puts something on the queue calls `queue_item` with the list of events
its transaction publishes after commit (`publish.committed`, or a moderation decision's
effects), so an item cannot be queued without being announced."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from amicable.models.moderation import ModerationItem, ModerationItemKind
from amicable.services import Services
from amicable.subscriptions.bus.events import Event, ModerationItemAdded


async def queue_item(
    services: Services,
    announce: list[Event],
    kind: ModerationItemKind,
    *,
    reason: str,
    complaint_id: uuid.UUID | None = None,
    company_id: uuid.UUID | None = None,
    message_id: uuid.UUID | None = None,
    inbound_mail_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
    report_count: int = 0,
    created_at: datetime | None = None,
) -> ModerationItem:
    item = await ModerationItem.create(
        kind=kind,
        complaint_id=complaint_id,
        company_id=company_id,
        message_id=message_id,
        inbound_mail_id=inbound_mail_id,
        reason=reason,
        details=details or {},
        report_count=report_count,
        created_at=created_at or services.now(),
    )
    announce.append(
        ModerationItemAdded(
            str(item.id),
            str(complaint_id) if complaint_id else "",
            str(message_id) if message_id else "",
        )
    )
    return item
