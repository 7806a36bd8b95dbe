"""Opening the database: Tortoise configuration, migrations, and the connection's lifetime."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tortoise import Tortoise
from tortoise.migrations.api import migrate as _migrate_api

from amicable.settings import Settings

log = logging.getLogger(__name__)

APP_LABEL = "amicable"


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": database_url},
        "apps": {
            APP_LABEL: {
                "models": ["amicable.models"],
                "migrations": "amicable.models.migrations",
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _prepare(settings: Settings) -> str:
    url = settings.resolved_database_url
    if url.startswith("sqlite://") and ":memory:" not in url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return url


async def migrate(settings: Settings) -> None:
    """Apply the committed migrations; a no-op when the database is current.

    Tortoise's migrate takes no lock: two processes starting at once on an empty database
    would both create the tables and both fail. Each process waits for the migration lock
    (a Postgres advisory lock, or a file lock next to the SQLite file), then migrates;
    whoever comes second finds the database current.
    """
    url = _prepare(settings)
    async with migration_lock(url):
        await apply_migrations(url)


async def apply_migrations(url: str, target: str | None = None) -> None:
    """Migrate the database at `url` (up to `target`, `"amicable.<name>"`, or all the way).

    SQLite changes a column by rebuilding its table: a new table, the rows copied, the old
    one dropped. With foreign keys enforced, dropping the old table deletes every row that
    refers to it through ON DELETE CASCADE (all messages when the complaint table is
    rebuilt). So migrations run on a connection with foreign keys off, as SQLite's own
    procedure for such changes asks, and the keys are checked once it is done.
    """
    sqlite = url.startswith("sqlite://")
    if sqlite:
        url += ("&" if "?" in url else "?") + "foreign_keys=OFF"
    try:
        await _migrate_api(config=tortoise_config(url), target=target)
        if sqlite:
            _, broken = await Tortoise.get_connection("default").execute_query(
                "PRAGMA foreign_key_check"
            )
            if broken:
                tables = sorted({dict(row)["table"] for row in broken})
                raise RuntimeError(f"migrating left broken foreign keys in {', '.join(tables)}")
    finally:
        await Tortoise.close_connections()


# Any constant shared by every process of the deployment; "amicable" in ASCII.
MIGRATION_LOCK_ID = 0x616D6963_61626C65


@contextlib.asynccontextmanager
async def migration_lock(url: str) -> AsyncIterator[None]:
    scheme = urlsplit(url).scheme
    if scheme in ("postgres", "asyncpg", "psycopg"):
        async with _advisory_lock(url):
            yield
    elif scheme == "sqlite" and ":memory:" not in url:
        async with _file_lock(Path(url.removeprefix("sqlite://")).with_suffix(".migrate-lock")):
            yield
    else:
        yield


_LIBPQ_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "passfile")


@contextlib.asynccontextmanager
async def _advisory_lock(url: str) -> AsyncIterator[None]:
    import asyncpg

    # A connection of its own, outside Tortoise's pool (which migrate opens and closes):
    # the lock is the session's, released when the connection ends, even if we crash.
    parts = urlsplit(url)
    # Tortoise's own options (pool sizes and such) mean nothing to asyncpg; TLS ones do.
    query = "&".join(
        pair for pair in parts.query.split("&") if pair.partition("=")[0] in _LIBPQ_OPTIONS
    )
    connection = await asyncpg.connect(urlunsplit(("postgresql", *parts[1:3], query, "")))
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_ID)
        try:
            yield
        finally:
            await connection.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_ID)
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def _file_lock(path: Path) -> AsyncIterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        # flock blocks; wait in a thread so the event loop stays free meanwhile.
        await asyncio.to_thread(fcntl.flock, handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


async def open_db(settings: Settings, *, run_migrations: bool = True) -> None:
    """Migrate, then initialise Tortoise for this process.

    The global fallback makes the ORM reachable from every task (uvicorn's request tasks,
    the lifespan task, background workers); without it Tortoise 1.x answers
    "No TortoiseContext is currently active" outside the task that initialised it.
    """
    url = _prepare(settings)
    if run_migrations:
        await migrate(settings)
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    # Connect now, not in the first request: Tortoise 1.1 takes its connection lock before
    # connecting lazily and never releases it if that request is cancelled meanwhile (its
    # time budget ran out), which would hang every later query on SQLite.
    await Tortoise.get_connection("default").execute_query("SELECT 1")


async def close_db() -> None:
    await Tortoise.close_connections()
    _reset_global_context()


def _reset_global_context() -> None:
    # Tortoise refuses a second global context in one process; tests open and close the
    # database many times, so closing clears it.
    from tortoise import context as tortoise_context

    tortoise_context._global_context = None
    tortoise_context._current_context.set(None)


# For the `tortoise` command when writing a new migration after a model change:
#   tortoise -c amicable.db.MIGRATIONS_CONFIG makemigrations --name what_changed
# (the autodetector compares the models with the committed migrations, not a database).
MIGRATIONS_CONFIG = tortoise_config("sqlite://:memory:")
