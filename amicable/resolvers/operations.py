"""The operator's views (moderators): mail that failed, and the audit log.

Failed outbound mail is a row the worker gave up on; a retry queues it again, addressed to
the company's current working address when the old one was corrected meanwhile (with a
reply address for the new recipient, so the company's answer is not held). Unprocessable
inbound mail is a stored raw message that could not be taken; a retry runs the raw through
the whole pipeline again, as a fresh delivery.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from email import message_from_string

from tortoise.expressions import Q, Subquery
from tortoise.transactions import in_transaction

from amicable.infra.errors import ErrorCode, Forbidden, OperationFailed, UserError, not_found
from amicable.infra.messages import Msg
from amicable.infra.pagination import NEWEST_FIRST, Page, Sort, Window, paginate
from amicable.mail.outbound import addresses
from amicable.models import AuditEntry, CompanyAddress, Complaint, InboundMail, OutboxMail
from amicable.models.mail import OutboxStatus, RecipientKind
from amicable.policy import Viewer, can_operate
from amicable.resolvers import audit
from amicable.services import Services

# Inbound outcomes a moderator may want to retry: the pipeline failed on our side
# (TEMPORARY_FAILURE: a bug or an outage), or the mail could not be read, routed or
# posted. Refusals that are the sender's business (loops, duplicates, unknown recipients,
# strangers writing to the moderators) and rate limits (the sender retries) are not here.
# The names are the pipeline's outcomes (`mail.inbound.errors`); a test holds them equal.
UNPROCESSABLE_OUTCOMES = ("TEMPORARY_FAILURE", "MALFORMED", "UNROUTABLE", "THREAD_CLOSED")
RETRIED = "RETRIED"


def _check(viewer: Viewer) -> None:
    if not can_operate(viewer):
        raise Forbidden()


async def failed_outbound(viewer: Viewer, *, page: Window) -> Page[OutboxMail]:
    _check(viewer)
    return await paginate(OutboxMail.filter(status=OutboxStatus.FAILED), NEWEST_FIRST, page)


async def unprocessable_inbound(viewer: Viewer, *, page: Window) -> Page[InboundMail]:
    _check(viewer)
    return await paginate(
        InboundMail.filter(outcome__in=list(UNPROCESSABLE_OUTCOMES)),
        _NEWEST_RECEIVED,
        page,
    )


_NEWEST_RECEIVED = Sort("received_at", descending=True)


async def retry_outbound(services: Services, viewer: Viewer, mail_id: uuid.UUID) -> OutboxMail:
    _check(viewer)
    async with in_transaction():
        row = await OutboxMail.select_for_update().get_or_none(id=mail_id)
        if row is None:
            raise not_found("OutboxMail", "mailId")
        if row.status is not OutboxStatus.FAILED:
            raise OperationFailed(
                UserError(ErrorCode.INVALID_STATE, Msg.ONLY_FAILED_MAIL, "mailId")
            )
        before = row.recipient
        if row.recipient_kind is RecipientKind.COMPANY and row.complaint_id is not None:
            await _readdress(services, row)
        row.status = OutboxStatus.PENDING
        row.attempts = 0
        row.last_error = ""
        row.next_attempt_at = services.now()
        await row.save()
        await audit.record(
            viewer,
            "outbox.retry",
            "outbox_mail",
            row.id,
            readdressed=before != row.recipient,
        )
    return row


async def _readdress(services: Services, row: OutboxMail) -> None:
    """Point a company's mail at the company's working address, if the one it was sent to
    is failing or gone; refuse while the company has none."""
    complaint = await Complaint.get(id=row.complaint_id)
    working = await CompanyAddress.filter(company_id=complaint.company_id, failing=False)
    emails = [address.email for address in working]
    if row.recipient in emails:
        return
    if not emails:
        raise OperationFailed(
            UserError(
                ErrorCode.INVALID_STATE,
                Msg.COMPANY_HAS_NO_ADDRESS,
                "mailId",
            )
        )
    recipient = emails[0]
    token = addresses.reply_token(services.settings, complaint.id, recipient)
    reply_to = addresses.reply_address(services.settings, token)
    message = message_from_string(row.content)
    message.replace_header("To", recipient)
    if message.get("Reply-To") is not None:
        message.replace_header("Reply-To", reply_to)
    row.content = message.as_string()
    row.recipient = recipient
    row.reply_token = token
    row.envelope_sender = reply_to


@dataclass(frozen=True)
class Reprocessed:
    outcome: str
    mail: InboundMail | None


async def reprocess_inbound(services: Services, viewer: Viewer, mail_id: uuid.UUID) -> Reprocessed:
    _check(viewer)
    if services.redeliver is None:
        raise RuntimeError("this process was not wired with the inbound pipeline")
    async with in_transaction():
        record = await InboundMail.select_for_update().get_or_none(id=mail_id)
        if record is None:
            raise not_found("InboundMail", "mailId")
        if record.outcome not in UNPROCESSABLE_OUTCOMES:
            raise OperationFailed(
                UserError(
                    ErrorCode.INVALID_STATE,
                    Msg.ONLY_UNPROCESSABLE_MAIL,
                    "mailId",
                )
            )
        # Free the Message-ID so the pipeline takes the raw as a new delivery.
        record.dedupe_key = None
        record.outcome = RETRIED
        await record.save(update_fields=["dedupe_key", "outcome"])
        await audit.record(viewer, "inbound.retry", "inbound_mail", record.id)
    outcome = await services.redeliver(record)
    return Reprocessed(outcome, await _latest_copy(record))


async def _latest_copy(record: InboundMail) -> InboundMail | None:
    """The record the retry made (the newest of the same Message-ID, or of the same size
    and subject when the mail has none)."""
    query = InboundMail.filter(id__not=record.id, received_at__gte=record.received_at)
    if record.rfc_message_id:
        query = query.filter(rfc_message_id=record.rfc_message_id)
    else:
        query = query.filter(size=record.size, subject=record.subject)
    return await query.order_by("-received_at").first()


@dataclass
class AuditFilter:
    actor_user_id: uuid.UUID | None = None
    actions: list[str] | None = None
    company_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None


async def audit_log(viewer: Viewer, filters: AuditFilter, *, page: Window) -> Page[AuditEntry]:
    _check(viewer)
    query = AuditEntry.all()
    if filters.actor_user_id is not None:
        query = query.filter(actor_user_id=filters.actor_user_id)
    if filters.actions:
        query = query.filter(action__in=filters.actions)
    if filters.company_id is not None:
        # Done for the company (its agents, its reply links, its onboarding), about the
        # company itself, or about one of its complaints.
        complaints = Complaint.filter(company_id=filters.company_id).values("id")
        query = query.filter(
            Q(company_id=filters.company_id)
            | Q(target_type="company", target_id=filters.company_id)
            | Q(target_type="complaint", target_id__in=Subquery(complaints))
        )
    if filters.since is not None:
        query = query.filter(created_at__gte=filters.since)
    if filters.until is not None:
        query = query.filter(created_at__lt=filters.until)
    return await paginate(query, NEWEST_FIRST, page)


async def mail_queue_state(now: datetime) -> dict[str, float]:
    """What `/metrics` reports of the mail queues, read at each scrape: mail waiting and
    the age of the oldest, mail given up on, inbound mail that could not be processed."""
    waiting = [OutboxStatus.PENDING, OutboxStatus.SENDING]
    pending = await OutboxMail.filter(status__in=waiting).count()
    oldest = await OutboxMail.filter(status__in=waiting).order_by("created_at").first()
    age = (now - oldest.created_at).total_seconds() if oldest else 0.0
    return {
        "pending": float(pending),
        "oldest_age": max(age, 0.0),
        "failed": float(await OutboxMail.filter(status=OutboxStatus.FAILED).count()),
        "unprocessable": float(
            await InboundMail.filter(outcome__in=list(UNPROCESSABLE_OUTCOMES)).count()
        ),
    }
