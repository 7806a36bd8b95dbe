"""The SMTP door: an aiosmtpd listener on the server's own event loop (so it shares the
database connection pool), refusing unknown recipients at RCPT TO (550) and oversized
mail (552, by aiosmtpd's data size limit and the SIZE extension of RFC 1870)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from amicable.infra.outage import RoundFailures
from amicable.mail.inbound import route
from amicable.mail.inbound.pipeline import receive
from amicable.models.mail import InboundDoor
from amicable.services import Services

log = logging.getLogger(__name__)


class InboundHandler:
    def __init__(self, services: Services) -> None:
        self.services = services
        # Senders retry on 451: while the database is away that is a condition to report
        # once, not a traceback per mail.
        self.failures = RoundFailures(log, "inbound SMTP listener")

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        try:
            known = await route.recipient_known(self.services.settings, address)
        except Exception as error:
            self.failures.failed(error)
            return "451 4.3.0 Try again later"
        if not known:
            return "550 5.1.1 No such recipient here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        try:
            verdict = await receive(
                self.services,
                content,
                door=InboundDoor.SMTP,
                envelope_sender=envelope.mail_from or "",
                envelope_recipients=list(envelope.rcpt_tos),
            )
        except Exception as error:
            self.failures.failed(error)
            return "451 4.3.0 Try again later"
        if not verdict.smtp_reply.startswith("4"):
            self.failures.succeeded()
        return verdict.smtp_reply


def parse_bind(bind: str) -> tuple[str, int] | None:
    """`host:port`, or None for "off"."""
    if bind.strip().lower() in ("off", "", "none"):
        return None
    host, _, port = bind.rpartition(":")
    return (host.strip("[]") or "127.0.0.1", int(port))


async def start_smtpd(services: Services, host: str, port: int) -> asyncio.Server:
    settings = services.settings
    handler = InboundHandler(services)
    loop = asyncio.get_running_loop()

    def factory() -> Any:
        return SMTP(
            handler,
            data_size_limit=settings.inbound_max_bytes,
            enable_SMTPUTF8=True,
            hostname=settings.reply_domain,
            timeout=60,
            loop=loop,
        )

    server = await loop.create_server(factory, host=host, port=port)
    log.info("inbound SMTP listening on %s:%d", host, port)
    return server
