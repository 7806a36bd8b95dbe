"""Telling a database outage from a bug: an outage is answered SERVICE_UNAVAILABLE (the
client may retry), a bug "Unexpected error." and a log entry at ERROR.

An outage is a failure to reach or keep a connection, whatever layer raised it: the
socket refused or reset, the server shutting down or refusing connections, the database
gone (dropped, renamed), the pool closed under a query. Tortoise wraps driver errors in
its own `OperationalError`, so the whole `__cause__`/`__context__` chain is examined.
"""

from __future__ import annotations

import logging
import sqlite3

import asyncpg
from tortoise.exceptions import DBConnectionError

# SQLSTATE classes and codes that mean "the database is not there for you right now":
# 08 connection exception, 57 operator intervention (shutdown, crash, cannot connect now),
# 53300 too many connections, 3D000 the database does not exist (dropped).
_SQLSTATE_CLASSES = ("08", "57")
_SQLSTATE_CODES = frozenset({"53300", "3D000"})
# SQLite: the file or its folder vanished or became unreadable, or another process holds
# the write lock for longer than the busy timeout.
_SQLITE_MESSAGES = ("unable to open database file", "disk I/O error", "database is locked")


def is_database_outage(error: BaseException | None) -> bool:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if _is_outage(error):
            return True
        error = error.__cause__ or error.__context__
    return False


def _is_outage(error: BaseException) -> bool:
    if isinstance(error, ServiceUnavailable | DBConnectionError | asyncpg.PostgresConnectionError):
        return True
    if isinstance(error, asyncpg.InterfaceError):
        # "connection is closed", "pool is closing"; not a misuse such as two operations
        # at once on one connection, which is a bug.
        return "clos" in str(error)
    if isinstance(error, OSError):
        # Refused, reset, unreachable, timed out while connecting; not a missing file.
        return not isinstance(error, FileNotFoundError | PermissionError | IsADirectoryError)
    if isinstance(error, asyncpg.PostgresError):
        state = getattr(error, "sqlstate", None) or ""
        return state[:2] in _SQLSTATE_CLASSES or state in _SQLSTATE_CODES
    if isinstance(error, sqlite3.OperationalError):
        return any(message in str(error) for message in _SQLITE_MESSAGES)
    return False


class ServiceUnavailable(Exception):
    """Raised where a request learns early that the database is unreachable (checking its
    credential), so it ends as every other outage does: SERVICE_UNAVAILABLE."""

    extensions = {"code": "SERVICE_UNAVAILABLE"}

    def __init__(self) -> None:
        super().__init__("The service is temporarily unavailable; try again shortly.")


class RoundFailures:
    """How a loop that retries (a worker's round, the upkeep, a mail listener's check)
    reports a failure to operators. A database outage is a condition, not a bug: one
    WARNING when it starts and one INFO when the database answers again, rather than a
    traceback at ERROR every few seconds. Anything else is a bug: ERROR with its traceback,
    every time."""

    def __init__(self, logger: logging.Logger, what: str) -> None:
        self._log = logger
        self._what = what
        self._away = False

    def failed(self, error: BaseException) -> None:
        if not is_database_outage(error):
            self._log.error("%s failed; retrying", self._what, exc_info=error)
            return
        if not self._away:
            self._away = True
            self._log.warning(
                "%s: the database is unavailable (%s); retrying until it answers",
                self._what,
                type(error).__name__,
            )

    def succeeded(self) -> None:
        if self._away:
            self._away = False
            self._log.info("%s: the database answers again", self._what)
