"""Two `amicable worker` processes on one PostgreSQL database: every due nudge becomes
exactly one mail, delivered once, whichever process claimed it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import pytest

from amicable.models import Nudge, OutboxMail
from amicable.models.mail import OutboxStatus
from amicable.models.nudge import NudgeStatus
from tests.factories import make_complaint
from tests.mail.conftest import CaptureServer
from tests.nudging import moved_clock, quiet_agent, sent_complaint

pytestmark = pytest.mark.postgres


async def test_two_worker_processes_send_each_nudge_once(services, smtp_capture: CaptureServer):
    settings = services.settings
    clock = moved_clock(services)
    # Filed 31 days ago: both reminders and the deadline notice are due for the real clock.
    clock.advance(days=-31)
    _, consumer, first = await sent_complaint(services)
    company = await first.company
    for index in range(5):
        await make_complaint(services, consumer, company, title=f"Klacht {index}")
    await quiet_agent(services, first)
    # The complaints' own mails went out long ago; only the nudges' mail is left.
    await OutboxMail.all().update(status=OutboxStatus.SENT)
    assert await Nudge.filter(status=NudgeStatus.PENDING).count() == 6 * 3
    # Past both reminder steps, only the second reminder goes out, with the deadline notice.
    expected = 6 * 2

    env = {k: v for k, v in os.environ.items() if not k.startswith("AMICABLE_")}
    env.update(
        {
            "AMICABLE_DATABASE_URL": settings.resolved_database_url,
            "AMICABLE_DATA_DIR": str(settings.data_dir),
            "AMICABLE_SECRET_KEY": "test-secret-key",
            "AMICABLE_SMTP_URL": str(settings.smtp_url),
            "AMICABLE_FROM_ADDRESS": settings.from_address,
            "AMICABLE_REPLY_DOMAIN": settings.reply_domain,
            "AMICABLE_PUBLIC_URL": settings.public_url,
            "AMICABLE_SMTPD_BIND": "off",
            "AMICABLE_NUDGE_BATCH_SIZE": "2",
            "AMICABLE_NUDGE_POLL_SECONDS": "0.1",
            "AMICABLE_OUTBOX_POLL_SECONDS": "0.1",
            "AMICABLE_AGENT_DIGEST": "false",
        }
    )
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "amicable.cli",
            "worker",
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(2)
    ]
    try:
        # Bounded wait for the work to be done; the assertions do not depend on timing.
        for _ in range(600):
            pending = await Nudge.filter(status=NudgeStatus.PENDING).count()
            if not pending and len(smtp_capture.received) >= expected:
                break
            await asyncio.sleep(0.1)
    finally:
        for process in workers:
            process.send_signal(signal.SIGINT)
        for process in workers:
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()
    assert await Nudge.filter(status=NudgeStatus.SENT).count() == expected
    assert await Nudge.filter(status=NudgeStatus.VOID).count() == 6
    assert await OutboxMail.filter(status=OutboxStatus.SENT).count() == 6 + expected
    ids = [str(c.message["Message-ID"]) for c in smtp_capture.received]
    assert len(ids) == expected and len(set(ids)) == expected
    to_consumer = [c for c in smtp_capture.received if c.recipients == [consumer.user.email]]
    assert len(to_consumer) == 6
