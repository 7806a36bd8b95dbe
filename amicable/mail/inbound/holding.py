"""Mail that is accepted but not posted waits for moderators: a reply with nothing new once
trimmed, and a mail the pipeline could not process as it is. Both keep the raw message on
their `InboundMail` row; the item points at it.

And the one test of what may be retried: only an outage (the database or the disk out of
reach) answers "try again later"; anything else would fail the same way on every retry.
"""

from __future__ import annotations

import sqlite3
import uuid

from tortoise.exceptions import DBConnectionError

from amicable.models import InboundMail
from amicable.models.moderation import ModerationItemKind
from amicable.resolvers import held_mail
from amicable.services import Services

_TRANSIENT_NAMES = {
    # asyncpg's connection-level errors, named so this module does not need asyncpg.
    "PostgresConnectionError",
    "ConnectionDoesNotExistError",
    "ConnectionFailureError",
    "CannotConnectNowError",
    "TooManyConnectionsError",
    "InterfaceError",
    "AdminShutdownError",
    "CrashShutdownError",
    "QueryCanceledError",
}
_TRANSIENT_SQLITE = ("database is locked", "unable to open database", "disk i/o error")


def is_transient(error: BaseException) -> bool:
    """Whether `error` (or what caused it) is an outage that may be over on a retry."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DBConnectionError | ConnectionError | TimeoutError | OSError):
            return True
        if type(current).__name__ in _TRANSIENT_NAMES:
            return True
        if isinstance(current, sqlite3.OperationalError) and any(
            text in str(current).lower() for text in _TRANSIENT_SQLITE
        ):
            return True
        current = current.__cause__ or current.__context__
    return False


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
