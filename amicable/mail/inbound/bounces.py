"""Acting on a delivery report (`dsn.DeliveryReport`): which of our mails it is about, and
what each recipient's block means for it.

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
from collections.abc import Iterable
from email.message import Message

from amicable.mail import addresses, delivery
from amicable.mail.inbound import route
from amicable.mail.inbound.dsn import REACHED, DeliveryReport, RecipientReport
from amicable.models import Complaint, InboundMail, OutboxMail
from amicable.models.mail import ModerationItem, ModerationItemKind, RecipientKind
from amicable.services import Services
from amicable.subscriptions.events import ModerationItemAdded

ALIVE = REACHED | {"delayed"}


async def take_report(
    services: Services,
    record: InboundMail,
    message: Message,
    envelope_recipients: Iterable[str],
    report: DeliveryReport,
) -> str:
    """Apply the report; returns what was recorded, one line per recipient block."""
    mails, complaint_id = await _mails_reported_on(services, message, envelope_recipients, report)
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
    for block in report.recipients:
        done = await _apply(services, record, block, mails, reached, review)
        lines.append(f"{block.describe()} [{done}]")
    if review:
        await _queue_review(services, record, complaint_id, review)
        lines.append("for review by moderators")
    kind = "report" if report.standard else "text bounce"
    return f"{kind}: " + ("; ".join(lines) or "no recipient")


async def _apply(
    services: Services,
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
    await delivery.record_bounce(mail, f"{block.status} {block.diagnostic}".strip())
    if mail.recipient_kind is RecipientKind.CONSUMER:
        return "consumer's address; recorded"
    item = await delivery.company_address_failed(
        services.events,
        mail,
        why=f"{block.status} {block.diagnostic}".strip(),
        now=services.now(),
        inbound_mail_id=record.id,
    )
    return "address marked failing" if item is not None else "address already failing"


async def _mails_reported_on(
    services: Services,
    message: Message,
    envelope_recipients: Iterable[str],
    report: DeliveryReport,
) -> tuple[list[OutboxMail], uuid.UUID | None]:
    """Our mail the report is about: by the original's Message-ID in the report, else by
    the reply address it came back to (our envelope sender carries the thread's token,
    which names the recipient), else by the report's own threading headers."""
    if report.original_message_ids:
        mails = await OutboxMail.filter(rfc_message_id__in=report.original_message_ids)
        if mails:
            return mails, mails[0].complaint_id
    found = await route.find_thread(services.settings, message, envelope_recipients)
    if found is None:
        return [], None
    if not found.issued_to:
        return [], found.complaint_id
    latest = (
        await OutboxMail.filter(complaint_id=found.complaint_id, recipient=found.issued_to)
        .order_by("-created_at")
        .first()
    )
    return ([latest] if latest else []), found.complaint_id


async def _queue_review(
    services: Services, record: InboundMail, complaint_id: uuid.UUID | None, reasons: list[str]
) -> None:
    complaint = await Complaint.get_or_none(id=complaint_id) if complaint_id else None
    item = await ModerationItem.create(
        kind=ModerationItemKind.DELIVERY_REPORT,
        complaint_id=complaint.id if complaint else None,
        company_id=complaint.company_id if complaint else None,
        inbound_mail_id=record.id,
        reason=" ".join(reasons)[:2000],
        created_at=services.now(),
    )
    await services.events.publish(
        ModerationItemAdded(str(item.id), str(complaint.id) if complaint else "")
    )
