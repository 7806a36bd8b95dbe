"""The outbox: every outgoing mail is a row written in the transaction that caused it, and
a worker delivers the rows.

Exactly once: a worker claims due rows with `SELECT ... FOR UPDATE SKIP LOCKED` (Postgres),
marks them SENDING with a lease, commits, then delivers outside the transaction, so several
workers never claim the same row and no transaction stays open during SMTP. A worker that
dies mid-send leaves its rows to be retried when the lease runs out (at least once, never
twice while it lives). SQLite has no row locks: run one worker there (`amicable serve`
does by default).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from tortoise import Tortoise
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from amicable import metrics
from amicable.infra.claim import claim_due
from amicable.infra.clock import utc_now
from amicable.infra.outage import RoundFailures
from amicable.mail.outbound import addresses, compose, links, sent_words
from amicable.mail.outbound.sender import MailTransport, PermanentDeliveryError
from amicable.models import Company, CompanyAddress, Complaint, Message, OutboxMail, User
from amicable.models.enums import AuthorKind, ComplaintStatus, Language, ModerationState
from amicable.models.mail import OutboxKind, OutboxStatus, RecipientKind
from amicable.settings import Settings

log = logging.getLogger(__name__)

GaveUpHook = Callable[[OutboxMail, str], Awaitable[None]]


# --- queueing (inside the caller's transaction) ------------------------------------------


async def company_address(complaint: Complaint) -> str | None:
    """Where the company gets this complaint's mail: the address the complaint went to
    while it is still one of the company's working addresses (a moderator may have replaced
    it), or else the company's first address that does not bounce."""
    first = (
        await OutboxMail.filter(complaint_id=complaint.id, recipient_kind=RecipientKind.COMPANY)
        .order_by("created_at")
        .first()
    )
    if first is not None:
        working = await CompanyAddress.exists(
            company_id=complaint.company_id, email=first.recipient, failing=False
        )
        if working:
            return first.recipient
    address = await CompanyAddress.filter(company_id=complaint.company_id, failing=False).first()
    return address.email if address else None


async def enqueue_complaint(settings: Settings, complaint: Complaint, now: datetime) -> bool:
    """Queue the complaint's mail to the company; call inside the transaction that made the
    complaint ready to send (WAITING_FOR_COMPANY). False when the company has no working
    address: nothing was queued, and what to do about it is the caller's decision."""
    if complaint.status is not ComplaintStatus.WAITING_FOR_COMPANY:
        return True
    company = await Company.get(id=complaint.company_id)
    recipient = await company_address(complaint)
    if recipient is None:
        return False
    consumer = await User.get(id=complaint.consumer_id)
    content = compose.ComplaintContent(
        language=company.language,
        company_name=company.name,
        consumer_name=consumer.full_name,
        reference=complaint.reference,
        title=complaint.title,
        category=complaint.category,
        description=complaint.description,
        desired_solution=complaint.desired_solution,
        private_details=[
            ("name", consumer.full_name),
            ("customer_reference", complaint.customer_reference),
            ("phone", complaint.phone),
            ("postal_address", complaint.postal_address),
        ],
        visibility=complaint.visibility,
        reply_link=links.url(settings, links.make(settings, complaint.id, recipient, now)),
    )
    text, html_body = compose.complaint_bodies(settings, content)
    await _queue(
        settings,
        complaint,
        kind=OutboxKind.COMPLAINT,
        recipient=recipient,
        recipient_kind=RecipientKind.COMPANY,
        language=company.language,
        text=text,
        html_body=html_body,
        message=None,
        now=now,
    )
    return True


async def enqueue_relay(
    settings: Settings, complaint: Complaint, message: Message, now: datetime
) -> None:
    """Queue a published message for the other party: a company reply to the consumer, a
    consumer reply to the company. Call inside the transaction that stored the message."""
    if message.moderation_state is not ModerationState.PUBLISHED:
        return
    company = await Company.get(id=complaint.company_id)
    consumer = await User.get(id=complaint.consumer_id)
    if message.author_kind is AuthorKind.COMPANY:
        recipient: str | None = consumer.email
        recipient_kind, language = RecipientKind.CONSUMER, consumer.language
        # An unlisted company by the name the consumer typed, never its record's.
        author_name = company.name if company.listed else complaint.company_name or company.name
    elif message.author_kind is AuthorKind.CONSUMER:
        recipient = await company_address(complaint)
        recipient_kind, language = RecipientKind.COMPANY, company.language
        author_name = consumer.full_name
    else:
        return
    if recipient is None:
        return
    text, html_body = compose.reply_bodies(
        settings,
        language=language,
        from_company=message.author_kind is AuthorKind.COMPANY,
        author_name=author_name,
        reference=complaint.reference,
        body=message.body,
        visibility=complaint.visibility,
    )
    await _queue(
        settings,
        complaint,
        kind=OutboxKind.REPLY,
        recipient=recipient,
        recipient_kind=recipient_kind,
        language=language,
        text=text,
        html_body=html_body,
        message=message,
        now=now,
    )


async def _queue(
    settings: Settings,
    complaint: Complaint,
    *,
    kind: OutboxKind,
    recipient: str,
    recipient_kind: RecipientKind,
    language: Language,
    text: str,
    html_body: str,
    message: Message | None,
    now: datetime,
) -> OutboxMail:
    token = addresses.reply_token(settings, complaint.id, recipient)
    reply_to = addresses.reply_address(settings, token)
    earlier = (
        await OutboxMail.filter(complaint_id=complaint.id, recipient=recipient)
        .order_by("created_at")
        .values_list("rfc_message_id", flat=True)
    )
    envelope = compose.Envelope(
        to=recipient,
        reply_to=reply_to,
        message_id=addresses.new_message_id(settings),
        subject=compose.subject_for(complaint.reference, complaint.title),
        # Keep the chain short: the first mail and the latest few thread it well enough.
        references=tuple(_short_chain([str(mid) for mid in earlier])),
        auto_submitted=kind is OutboxKind.NOTICE,
    )
    rendered = compose.build_message(
        settings, envelope, text=text, html_body=html_body, language=language, now=now
    )
    return await OutboxMail.create(
        kind=kind,
        complaint_id=complaint.id,
        message_id=message.id if message else None,
        recipient=recipient,
        recipient_kind=recipient_kind,
        rfc_message_id=envelope.message_id,
        reply_token=token,
        # Bounces come back to the thread's reply address: its token names the recipient
        # whose address failed (VERP, in effect).
        envelope_sender=reply_to,
        content=rendered.as_string(),
        sent_words=sent_words.of_mail(settings, text, html_body),
        next_attempt_at=now,
        created_at=now,
    )


def _short_chain(ids: list[str], keep: int = 10) -> list[str]:
    return ids if len(ids) <= keep else [ids[0], *ids[-(keep - 1) :]]


# --- the worker ---------------------------------------------------------------------------


def backoff_delay(settings: Settings, attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at an hour (the defaults)."""
    seconds = settings.outbox_backoff_seconds * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, settings.outbox_backoff_max_seconds))


class Beats(Protocol):
    def beat(self) -> None: ...


class _NoHeartbeat:
    def beat(self) -> None:
        pass


class OutboxWorker:
    def __init__(
        self,
        settings: Settings,
        transport: MailTransport,
        *,
        clock: Callable[[], datetime] = utc_now,
        name: str | None = None,
        on_gave_up: GaveUpHook | None = None,
        heartbeat: Beats | None = None,
    ) -> None:
        self.settings = settings
        self.transport = transport
        self.clock = clock
        self.name = name or uuid.uuid4().hex[:8]
        # Called when a mail fails for good (refused, or every retry spent): the operation
        # that marks the address failing and asks moderators to fix it lives above this
        # floor, so whoever runs the worker passes it in.
        self.on_gave_up = on_gave_up
        # Readiness (`/readyz`) reads it: a worker stuck anywhere stops beating.
        self.heartbeat: Beats = heartbeat or _NoHeartbeat()

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Deliver until cancelled or `stop` is set; an error in one round is logged and
        the next round tries again."""
        stop = stop or asyncio.Event()
        log.info("outbox worker %s started", self.name)
        failures = RoundFailures(log, f"outbox worker {self.name}")
        while not stop.is_set():
            self.heartbeat.beat()
            try:
                claimed = await self.run_once()
            except Exception as error:
                failures.failed(error)
                claimed = 0
            else:
                failures.succeeded()
            if claimed < self.settings.outbox_batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.settings.outbox_poll_seconds)

    async def run_once(self) -> int:
        """Claim one batch of due mail and deliver it; returns how many were claimed."""
        rows = await self._claim()
        if rows:
            await self._deliver(rows)
        return len(rows)

    async def _claim(self) -> list[OutboxMail]:
        now = self.clock()
        lease = timedelta(seconds=self.settings.outbox_lease_seconds)
        async with in_transaction():
            rows = await claim_due(
                OutboxMail,
                order_by="next_attempt_at",
                limit=self.settings.outbox_batch_size,
                status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING],
                next_attempt_at__lte=now,
            )
            if rows:
                await OutboxMail.filter(id__in=[row.id for row in rows]).update(
                    status=OutboxStatus.SENDING,
                    next_attempt_at=now + lease,
                    attempts=F("attempts") + 1,
                )
        for row in rows:
            row.attempts += 1
            row.status = OutboxStatus.SENDING
        return rows

    async def _deliver(self, rows: list[OutboxMail]) -> None:
        # A mail is recorded as sent while the next one's envelope goes out, and that record
        # is awaited before the next content can be accepted (`sender.BeforeData`): a worker
        # killed at any moment leaves at most one mail accepted but not recorded, while the
        # database's round trip overlaps the relay's.
        recording: asyncio.Future[None] | None = None

        async def recorded() -> None:
            nonlocal recording
            pending, recording = recording, None
            if pending is not None:
                await pending

        try:
            async with self.transport.session() as session:
                for index, row in enumerate(rows):
                    try:
                        await session.send(
                            row.envelope_sender,
                            [row.recipient],
                            row.content.encode("utf-8"),
                            before_data=recorded,
                        )
                    except PermanentDeliveryError as error:
                        await recorded()
                        await self._record_failure(row, error, permanent=True)
                    except Exception as error:
                        await recorded()
                        # The connection is likely gone: the rest of the batch waits too.
                        for pending in rows[index:]:
                            await self._record_failure(pending, error, permanent=False)
                        return
                    else:
                        await recorded()
                        recording = asyncio.ensure_future(self._record_sent(row))
                await recorded()
        except Exception as error:
            # Could not connect (or the goodbye failed after everything was recorded).
            with contextlib.suppress(Exception):
                await recorded()
            for row in rows:
                await self._record_failure(row, error, permanent=False, only_if_sending=True)
        finally:
            # Cancelled (the process stops): the mail already handed over is still recorded.
            if recording is not None:
                with contextlib.suppress(Exception):
                    await recording

    async def _record_sent(self, row: OutboxMail) -> None:
        marked = OutboxMail.filter(id=row.id, status=OutboxStatus.SENDING).update(
            status=OutboxStatus.SENT, sent_at=self.clock(), last_error=""
        )
        connection = Tortoise.get_connection("default")
        postgres = connection.capabilities.dialect == "postgres"
        if postgres and not self.settings.outbox_synchronous_sent:
            # The commit is in the server, visible to every worker, when this returns; only
            # its flush to disk is not waited for (the flush was most of a mail's cost). A
            # killed worker loses nothing by it; a crash of the database itself may lose the
            # last fraction of a second of marks, and those mails go out again
            # (docs/mail.md). Both statements go in one round trip, as one transaction; the
            # values are ours (an id, a time, a status), inlined by the query builder.
            await connection.execute_script(
                "SET LOCAL synchronous_commit TO OFF; " + marked.sql(params_inline=True)
            )
        else:
            await marked
        row.status = OutboxStatus.SENT
        self.heartbeat.beat()
        metrics.MAIL_SENT.labels(row.kind.value).inc()
        # The recipient's domain only: an address is personal data, a log is not the place.
        log.info(
            "outbox: sent %s mail %s to %s (%s), attempt %d",
            row.kind.value.lower(),
            row.id,
            addresses.domain_of(row.recipient),
            row.recipient_kind.value.lower(),
            row.attempts,
        )

    async def _record_failure(
        self,
        row: OutboxMail,
        error: BaseException,
        *,
        permanent: bool,
        only_if_sending: bool = False,
    ) -> None:
        if only_if_sending and row.status is not OutboxStatus.SENDING:
            return
        message = f"{type(error).__name__}: {error}"[:2000]
        gave_up = permanent or row.attempts >= self.settings.outbox_max_attempts
        status = OutboxStatus.FAILED if gave_up else OutboxStatus.PENDING
        next_attempt = self.clock() + backoff_delay(self.settings, row.attempts)
        updated = await OutboxMail.filter(id=row.id, status=OutboxStatus.SENDING).update(
            status=status, last_error=message, next_attempt_at=next_attempt
        )
        row.status = status
        row.last_error = message
        if gave_up and updated and self.on_gave_up is not None:
            await self.on_gave_up(row, message)
        self.heartbeat.beat()
        metrics.MAIL_FAILURES.labels(row.kind.value, "yes" if gave_up else "no").inc()
        log.warning(
            "outbox: %s mail %s to %s (%s) failed (attempt %d%s): %s",
            row.kind.value.lower(),
            row.id,
            addresses.domain_of(row.recipient),
            row.recipient_kind.value.lower(),
            row.attempts,
            ", giving up" if gave_up else "",
            message,
        )
