"""The inbound pipeline: every door hands a raw message to `receive`, which runs the named
steps in order. Each step either passes the mail on or raises the `errors` class that says
why not; `receive` records the outcome and answers with `errors.verdict_for`.

    check_size -> store_raw -> parse -> classify -> find_route -> check_rate
      -> identify_author -> extract -> collect_attachments -> post
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from tortoise.exceptions import IntegrityError

from amicable import metrics
from amicable.infra.errors import OperationFailed
from amicable.infra.outage import is_database_outage
from amicable.mail.inbound import classify, helpdesks, holding, route, sent_texts, trim
from amicable.mail.inbound import errors as e
from amicable.mail.inbound.artefacts import safe_text
from amicable.mail.inbound.attachments import (
    IncomingAttachment,
    attachments_of,
    storage_key,
)
from amicable.mail.outbound import addresses, dsn
from amicable.models import Complaint, InboundMail
from amicable.models.mail import InboundDoor
from amicable.policy import Viewer
from amicable.resolvers import bounces, corrections, messages
from amicable.services import Services

log = logging.getLogger(__name__)


@dataclass
class Received:
    """What the pipeline knows about one mail as it goes."""

    record: InboundMail
    message: EmailMessage
    sender: str
    envelope_sender: str
    envelope_recipients: list[str]


async def receive(
    services: Services,
    raw: bytes,
    *,
    door: InboundDoor,
    envelope_sender: str = "",
    envelope_recipients: Sequence[str] = (),
) -> e.Verdict:
    """Take one raw message through the pipeline; never raises for a mail's content."""
    record: InboundMail | None = None
    try:
        check_size(services, raw)
        record = await store_raw(services, raw, door, envelope_sender, list(envelope_recipients))
        try:
            received = parse(record, raw, envelope_sender, list(envelope_recipients))
            await classify_mail(services, received)
            await take_correction_request(services, received)
            found = await find_route(services, received)
            await check_rate(services, received)
            held = await post(services, received, found)
        except e.InboundRejected:
            raise
        except Exception as error:
            if is_database_outage(error):
                # An outage mid-way: let the sender's server retry, and let the retry
                # through the duplicate check. A condition, not a bug: no traceback.
                log.warning(
                    "inbound mail %s: the database is unavailable (%s); the sender will retry",
                    record.id,
                    type(error).__name__,
                )
                raise e.TemporaryFailure(f"{type(error).__name__}: {error}") from error
            # Anything else would fail the same way on every retry: accept the mail, keep
            # its raw, and let moderators look at it.
            log.exception("inbound mail %s could not be processed", record.id)
            await holding.hold_unprocessable(services, record, error)
            raise e.Unprocessable(type(error).__name__) from error
    except e.InboundRejected as rejection:
        verdict = e.verdict_for(rejection)
        if record is not None:
            await _record_outcome(record, verdict, retry_allowed=not verdict.accepted)
        log.info("inbound mail: %s %s", verdict.outcome, verdict.detail)
        metrics.INBOUND_MAIL.labels(door.value, verdict.outcome).inc()
        return verdict
    verdict = e.posted(held)
    metrics.INBOUND_MAIL.labels(door.value, verdict.outcome).inc()
    log.info("inbound mail %s: %s", record.id, verdict.outcome)
    return verdict


# --- the steps -----------------------------------------------------------------------------


async def redeliver(services: Services, record: InboundMail) -> str:
    """A kept raw mail through the pipeline again, as a fresh delivery by its first door
    (a moderator's retry); returns the new outcome."""
    verdict = await receive(
        services,
        bytes(record.raw_message),
        door=record.door,
        envelope_sender=record.envelope_sender,
        envelope_recipients=list(record.envelope_recipients or []),
    )
    return verdict.outcome


def check_size(services: Services, raw: bytes) -> None:
    if len(raw) > services.settings.inbound_max_bytes:
        raise e.MessageTooLarge(f"{len(raw)} bytes")


async def store_raw(
    services: Services,
    raw: bytes,
    door: InboundDoor,
    envelope_sender: str,
    envelope_recipients: list[str],
) -> InboundMail:
    """Keep the raw message before anything else. Its Message-ID (or, without one, its
    digest) is a unique key: a second delivery fails to claim it and is acknowledged."""
    headers = BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True)
    message_id = safe_text(str(headers.get("Message-ID", "") or "")).strip()[:255]
    subject = safe_text(str(headers.get("Subject", "") or ""))
    envelope_sender = safe_text(envelope_sender)
    envelope_recipients = [safe_text(r) for r in envelope_recipients]
    key = message_id or "sha256:" + hashlib.sha256(raw).hexdigest()
    try:
        return await InboundMail.create(
            door=door,
            dedupe_key=key,
            rfc_message_id=message_id,
            envelope_sender=envelope_sender[:254],
            envelope_recipients=envelope_recipients[:50],
            sender=safe_text(addresses.sender_address(str(headers.get("From", "") or "")))[:254],
            subject=subject[:255],
            raw_message=raw,
            size=len(raw),
            received_at=services.now(),
        )
    except IntegrityError as error:
        raise e.DuplicateMessage(key) from error


class _ReadOnlyMessage(EmailMessage):
    """An inbound message whose headers are parsed once each. The modern policy builds a
    structured header object on every `get`; classification and routing ask for the same
    few headers many times, and that was the pipeline's largest cost. Inbound mail is never
    modified, so the cache cannot go stale."""

    def get(self, name: str, failobj: object = None) -> Any:
        cache: dict[tuple[str, str], Any] = self.__dict__.setdefault("_header_cache", {})
        key = ("get", name.lower())
        if key not in cache:
            cache[key] = super().get(name, _MISSING)
        found = cache[key]
        return failobj if found is _MISSING else found

    def get_all(self, name: str, failobj: object = None) -> Any:
        cache: dict[tuple[str, str], Any] = self.__dict__.setdefault("_header_cache", {})
        key = ("all", name.lower())
        if key not in cache:
            cache[key] = super().get_all(name, _MISSING)
        found = cache[key]
        return failobj if found is _MISSING else found


_MISSING = object()


def parse(
    record: InboundMail, raw: bytes, envelope_sender: str, envelope_recipients: list[str]
) -> Received:
    # The parser takes anything; an exception here is a bug or a mail it cannot handle, and
    # `receive` holds it as unprocessable rather than refusing it.
    message = BytesParser(_class=_ReadOnlyMessage, policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    sender = safe_text(addresses.sender_address(str(message.get("From", ""))))
    # Walk the MIME tree the ways the later steps do: a broken one (an empty nested
    # multipart breaks the standard library's walk) fails here, not half-way through.
    for preference in (("related", "html", "plain"), ("plain",), ("html",)):
        message.get_body(preferencelist=preference)
    if not sender or "@" not in sender:
        raise e.MalformedMessage("no sender address in From")
    return Received(record, message, sender, envelope_sender, envelope_recipients)


async def classify_mail(services: Services, received: Received) -> None:
    settings, message = services.settings, received.message
    if classify.is_loop(settings, message):
        raise e.LoopDetected(str(message.get("Message-ID", "")))
    report = dsn.delivery_report(message, received.envelope_sender)
    if report is not None:
        # Recorded on the raw mail, never posted (resolvers/bounces.py says what each
        # action does). Where it came back to names our mail when the report does not.
        found = await route.find_thread(settings, message, received.envelope_recipients)
        detail = await bounces.take_report(
            services,
            received.record,
            report,
            thread_complaint_id=found.complaint_id if found else None,
            thread_issued_to=found.issued_to if found else None,
        )
        raise e.BounceReceived(detail)
    evidence = classify.auto_reply_evidence(message)
    if evidence is not None:
        # Kept on the record with its thread, never posted, never counted as a response.
        found = await route.find_thread(settings, message, received.envelope_recipients)
        if found is not None and found.via != "subject" and evidence in ("word", "suppress"):
            text = extract(received, await sent_texts.sent_on_thread(found.complaint_id))
            if classify.reply_after_all(evidence, True, text):
                return
        if found is not None:
            received.record.complaint_id = found.complaint_id
            await received.record.save(update_fields=["complaint_id"])
        raise e.AutoReplyReceived(str(message.get("Subject", ""))[:200])


async def take_correction_request(services: Services, received: Received) -> None:
    """Mail to the moderators' address from a company's own address (or domain) becomes a
    correction request on the queue; from anyone else it is refused."""
    if not route.to_moderators(services.settings, received.message, received.envelope_recipients):
        return
    await check_rate(services, received)
    address = await route.company_for_sender(received.sender)
    if address is None:
        raise e.UnknownCompany(received.sender)
    text = trim.new_text(trim.body_text(received.message))
    await corrections.request_by_mail(
        services,
        address.company_id,  # type: ignore[attr-defined]
        sender=received.sender,
        subject=str(received.message.get("Subject", ""))[:200],
        text=text,
        inbound_mail_id=received.record.id,
    )
    raise e.CorrectionReceived(received.sender)


async def find_route(services: Services, received: Received) -> route.Route:
    found = await route.find_thread(
        services.settings, received.message, received.envelope_recipients
    )
    if found is None:
        raise e.Unroutable("no reply token, known Message-ID or reference")
    received.record.complaint_id = found.complaint_id
    await received.record.save(update_fields=["complaint_id"])
    return found


async def check_rate(services: Services, received: Received) -> None:
    settings = services.settings
    try:
        await services.rate_limiter.check(
            "inbound_mail",
            received.sender,
            limit=settings.rate_limit_inbound_mail,
            window_seconds=settings.rate_limit_window_seconds,
        )
    except OperationFailed as error:
        raise e.RateLimited(received.sender) from error


def extract(received: Received, sent: sent_texts.SentIndex | None = None) -> str:
    """The new text: the helpdesk's wrapping off, every block reproducing a mail we sent
    on the thread removed, then quoted history and signatures."""
    text = helpdesks.trim(trim.body_text(received.message), sent)
    if sent:
        text = sent_texts.remove_sent(text, sent)
    return trim.new_text(text)[: messages.MAX_BODY]


def collect_attachments(services: Services, received: Received) -> list[IncomingAttachment]:
    return attachments_of(services.settings, received.message)


async def post(services: Services, received: Received, found: route.Route) -> bool:
    """Authenticate the sender, then post through the very operation a web reply uses;
    returns whether the reply was held for a moderator."""
    text = extract(received, await sent_texts.sent_on_thread(found.complaint_id))
    # Images are decoded and re-encoded: CPU work kept off the event loop.
    incoming = await asyncio.to_thread(collect_attachments, services, received)
    if not text and not incoming:
        await holding.hold_empty(services, received.record, found.complaint_id)
        raise e.EmptyReply("no new text")
    complaint = await Complaint.get(id=found.complaint_id)
    author = await route.identify_author(complaint, found, received.sender)
    stored = await _write_attachments(services, found.complaint_id, incoming)
    mailed = messages.MailedReply(
        sender=received.sender,
        author_kind=author.kind,
        author_user_id=author.user_id,
        verified=author.verified,
        inbound_mail_id=received.record.id,
        attachments=stored,
    )
    try:
        await messages.post(services, Viewer.anonymous(), complaint.id, text, mailed=mailed)
    except OperationFailed as error:
        raise e.ThreadClosed(complaint.reference) from error
    return not author.verified


async def _write_attachments(
    services: Services, complaint_id: uuid.UUID, incoming: list[IncomingAttachment]
) -> list[messages.StoredAttachment]:
    stored = []
    for attachment in incoming:
        key = ""
        if not attachment.rejected_reason:
            key = storage_key(complaint_id, attachment.filename)
            await services.attachments.put(key, attachment.data)
        stored.append(
            messages.StoredAttachment(
                filename=attachment.filename,
                content_type=attachment.content_type,
                size=len(attachment.data),
                storage_key=key,
                rejected_reason=attachment.rejected_reason,
            )
        )
    return stored


async def _record_outcome(record: InboundMail, verdict: e.Verdict, *, retry_allowed: bool) -> None:
    record.outcome = verdict.outcome
    record.detail = verdict.detail[:2000]
    fields = ["outcome", "detail"]
    if retry_allowed and verdict.exit_code == e.EX_TEMPFAIL:
        # The sender's server will send it again: free the Message-ID for that retry.
        record.dedupe_key = None
        fields.append("dedupe_key")
    try:
        await record.save(update_fields=fields)
    except Exception:
        log.exception("could not record the outcome of inbound mail %s", record.id)
