"""The outbox: nothing lost in an SMTP outage, nothing sent twice, even by two workers."""

from __future__ import annotations

import asyncio
import mailbox
from datetime import UTC, datetime

import pytest

from amicable.mail.outbound.outbox import OutboxWorker
from amicable.mail.outbound.sender import MaildirTransport, maildir_path
from amicable.models import OutboxMail
from amicable.models.enums import Role
from amicable.models.mail import OutboxKind, OutboxStatus, RecipientKind
from tests.factories import make_company, make_complaint, make_user
from tests.mail.conftest import flush


async def _complaint(services):
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services)
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    return await make_complaint(services, consumer, company)


async def test_smtp_outage_loses_nothing_and_sends_once(services, worker, smtp_capture):
    await smtp_capture.stop()
    await _complaint(services)
    assert await worker.run_once() == 1
    mail = await OutboxMail.get()
    assert mail.status is OutboxStatus.PENDING and mail.attempts == 1
    assert "Connect" in mail.last_error or "connect" in mail.last_error
    assert mail.next_attempt_at > datetime.now(UTC)  # backed off
    assert await worker.run_once() == 0  # not due yet
    await smtp_capture.start()
    await asyncio.sleep(0.25)  # the (test-sized) backoff passes
    await flush(worker)
    await flush(worker)
    assert len(smtp_capture.received) == 1
    mail = await OutboxMail.get()
    assert mail.status is OutboxStatus.SENT and mail.attempts == 2 and mail.last_error == ""


async def test_gives_up_after_the_maximum_attempts(services, settings, worker, smtp_capture):
    settings.outbox_max_attempts = 2
    settings.outbox_backoff_seconds = 0
    await smtp_capture.stop()
    await _complaint(services)
    await worker.run_once()
    await worker.run_once()
    mail = await OutboxMail.get()
    assert mail.status is OutboxStatus.FAILED and mail.attempts == 2


async def test_without_smtp_mail_goes_into_the_maildir(services, settings):
    await _complaint(services)
    maildir_worker = OutboxWorker(settings, MaildirTransport(maildir_path(settings)))
    await flush(maildir_worker)
    [stored] = list(mailbox.Maildir(maildir_path(settings), create=False))
    assert stored["Delivered-To"] == "klachten@telenova.be"
    assert stored["Subject"].startswith("[AM-")


@pytest.mark.postgres
async def test_two_workers_send_each_mail_exactly_once(services, settings, smtp_capture):
    complaint = await _complaint(services)
    await flush(OutboxWorker(settings, MaildirTransport(maildir_path(settings))))
    smtp_capture.received.clear()
    now = datetime.now(UTC)
    await OutboxMail.bulk_create(
        [
            OutboxMail(
                kind=OutboxKind.NOTICE,
                complaint_id=complaint.id,
                recipient=f"r{i}@example.org",
                recipient_kind=RecipientKind.CONSUMER,
                rfc_message_id=f"<n{i}@reply.amicable.test>",
                reply_token="0" * 20,
                envelope_sender="bounces@reply.amicable.test",
                content=f"Subject: n{i}\r\nMessage-ID: <n{i}@reply.amicable.test>\r\n\r\nhi\r\n",
                next_attempt_at=now,
                created_at=now,
            )
            for i in range(300)
        ]
    )
    from amicable.mail.outbound.sender import transport_for

    workers = [OutboxWorker(settings, transport_for(settings), name=n) for n in "ab"]

    async def drain(worker):
        while await worker.run_once():
            pass

    async with asyncio.timeout(60):
        await asyncio.gather(*(drain(w) for w in workers))
    ids = [str(c.message["Message-ID"]) for c in smtp_capture.received]
    assert len(ids) == 300 and len(set(ids)) == 300
    assert await OutboxMail.filter(status=OutboxStatus.SENT).count() == 301


async def test_each_mail_is_recorded_before_the_next_is_handed_over(services, worker, smtp_capture):
    """The record of one mail overlaps the next mail's envelope, never its content: when the
    relay receives a mail's content, every mail before it on the connection is `SENT`, so a
    worker killed at any moment leaves at most one mail accepted but unrecorded."""
    for _ in range(4):
        await _complaint(services)
    recorded_before: list[int] = []
    handle = smtp_capture.handle_DATA

    async def counting(server, session, envelope):
        recorded_before.append(await OutboxMail.filter(status=OutboxStatus.SENT).count())
        return await handle(server, session, envelope)

    smtp_capture.handle_DATA = counting  # type: ignore[method-assign]
    assert await worker.run_once() == 4
    assert recorded_before == [0, 1, 2, 3]
    assert await OutboxMail.filter(status=OutboxStatus.SENT).count() == 4
