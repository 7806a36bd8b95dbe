"""Mail we sent that did not arrive: a delivery report coming back, or the relay refusing
it for good. Both end here, so an address is marked failing one way only.

- `failed` with a permanent status (5.x.x) for the company address a mail of ours went to:
  the mail's delivery state becomes FAILED, the address is marked failing, and moderators
  get a "fix the company's address" item (once per address).
- the same for a consumer's address (a relayed company reply): the mail's delivery state
  becomes FAILED; no company address is touched and no item is queued, because the
  consumer reads the thread on the platform anyway and a person's own mailbox is not
  something moderators can fix.
- `delayed`, `delivered`, `relayed`, `expanded`, and failures with a transient status
  (4.x.x, e.g. a full mailbox) or none: recorded on the raw mail, nothing more. An address
  that one block reports failed and another reports delivered or delayed (an alias
  expanded to several mailboxes) is alive: recorded only.
- a report naming no recipient, or a permanent failure we cannot tie to an address we
  mailed (a forwarding target, a report without the original's headers): one review item
  for moderators; nothing is marked.

Reports are never posted on a thread.
"""

from __future__ import annotations

import uuid

from amicable.mail.outbound import addresses
from amicable.mail.outbound.dsn import REACHED, DeliveryReport, RecipientReport
from amicable.models import CompanyAddress, Complaint, InboundMail, OutboxMail
from amicable.models.mail import OutboxStatus, RecipientKind
from amicable.models.moderation import ModerationItemKind
from amicable.resolvers.moderation_items import queue_item
from amicable.resolvers.publish import committed
from amicable.services import Services
from amicable.subscriptions.bus.events import Event

ALIVE = REACHED | {"delayed"}


async def take_report(
    services: Services,
    record: InboundMail,
    report: DeliveryReport,
    *,
    thread_complaint_id: uuid.UUID | None,
    thread_issued_to: str | None,
) -> str:
    """Apply the report; returns what was recorded, one line per recipient block.

    `thread_*` is where the report came back to, as the inbound door routed it (our
    envelope sender carries the thread's token, which names the recipient): the fallback
    when the report does not quote our Message-ID."""
    mails, complaint_id = await _mails_reported_on(report, thread_complaint_id, thread_issued_to)
    if complaint_id is not None:
        record.complaint_id = complaint_id
        await record.save(update_fields=["complaint_id"])
    # An address that any block reports reached or still being tried is alive (an alias
    # whose mailboxes fared differently): its failed block alone does not mark it.
    reached = {a for r in report.recipients if r.action in ALIVE for a in r.addresses}
    lines: list[str] = []
    review: list[str] = []
    if not report.names_a_recipient:
        review.append("The delivery report names no recipient.")
    async with committed(services) as announce:
        for block in report.recipients:
            done = await _apply(services, announce, record, block, mails, reached, review)
            lines.append(f"{block.describe()} [{done}]")
        if review:
            complaint = await Complaint.get_or_none(id=complaint_id) if complaint_id else None
            await queue_item(
                services,
                announce,
                ModerationItemKind.DELIVERY_REPORT,
                complaint_id=complaint.id if complaint else None,
                company_id=complaint.company_id if complaint else None,
                inbound_mail_id=record.id,
                reason=" ".join(review)[:2000],
            )
            lines.append("for review by moderators")
    kind = "report" if report.standard else "text bounce"
    return f"{kind}: " + ("; ".join(lines) or "no recipient")


async def outbound_failed(services: Services, mail: OutboxMail, error: str) -> None:
    """The outbox gave up on `mail` (refused with 5xx, or every retry spent): the worker's
    `on_gave_up` hook, wired by whoever runs the worker."""
    async with committed(services) as announce:
        await _company_address_failed(services, announce, mail, why=error)


async def _apply(
    services: Services,
    announce: list[Event],
    record: InboundMail,
    block: RecipientReport,
    mails: list[OutboxMail],
    reached: set[str],
    review: list[str],
) -> str:
    if not block.permanent_failure:
        return "recorded"
    mail = next((m for m in mails if addresses.normalise(m.recipient) in block.addresses), None)
    if mail is None:
        review.append(
            f"Permanent failure for {', '.join(sorted(block.addresses)) or 'no recipient'}, "
            "which is not an address this mail was sent to."
        )
        return "not an address we mailed; for review"
    if addresses.normalise(mail.recipient) in reached:
        return "also reported delivered or delayed; recorded"
    why = f"{block.status} {block.diagnostic}".strip()
    # The relay did accept the mail, so its `sent_at` stays; only its state changes.
    mail.status = OutboxStatus.FAILED
    mail.last_error = f"bounced: {why}"[:2000]
    await OutboxMail.filter(id=mail.id).update(status=mail.status, last_error=mail.last_error)
    if mail.recipient_kind is RecipientKind.CONSUMER:
        return "consumer's address; recorded"
    marked = await _company_address_failed(
        services, announce, mail, why=why, inbound_mail_id=record.id
    )
    return "address marked failing" if marked else "address already failing"


async def _company_address_failed(
    services: Services,
    announce: list[Event],
    mail: OutboxMail,
    *,
    why: str,
    inbound_mail_id: uuid.UUID | None = None,
) -> bool:
    """Mark the company address `mail` went to as failing and ask moderators to fix it.
    Once per address: an address already failing gets no second item. False when nothing
    was marked (not a company mail, or already known)."""
    if mail.recipient_kind is not RecipientKind.COMPANY or mail.complaint_id is None:
        return False
    complaint = await Complaint.get_or_none(id=mail.complaint_id)
    if complaint is None:
        return False
    email = addresses.normalise(mail.recipient)
    updated = await CompanyAddress.filter(
        company_id=complaint.company_id, email=email, failing=False
    ).update(failing=True)
    if not updated:
        return False
    await queue_item(
        services,
        announce,
        ModerationItemKind.COMPANY_ADDRESS_FAILING,
        complaint_id=complaint.id,
        company_id=complaint.company_id,
        inbound_mail_id=inbound_mail_id,
        reason=f"Mail to {email} failed ({why[:300]}); fix this company's address.",
        details={"address": email, "outbox_mail": str(mail.id)},
    )
    return True


async def _mails_reported_on(
    report: DeliveryReport,
    thread_complaint_id: uuid.UUID | None,
    thread_issued_to: str | None,
) -> tuple[list[OutboxMail], uuid.UUID | None]:
    """Our mail the report is about: by the original's Message-ID in the report, else by
    the reply address it came back to, which names the recipient."""
    if report.original_message_ids:
        mails = await OutboxMail.filter(rfc_message_id__in=report.original_message_ids)
        if mails:
            return mails, mails[0].complaint_id
    if thread_complaint_id is None or not thread_issued_to:
        return [], thread_complaint_id
    latest = (
        await OutboxMail.filter(complaint_id=thread_complaint_id, recipient=thread_issued_to)
        .order_by("-created_at")
        .first()
    )
    return ([latest] if latest else []), thread_complaint_id
