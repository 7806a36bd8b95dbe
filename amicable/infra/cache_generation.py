"""The public response cache's generation number.

Triggers on every table a public answer reads (see the `0011_response_cache` migration)
bump the one `cache_generation` row inside the writing transaction, so the new number
becomes visible exactly when the write does, to every process. A cached answer is served
only while the generation it was computed at is still the current one.

A later migration that rebuilds one of those tables (SQLite rebuilds a table to alter a
column) drops its triggers: such a migration must create them again, as the
`0011_response_cache` migration does; `tests/test_response_cache.py` proves invalidation on
the migrated schema.
"""

from __future__ import annotations

from tortoise import Tortoise

_READ = "SELECT value FROM cache_generation WHERE id = 1"


async def current() -> int:
    """One primary-key read; every cached answer is checked against it."""
    connection = Tortoise.get_connection("default")
    _, rows = await connection.execute_query(_READ)
    return int(rows[0]["value"]) if rows else 0
