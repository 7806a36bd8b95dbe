"""What happens when mail we sent does not arrive: the outbox row records it, and a company
address that refuses mail for good is marked failing with an item on the moderation queue.

Both ways a failure is learnt end here: the relay refusing the mail (a 5xx reply, or every
retry spent, seen by the outbox worker) and a delivery report coming back later (seen by
the inbound pipeline). A failing address gets no more mail until a moderator fixes it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from tortoise.transactions import in_transaction

from amicable.mail import addresses
from amicable.models import CompanyAddress, Complaint, OutboxMail
from amicable.models.mail import ModerationItem, ModerationItemKind, OutboxStatus, RecipientKind
from amicable.subscriptions.bus import EventBus
from amicable.subscriptions.events import ModerationItemAdded


async def record_bounce(mail: OutboxMail, detail: str) -> None:
    """A delivery report says this mail failed for good after the relay took it: its
    delivery state becomes FAILED (its `sent_at` stays, the relay did accept it)."""
    mail.status = OutboxStatus.FAILED
    mail.last_error = f"bounced: {detail}"[:2000]
    await OutboxMail.filter(id=mail.id).update(status=mail.status, last_error=mail.last_error)


async def company_address_failed(
    events: EventBus | None,
    mail: OutboxMail,
    *,
    why: str,
    now: datetime,
    inbound_mail_id: uuid.UUID | None = None,
) -> ModerationItem | None:
    """Mark the company address `mail` went to as failing and ask moderators to fix it,
    announced on the moderators' feed. Once per address: an address already failing gets
    no second item. None when nothing was marked (not a company mail, or already known)."""
    if mail.recipient_kind is not RecipientKind.COMPANY or mail.complaint_id is None:
        return None
    complaint = await Complaint.get_or_none(id=mail.complaint_id)
    if complaint is None:
        return None
    email = addresses.normalise(mail.recipient)
    async with in_transaction():
        updated = await CompanyAddress.filter(
            company_id=complaint.company_id, email=email, failing=False
        ).update(failing=True)
        if not updated:
            return None
        item = await ModerationItem.create(
            kind=ModerationItemKind.COMPANY_ADDRESS_FAILING,
            complaint_id=complaint.id,
            company_id=complaint.company_id,
            inbound_mail_id=inbound_mail_id,
            reason=f"Mail to {email} failed ({why[:300]}); fix this company's address.",
            details={"address": email, "outbox_mail": str(mail.id)},
            created_at=now,
        )
    if events is not None:
        await events.publish(ModerationItemAdded(str(item.id), str(complaint.id)))
    return item


async def outbound_failed(
    events: EventBus | None, mail: OutboxMail, error: str, now: datetime
) -> ModerationItem | None:
    """The outbox gave up on `mail` (refused with 5xx, or every retry spent)."""
    return await company_address_failed(events, mail, why=error, now=now)
