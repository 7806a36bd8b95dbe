"""Mail fixtures: a real aiosmtpd server on a free loopback port capturing what the outbox
sends, the settings that point the outbox at it, our inbound listener, and helpers to fill
the `.eml` fixtures in tests/emails/ from a complaint made in the test."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from amicable.mail.inbound.smtpd import start_smtpd
from amicable.mail.outbound.outbox import OutboxWorker
from amicable.mail.outbound.sender import transport_for
from amicable.models import Complaint, OutboxMail
from amicable.models.mail import RecipientKind
from amicable.services import Services
from amicable.settings import Settings

EMAILS = Path(__file__).parent.parent / "emails"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Captured:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class CaptureServer:
    """A real SMTP server that keeps what it receives; stop() and start() simulate an
    outage on the same port."""

    port: int
    received: list[Captured] = field(default_factory=list)
    server: asyncio.Server | None = None

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        assert isinstance(content, bytes)
        message = BytesParser(policy=policy.default).parsebytes(content)
        assert isinstance(message, EmailMessage)
        self.received.append(Captured(envelope.mail_from or "", list(envelope.rcpt_tos), message))
        return "250 OK"

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(
            lambda: SMTP(self, loop=loop), host="127.0.0.1", port=self.port
        )

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None


@pytest.fixture
async def smtp_capture() -> AsyncIterator[CaptureServer]:
    capture = CaptureServer(free_port())
    await capture.start()
    yield capture
    await capture.stop()


@pytest.fixture
def settings(settings: Settings, smtp_capture: CaptureServer) -> Settings:
    """The suite's settings, with the outbox pointed at the capture server and fast retries."""
    return settings.model_copy(
        update={
            "smtp_url": f"smtp://127.0.0.1:{smtp_capture.port}?starttls=off",
            "smtp_timeout_seconds": 5,
            "outbox_backoff_seconds": 0.05,
            "outbox_backoff_max_seconds": 0.2,
            "outbox_poll_seconds": 0.05,
        }
    )


@pytest.fixture
def worker(settings: Settings) -> OutboxWorker:
    return OutboxWorker(settings, transport_for(settings))


async def flush(worker: OutboxWorker) -> None:
    """Send everything due now (bounded: a test never loops forever)."""
    for _ in range(50):
        if not await worker.run_once():
            return
    raise AssertionError("the outbox did not drain")


@pytest.fixture
async def listener(services: Services) -> AsyncIterator[int]:
    port = free_port()
    server = await start_smtpd(services, "127.0.0.1", port)
    yield port
    server.close()
    await server.wait_closed()


async def company_mail(complaint: Complaint) -> OutboxMail:
    return await OutboxMail.get(complaint_id=complaint.id, recipient_kind=RecipientKind.COMPANY)


async def fill(name: str, complaint: Complaint, **extra: str) -> bytes:
    """An .eml fixture with its placeholders filled from the complaint's first mail."""
    mail = await company_mail(complaint)
    values: dict[str, Any] = {
        "REPLY_TO": mail.envelope_sender,
        "MESSAGE_ID": mail.rfc_message_id,
        "REFERENCE": complaint.reference,
        "TITLE": complaint.title,
        "COMPANY_ADDRESS": mail.recipient,
        **extra,
    }
    text = (EMAILS / name).read_text("utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", str(value))
    assert "{{" not in text, f"unfilled placeholder in {name}"
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
