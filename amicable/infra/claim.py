"""Claiming due rows for one worker among many: the outbox's mail and the scheduled nudges.

Inside the caller's transaction, `SELECT ... FOR UPDATE SKIP LOCKED` (Postgres) locks the
due rows no other worker holds and passes over the ones another worker holds, so two
workers never get the same row and neither waits for the other. The caller marks what it
claimed (or does the work) before committing. SQLite has no row locks: there, writers are
serialised by the database and one worker is the rule.
"""

from __future__ import annotations

from typing import Any, TypeVar

from tortoise.models import Model

ModelT = TypeVar("ModelT", bound=Model)


async def claim_due(
    model: type[ModelT], *, order_by: str, limit: int, **filters: Any
) -> list[ModelT]:
    """Lock up to `limit` rows matching `filters`, oldest by `order_by` first; call inside
    a transaction, which holds the locks until it ends."""
    return await (
        model.select_for_update(skip_locked=True).filter(**filters).order_by(order_by).limit(limit)
    )
