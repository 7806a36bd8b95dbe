"""Opening the database: Tortoise configuration, migrations, and the connection's lifetime."""

from __future__ import annotations

import logging
from typing import Any

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
    """Apply the committed migrations; a no-op when the database is current."""
    url = _prepare(settings)
    await _migrate_api(config=tortoise_config(url))
    await Tortoise.close_connections()


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
