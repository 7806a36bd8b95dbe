"""The pipe door: `amicable inbound` reads one message on standard input, for an MTA's pipe
transport, and exits 0 (accepted), 67 (unknown recipient), 65 (unreadable or too large)
or 75 (try again later)."""

from __future__ import annotations

import logging
from typing import BinaryIO

from amicable.infra.outage import RoundFailures
from amicable.mail.inbound import errors as e
from amicable.mail.inbound import route
from amicable.mail.inbound.pipeline import receive
from amicable.models.mail import InboundDoor
from amicable.services import Services

log = logging.getLogger(__name__)


async def deliver_from_pipe(
    services: Services,
    stream: BinaryIO,
    *,
    sender: str = "",
    recipients: list[str] | None = None,
) -> int:
    settings = services.settings
    raw = stream.read(settings.inbound_max_bytes + 1)
    try:
        recipients = recipients or []
        for recipient in recipients:
            if not await route.recipient_known(settings, recipient):
                return e.verdict_for(e.UnknownRecipient(recipient)).exit_code
        verdict = await receive(
            services,
            raw,
            door=InboundDoor.PIPE,
            envelope_sender=sender,
            envelope_recipients=recipients,
        )
    except Exception as error:
        # The MTA keeps the mail and retries on EX_TEMPFAIL.
        RoundFailures(log, "inbound").failed(error)
        return e.EX_TEMPFAIL
    return verdict.exit_code
