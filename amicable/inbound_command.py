"""`amicable inbound`, the command an MTA's pipe transport runs for each mail.

An MTA starts it in its own environment (often empty) and its own working folder, so the
command is strict where `serve` is lenient: it reads its settings from an explicit file or
the environment and refuses the embedded defaults unless told, because those would quietly
open a new SQLite database in whatever folder the MTA happens to use. It never migrates
(a mail delivery must not change the schema); a database that is missing or behind the
code is a configuration problem. Every configuration problem exits 75 (EX_TEMPFAIL): the
MTA keeps the mail queued and retries, so nothing is lost while the operator fixes it.
"""

from __future__ import annotations

import asyncio
import logging
import pkgutil
import sys
from pathlib import Path
from typing import BinaryIO

from pydantic import ValidationError

from amicable.mail.inbound.errors import EX_TEMPFAIL
from amicable.settings import Settings

log = logging.getLogger(__name__)

# The settings that say which database to use; without one of them the command would run
# on the embedded default (SQLite under ./var, relative to the MTA's working folder).
_DATABASE_SETTINGS = {"database_url", "data_dir"}


class ConfigurationProblem(Exception):
    """Why the command cannot take mail with the configuration it was given."""


def load_settings(env_file: str | None, *, allow_defaults: bool) -> Settings:
    if env_file is not None:
        path = Path(env_file)
        if not path.is_file():
            raise ConfigurationProblem(f"env file {env_file} does not exist or is not a file")
        try:
            path.read_bytes()
        except OSError as error:
            raise ConfigurationProblem(f"env file {env_file}: {error.strerror}") from None
    try:
        settings = Settings(_env_file=env_file) if env_file else Settings()  # type: ignore[call-arg]
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            for item in error.errors()
        )
        raise ConfigurationProblem(f"invalid settings: {problems}") from None
    if not allow_defaults and not (settings.model_fields_set & _DATABASE_SETTINGS):
        raise ConfigurationProblem(
            "no database configured (AMICABLE_DATABASE_URL or AMICABLE_DATA_DIR); give "
            "--env-file, set the variables, or --allow-defaults to use ./var"
        )
    return settings


def _sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite://") or ":memory:" in url:
        return None
    return Path(url.removeprefix("sqlite://").split("?", 1)[0])


def _migrations_on_disk() -> set[str]:
    from amicable.models import migrations

    return {
        name
        for _, name, is_package in pkgutil.iter_modules(migrations.__path__)
        if not is_package and name[0] not in "_~"
    }


async def missing_migrations() -> list[str]:
    """The committed migrations the open database has not applied (all of them when it
    has no schema at all)."""
    from tortoise import Tortoise
    from tortoise.migrations.recorder import MigrationRecorder

    from amicable.db import APP_LABEL

    recorder = MigrationRecorder(Tortoise.get_connection("default"))
    applied = {
        key.name for key in await recorder.applied_migrations() if key.app_label == APP_LABEL
    }
    return sorted(_migrations_on_disk() - applied)


async def deliver(
    settings: Settings, stream: BinaryIO, *, sender: str, recipients: list[str]
) -> int:
    from tortoise import Tortoise

    from amicable.db import close_db, tortoise_config
    from amicable.mail.inbound.pipe import deliver_from_pipe
    from amicable.services import Services
    from amicable.subscriptions.bus import EventBus

    sqlite = _sqlite_path(settings.resolved_database_url)
    if sqlite is not None and not sqlite.is_file():
        raise ConfigurationProblem(
            f"the SQLite database {sqlite} does not exist; run `amicable migrate` first"
        )
    # Not `open_db`: that makes the data folder for SQLite, and this command creates nothing.
    await Tortoise.init(
        config=tortoise_config(settings.resolved_database_url), _enable_global_fallback=True
    )
    try:
        missing = await missing_migrations()
        if missing:
            raise ConfigurationProblem(
                "the database schema is not current (missing migrations: "
                f"{', '.join(missing)}); run `amicable migrate`"
            )
        services = Services(settings=settings, events=EventBus(settings.broadcast_url))
        await services.events.connect()
        try:
            return await deliver_from_pipe(services, stream, sender=sender, recipients=recipients)
        finally:
            await services.events.disconnect()
    finally:
        await close_db()


def run(*, env_file: str | None, allow_defaults: bool, sender: str, recipients: list[str]) -> int:
    try:
        settings = load_settings(env_file, allow_defaults=allow_defaults)
        return asyncio.run(
            deliver(settings, sys.stdin.buffer, sender=sender, recipients=recipients)
        )
    except ConfigurationProblem as problem:
        # One line on standard error: the MTA puts it in its log and the deferral notice.
        sys.stderr.write(f"amicable inbound: {problem}\n")
        return EX_TEMPFAIL
    except Exception:
        # The database or event bus is unreachable (or similar): the MTA retries.
        log.exception("inbound: could not take the mail; the MTA will retry")
        return EX_TEMPFAIL
