"""Reports: anyone, anonymous too, flags a published complaint or message with a reason.

Reports of one item are grouped on one open CONTENT_REPORT item with a count, so a
pile-on is one thing to decide. What the reporter cannot see answers NOT_FOUND, exactly as
what does not exist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from tortoise.expressions import F

from amicable.infra.errors import ErrorCode, OperationFailed, UserError, not_found
from amicable.infra.messages import Msg
from amicable.infra.validation import check_text
from amicable.models import Complaint, ContentReport, Message, ModerationItem
from amicable.models.moderation import ModerationItemKind, ModerationItemStatus
from amicable.policy import Viewer, can_report
from amicable.resolvers import audit
from amicable.resolvers.moderation_items import queue_item
from amicable.resolvers.publish import committed
from amicable.services import Services


@dataclass
class ReportDraft:
    reason: str
    complaint_id: uuid.UUID | None = None
    message_id: uuid.UUID | None = None
    contact: str = ""


async def report(
    services: Services, viewer: Viewer, draft: ReportDraft, *, client_key: str
) -> ContentReport:
    settings = services.settings
    # Per client address, and per account when signed in (one account from many
    # addresses still meets one counter).
    await services.rate_limiter.check(
        "content_report",
        client_key,
        limit=settings.rate_limit_content_report,
        window_seconds=settings.rate_limit_window_seconds,
    )
    account = viewer.user_id or viewer.api_key_id
    if account is not None:
        await services.rate_limiter.check(
            "content_report_account",
            str(account),
            limit=settings.rate_limit_content_report,
            window_seconds=settings.rate_limit_window_seconds,
        )
    errors = [
        *check_text("reason", draft.reason, max_length=2000),
        *check_text("contact", draft.contact, max_length=254, required=False),
    ]
    if (draft.complaint_id is None) == (draft.message_id is None):
        errors.append(UserError(ErrorCode.REQUIRED, Msg.REPORT_TARGET_REQUIRED, "complaintId"))
    if errors:
        raise OperationFailed(*errors)
    now = services.now()
    async with committed(services) as announce:
        complaint, message = await _target(viewer, draft)
        # Lock the complaint so two reports at once still share one item.
        await Complaint.select_for_update().get(id=complaint.id)
        item = await ModerationItem.filter(
            kind=ModerationItemKind.CONTENT_REPORT,
            status=ModerationItemStatus.OPEN,
            complaint_id=complaint.id,
            message_id=message.id if message else None,
        ).first()
        if item is None:
            item = await queue_item(
                services,
                announce,
                ModerationItemKind.CONTENT_REPORT,
                complaint_id=complaint.id,
                company_id=complaint.company_id,
                message_id=message.id if message else None,
                reason=draft.reason.strip(),
                report_count=1,
                created_at=now,
            )
        else:
            await ModerationItem.filter(id=item.id).update(report_count=F("report_count") + 1)
        content_report = await ContentReport.create(
            item_id=item.id,
            complaint_id=complaint.id,
            message_id=message.id if message else None,
            reporter_id=viewer.user_id,
            reason=draft.reason.strip(),
            contact=draft.contact.strip(),
            created_at=now,
        )
        await audit.record(
            viewer if viewer.is_authenticated else None,
            "content.report",
            "moderation_item",
            item.id,
            actor_kind=None if viewer.is_authenticated else "anonymous",
        )
    return content_report


async def _target(viewer: Viewer, draft: ReportDraft) -> tuple[Complaint, Message | None]:
    if draft.message_id is not None:
        message = await Message.get_or_none(id=draft.message_id)
        complaint = await Complaint.get_or_none(id=message.complaint_id) if message else None
        if message is None or complaint is None or not can_report(viewer, complaint, message):
            raise not_found("Message", "messageId")
        return complaint, message
    complaint = await Complaint.get_or_none(id=draft.complaint_id)
    if complaint is None or not can_report(viewer, complaint):
        raise not_found("Complaint", "complaintId")
    return complaint, None
