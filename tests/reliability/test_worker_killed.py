"""A real `amicable worker` killed with SIGKILL mid-send, then restarted, against a slow
SMTP sink on loopback: every mail is delivered, and each kill costs at most one duplicate
(the mail whose DATA was in flight). Delivery is at least once (docs/mail.md)."""

from __future__ import annotations

import asyncio
import collections
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from amicable.models import OutboxMail
from amicable.models.enums import Role
from amicable.models.mail import OutboxStatus
from tests.factories import make_company, make_complaint, make_user
from tests.reliability.processes import AmicableProcess
from tests.subscriptions.conftest import eventually, free_port

pytestmark = pytest.mark.e2e

KILLS = 2
COMPLAINTS = 6


@dataclass
class SlowSink:
    """Counts a mail as delivered as soon as its DATA arrives (the pessimistic view: a real
    relay may deliver a message whose 250 never reached the sender), then answers slowly,
    so a kill lands mid-send."""

    port: int
    delay: float = 0.4
    received: list[str] = field(default_factory=list)
    sending: int = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        assert isinstance(content, bytes)
        for line in content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                self.received.append(line.split(b":", 1)[1].strip().decode())
                break
        self.sending += 1
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.sending -= 1
        return "250 OK"


@pytest.fixture
async def sink() -> AsyncIterator[SlowSink]:
    loop = asyncio.get_running_loop()
    found = SlowSink(free_port())
    server = await loop.create_server(
        lambda: SMTP(found, loop=loop), host="127.0.0.1", port=found.port
    )
    yield found
    server.close()
    await server.wait_closed()


async def test_a_killed_worker_loses_no_mail_and_repeats_at_most_one(
    services, settings, sink, tmp_path: Path
):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    for _ in range(COMPLAINTS):
        await make_complaint(services, await make_user(services), company)
    expected = {row.rfc_message_id async for row in OutboxMail.all()}
    assert len(expected) >= COMPLAINTS
    env = {
        "AMICABLE_DATABASE_URL": settings.database_url,
        "AMICABLE_SMTP_URL": f"smtp://127.0.0.1:{sink.port}?starttls=off",
        "AMICABLE_OUTBOX_LEASE_SECONDS": "1",
        "AMICABLE_OUTBOX_POLL_SECONDS": "0.1",
        "AMICABLE_OUTBOX_BACKOFF_SECONDS": "0.1",
        "AMICABLE_OUTBOX_BACKOFF_MAX_SECONDS": "0.5",
        "AMICABLE_OUTBOX_BATCH_SIZE": "3",
    }
    worker = AmicableProcess(tmp_path / "worker", ["worker"], env, "worker")
    try:
        for _ in range(KILLS):
            worker.start()
            # Kill while a DATA is in flight, after this run delivered something.
            before = len(sink.received)
            await eventually(
                lambda b=before: len(sink.received) > b + 1 and sink.sending > 0, within=30
            )
            worker.signal(signal.SIGKILL)
            assert await asyncio.to_thread(worker.wait, 10) == -signal.SIGKILL
        worker.start()

        async def all_sent() -> bool:
            return not await OutboxMail.exclude(status=OutboxStatus.SENT).exists()

        async with asyncio.timeout(60):
            while not await all_sent():  # noqa: ASYNC110 (polling the database)
                await asyncio.sleep(0.2)
    finally:
        worker.stop()
    counts = collections.Counter(sink.received)
    assert set(counts) == expected, worker.log_text()
    duplicates = sum(n - 1 for n in counts.values())
    assert duplicates <= KILLS, counts
