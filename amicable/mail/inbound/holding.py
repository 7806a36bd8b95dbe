"""Mail that is accepted but not posted waits for moderators: a reply with nothing new once
trimmed, and a mail the pipeline could not process as it is. Both keep the raw message on
their `InboundMail` row; the item points at it.

What may be retried is decided by `infra.outage.is_database_outage`, the same test the API
uses to answer SERVICE_UNAVAILABLE: only an outage answers "try again later"; anything else
would fail the same way on every retry.
"""

from __future__ import annotations

import uuid

from amicable.models import InboundMail
from amicable.models.moderation import ModerationItemKind
from amicable.resolvers import held_mail
from amicable.services import Services


async def hold_empty(services: Services, record: InboundMail, complaint_id: uuid.UUID) -> None:
    await held_mail.hold(
        services,
        record.id,
        ModerationItemKind.EMPTY_REPLY,
        "Nothing new was left once the quoted history was removed; the original mail is kept.",
        complaint_id,
    )


async def hold_unprocessable(services: Services, record: InboundMail, error: BaseException) -> None:
    await held_mail.hold(
        services,
        record.id,
        ModerationItemKind.UNPROCESSABLE_MAIL,
        "This mail could not be processed; the original is kept for review.",
        record.complaint_id,
        {"error": type(error).__name__},
    )
