"""Keyset pagination with opaque cursors, forward (`first`/`after`) and backward
(`last`/`before`).

Offsets would shift when a new message arrives between two pages and would reveal
positions; a cursor here is the sort key of the last row seen, so pages stay stable. The
cursor names the sort it was made for: a cursor of one order handed to another would point
at a meaningless place, so it is refused as invalid.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from amicable.infra.errors import ErrorCode, OperationFailed, UserError
from amicable.infra.messages import Msg

M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class Sort:
    """Order by `field` then `id`, both in one direction."""

    field: str
    descending: bool

    @property
    def name(self) -> str:
        return f"{'-' if self.descending else '+'}{self.field}"


NEWEST_FIRST = Sort("created_at", descending=True)
OLDEST_FIRST = Sort("created_at", descending=False)
BY_NAME = Sort("name", descending=False)
LAST_ACTIVITY_FIRST = Sort("last_activity_at", descending=True)


@dataclass(frozen=True, slots=True)
class Window:
    """Which page: `size` rows after `after` (forward), or the `size` rows just before
    `before` (backward, `last`). Both cursors may bound one page."""

    size: int
    after: str | None = None
    before: str | None = None
    backward: bool = False


@dataclass(slots=True)
class Page(Generic[M]):
    items: list[M]
    has_next_page: bool
    has_previous_page: bool
    total_count: int
    sort: Sort | None = None

    def cursor_for(self, item: M, sort: Sort | None = None) -> str:
        used = sort or self.sort
        assert used is not None
        return encode_cursor(getattr(item, used.field), item.pk, used)


def encode_cursor(value: Any, pk: uuid.UUID, sort: Sort | None = None) -> str:
    raw = value.isoformat() if isinstance(value, datetime) else value
    parts = [raw, str(pk)] if sort is None else [sort.name, raw, str(pk)]
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode()


def invalid_cursor(field: str) -> OperationFailed:
    return OperationFailed(UserError(ErrorCode.INVALID, Msg.INVALID_CURSOR, field))


def _decode_cursor(cursor: str, sort: Sort, field: str) -> tuple[Any, uuid.UUID]:
    try:
        name, raw, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if name != sort.name:
            raise ValueError("a cursor of another order")
        value = datetime.fromisoformat(raw) if sort.field.endswith("_at") else str(raw)
        return value, uuid.UUID(pk)
    except (ValueError, TypeError) as exc:
        raise invalid_cursor(field) from exc


def clamp_page_size(first: int | None, default: int, maximum: int, field: str = "first") -> int:
    if first is None:
        return default
    if first < 0:
        raise OperationFailed(
            UserError(ErrorCode.INVALID, Msg.NEGATIVE_PAGE_SIZE, field, {"argument": field})
        )
    return min(first, maximum)


def window(
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    default: int,
    maximum: int,
) -> Window:
    """The page a connection's four arguments ask for. `first` and `last` together are
    refused: Relay allows it, but the answer (a slice of a slice) surprises everyone."""
    if first is not None and last is not None:
        raise OperationFailed(UserError(ErrorCode.INVALID, Msg.FIRST_AND_LAST, "last"))
    if last is not None:
        size = clamp_page_size(last, default, maximum, "last")
        return Window(size, after=after, before=before, backward=True)
    return Window(clamp_page_size(first, default, maximum), after=after, before=before)


async def paginate(
    queryset: QuerySet[M], sort: Sort, page: Window, *, with_total: bool = True
) -> Page[M]:
    """One query for the page (one row more, to know whether another page follows in the
    direction of reading), one for the total, and one existence check for the other
    direction when a cursor was given (so `hasPreviousPage` and `hasNextPage` are both
    true answers, not guesses)."""
    bounded = queryset
    after = _decode_cursor(page.after, sort, "after") if page.after else None
    before = _decode_cursor(page.before, sort, "before") if page.before else None
    if after is not None:
        bounded = bounded.filter(_beyond(sort, after, forward=True))
    if before is not None:
        bounded = bounded.filter(_beyond(sort, before, forward=False))
    size = page.size
    ordering = _ordering(sort, reverse=page.backward)
    rows = list(await bounded.order_by(*ordering).limit(size + 1)) if size > 0 else []
    more = len(rows) > size
    items = rows[:size]
    if page.backward:
        items.reverse()
    # The other direction: rows on the far side of the cursor the reader came from.
    behind = before if page.backward else after
    behind_exists = (
        await queryset.filter(~_beyond(sort, behind, forward=not page.backward)).exists()
        if behind is not None
        else False
    )
    total = await queryset.count() if with_total else 0
    return Page(
        items=items,
        has_next_page=behind_exists if page.backward else more,
        has_previous_page=more if page.backward else behind_exists,
        total_count=total,
        sort=sort,
    )


def _beyond(sort: Sort, key: tuple[Any, uuid.UUID], *, forward: bool) -> Q:
    """Rows strictly after `key` in reading order (forward), or strictly before it."""
    value, pk = key
    op = "lt" if sort.descending == forward else "gt"
    beyond: dict[str, Any] = {f"{sort.field}__{op}": value}
    level: dict[str, Any] = {sort.field: value}
    tie_break: dict[str, Any] = {f"id__{op}": pk}
    return Q(**beyond) | (Q(**level) & Q(**tie_break))


def _ordering(sort: Sort, *, reverse: bool = False) -> tuple[str, str]:
    descending = sort.descending != reverse
    prefix = "-" if descending else ""
    return (f"{prefix}{sort.field}", f"{prefix}id")
