"""Upgrading a database that holds data: every migration applies to tables that already have
rows, as on a platform that has been running for a while.

The database is migrated one step at a time; before each step every table gets a row
(foreign keys pointing at rows of the tables they name), so a column added without a
database default, a rebuilt table that loses rows or a data migration that trips over
existing rows fails here rather than on an operator's upgrade. On PostgreSQL when the
tests run against it, else on SQLite.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from tortoise import Tortoise

from amicable.db import APP_LABEL, apply_migrations
from amicable.models import migrations
from tests.conftest import PG_URL, _pg_admin, _with_database

STEPS = sorted(
    name.removesuffix(".py")
    for name in os.listdir(Path(migrations.__file__).parent)
    if name[:4].isdigit() and name.endswith(".py")
)

_DAYS = itertools.count()
_NUMBERS = itertools.count(1000)


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    if not PG_URL:
        yield f"sqlite://{tmp_path / 'upgrade.sqlite3'}"
        return
    name = f"amicable_upgrade_{os.getpid()}"
    _pg_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _pg_admin(PG_URL, f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(PG_URL, name)
    finally:
        _pg_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_every_migration_applies_to_tables_that_hold_rows(empty_database: str) -> None:
    asyncio.run(_upgrade_step_by_step(empty_database))


async def _upgrade_step_by_step(url: str) -> None:
    counts: dict[str, int] = {}
    try:
        for step in STEPS:
            await apply_migrations(url, target=f"{APP_LABEL}.{step}")
            # No row may be lost by a step (a table rebuilt without its rows, say).
            now = await _row_counts(url)
            lost = {t: (n, now.get(t, 0)) for t, n in counts.items() if now.get(t, 0) < n}
            assert not lost, f"{step} lost rows: {lost}"
            await _one_more_row_everywhere(url)
            counts = await _row_counts(url)
    finally:
        await Tortoise.close_connections()
    assert counts, "no table was filled"


# --- a row in every table -----------------------------------------------------------------


async def _one_more_row_everywhere(url: str) -> None:
    if url.startswith("sqlite://"):
        _fill_sqlite(url.removeprefix("sqlite://"))
    else:
        await _fill_postgres(url)


async def _row_counts(url: str) -> dict[str, int]:
    if url.startswith("sqlite://"):
        with sqlite3.connect(url.removeprefix("sqlite://")) as db:
            return {
                t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in _sqlite_tables(db)
            }
    import asyncpg

    db = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        return {t: await db.fetchval(f'SELECT count(*) FROM "{t}"') for t in await _pg_tables(db)}
    finally:
        await db.close()


def _value(type_name: str) -> object:
    """A plausible value of a column's type, unique where a unique index may sit on it."""
    kind = type_name.lower()
    if kind in ("uuid", "char(36)"):
        return str(uuid.uuid4())
    if any(word in kind for word in ("int", "serial")):
        return next(_NUMBERS)
    if "bool" in kind:
        return False
    if any(word in kind for word in ("numeric", "real", "double", "decimal", "float")):
        return 0.0
    # Days differ from row to row: (company, day) pairs are unique.
    day = date(2024, 3, 1) + timedelta(days=next(_DAYS))
    if "timestamp" in kind:
        return f"{day.isoformat()} 09:30:00+00:00"
    if kind == "date":
        return day.isoformat()
    if "json" in kind:
        return "{}"
    # Short: some columns are 8 characters wide; unique across the rows of this test.
    return uuid.uuid4().hex[:8]


def _ordered(tables: list[str], depends: dict[str, set[str]]) -> list[str]:
    ordered: list[str] = []
    remaining = set(tables)
    while remaining:
        ready = sorted(t for t in remaining if not (depends.get(t, set()) - {t}) & remaining)
        if not ready:  # a cycle: the rest in any order (their keys then point at old rows)
            ready = sorted(remaining)
        ordered += ready
        remaining -= set(ready)
    return ordered


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' AND name != 'tortoise_migrations'"
    )
    return [row[0] for row in rows]


def _fill_sqlite(path: str) -> None:
    with sqlite3.connect(path) as db:
        tables = _sqlite_tables(db)
        keys = {t: db.execute(f"PRAGMA foreign_key_list('{t}')").fetchall() for t in tables}
        depends = {t: {k[2] for k in keys[t]} for t in tables}
        # This round's new rows: keys point at them, so a one-to-one key stays unique.
        fresh: dict[str, sqlite3.Row] = {}
        db.row_factory = sqlite3.Row
        for table in _ordered(tables, depends):
            references = {k[3]: (k[2], k[4]) for k in keys[table]}
            names, values = [], []
            for _, name, type_name, not_null, default, primary in db.execute(
                f"PRAGMA table_info('{table}')"
            ):
                if name in references:
                    target, column = references[name]
                    new = fresh.get(target)
                    if new is None and not not_null:
                        continue
                    names.append(name)
                    values.append(new[column] if new is not None else _value(type_name))
                elif primary and "int" in type_name.lower():
                    continue  # an integer key numbers itself
                elif primary or (not_null and default is None):
                    names.append(name)
                    values.append(_value(type_name))
            columns = ", ".join(f'"{n}"' for n in names)
            marks = ", ".join("?" for _ in names)
            if names:
                db.execute(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', values)
            else:
                db.execute(f'INSERT INTO "{table}" DEFAULT VALUES')
            fresh[table] = db.execute(
                f'SELECT * FROM "{table}" WHERE rowid = last_insert_rowid()'
            ).fetchone()


async def _pg_tables(db: object) -> list[str]:
    rows = await db.fetch(  # type: ignore[attr-defined]
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        "AND table_type = 'BASE TABLE' AND table_name != 'tortoise_migrations'"
    )
    return [row["table_name"] for row in rows]


async def _fill_postgres(url: str) -> None:
    import asyncpg

    db = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        tables = await _pg_tables(db)
        foreign = await db.fetch(
            "SELECT kcu.table_name, kcu.column_name, ccu.table_name AS target, "
            "ccu.column_name AS target_column "
            "FROM information_schema.table_constraints tc "
            "JOIN information_schema.key_column_usage kcu "
            "  ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema "
            "JOIN information_schema.constraint_column_usage ccu "
            "  ON tc.constraint_name = ccu.constraint_name AND tc.table_schema = ccu.table_schema "
            "WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'"
        )
        references: dict[str, dict[str, tuple[str, str]]] = {}
        for row in foreign:
            references.setdefault(row["table_name"], {})[row["column_name"]] = (
                row["target"],
                row["target_column"],
            )
        depends = {t: {target for target, _ in references.get(t, {}).values()} for t in tables}
        # This round's new rows: keys point at them, so a one-to-one key stays unique.
        fresh: dict[str, asyncpg.Record] = {}
        for table in _ordered(tables, depends):
            columns = await db.fetch(
                "SELECT column_name, is_nullable, column_default, data_type, "
                "character_maximum_length FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = $1",
                table,
            )
            names, values = [], []
            for column in columns:
                name, type_name = column["column_name"], column["data_type"]
                if name in references.get(table, {}):
                    target, target_column = references[table][name]
                    new = fresh.get(target)
                    value = new[target_column] if new is not None else None
                    if value is None and column["is_nullable"] == "YES":
                        continue
                    names.append(name)
                    values.append(value if value is not None else _value(type_name))
                elif column["is_nullable"] == "NO" and column["column_default"] is None:
                    names.append(name)
                    value = _value(type_name)
                    width = column["character_maximum_length"]
                    values.append(value[:width] if isinstance(value, str) and width else value)
            if not names:
                fresh[table] = await db.fetchrow(
                    f'INSERT INTO "{table}" DEFAULT VALUES RETURNING *'
                )
                continue
            quoted = ", ".join(f'"{n}"' for n in names)
            # Text in, cast by the server to each column's type.
            casts = ", ".join(
                f"${i + 1}::text::{_pg_type(c)}"
                for i, c in enumerate(
                    next(c for c in columns if c["column_name"] == n) for n in names
                )
            )
            fresh[table] = await db.fetchrow(
                f'INSERT INTO "{table}" ({quoted}) VALUES ({casts}) RETURNING *',
                *[str(v) for v in values],
            )
    finally:
        await db.close()


def _pg_type(column: object) -> str:
    data_type = column["data_type"]  # type: ignore[index]
    return {"USER-DEFINED": "text", "ARRAY": "text[]"}.get(data_type, data_type)
