"""Keyset pagination with opaque cursors.

Offsets would shift when a new message arrives between two pages and would reveal
positions; a cursor here is the sort key of the last row seen, so pages stay stable.
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

M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class Sort:
    """Order by `field` then `id`, both in one direction."""

    field: str
    descending: bool


NEWEST_FIRST = Sort("created_at", descending=True)
OLDEST_FIRST = Sort("created_at", descending=False)
BY_NAME = Sort("name", descending=False)


@dataclass(slots=True)
class Page(Generic[M]):
    items: list[M]
    has_next_page: bool
    has_previous_page: bool
    total_count: int

    def cursor_for(self, item: M, sort: Sort) -> str:
        return encode_cursor(getattr(item, sort.field), item.pk)


def encode_cursor(value: Any, pk: uuid.UUID) -> str:
    raw = value.isoformat() if isinstance(value, datetime) else value
    return base64.urlsafe_b64encode(json.dumps([raw, str(pk)]).encode()).decode()


def _decode_cursor(cursor: str, sort: Sort) -> tuple[Any, uuid.UUID]:
    try:
        raw, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        value = datetime.fromisoformat(raw) if sort.field.endswith("_at") else str(raw)
        return value, uuid.UUID(pk)
    except (ValueError, TypeError) as exc:
        raise OperationFailed(UserError(ErrorCode.INVALID, "Invalid cursor.", "after")) from exc


def clamp_page_size(first: int | None, default: int, maximum: int) -> int:
    if first is None:
        return default
    if first < 0:
        raise OperationFailed(UserError(ErrorCode.INVALID, "first must not be negative.", "first"))
    return min(first, maximum)


async def paginate(
    queryset: QuerySet[M], sort: Sort, *, first: int, after: str | None, with_total: bool = True
) -> Page[M]:
    """One query for the page (one row more, to know whether another page follows) and
    one for the total."""
    ordered = queryset.order_by(*_ordering(sort))
    windowed = ordered
    if after:
        value, pk = _decode_cursor(after, sort)
        op = "lt" if sort.descending else "gt"
        beyond: dict[str, Any] = {f"{sort.field}__{op}": value}
        level: dict[str, Any] = {sort.field: value}
        tie_break: dict[str, Any] = {f"id__{op}": pk}
        windowed = ordered.filter(Q(**beyond) | (Q(**level) & Q(**tie_break)))
    rows = await windowed.limit(first + 1) if first > 0 else []
    total = await queryset.count() if with_total else 0
    return Page(
        items=list(rows[:first]),
        has_next_page=len(rows) > first,
        has_previous_page=after is not None,
        total_count=total,
    )


def _ordering(sort: Sort) -> tuple[str, str]:
    prefix = "-" if sort.descending else ""
    return (f"{prefix}{sort.field}", f"{prefix}id")
