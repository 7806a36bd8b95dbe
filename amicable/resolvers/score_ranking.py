"""The partners' rankings: listed companies by their stored score, with keyset cursors
(the scores themselves are kept by `scores`)."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass

from tortoise.expressions import Q, Subquery

from amicable.infra.errors import Forbidden
from amicable.infra.pagination import Sort, Window, encode_cursor, invalid_cursor
from amicable.models import Company, CompanyScore, CompanyScoreCategory
from amicable.policy import Viewer, can_rank_companies
from amicable.resolvers import scores
from amicable.services import Services


@dataclass(frozen=True, slots=True)
class RankedCompany:
    company: Company
    cursor: str


@dataclass(frozen=True, slots=True)
class Ranking:
    items: list[RankedCompany]
    has_next_page: bool
    has_previous_page: bool
    total_count: int


# --- kept current (inside the caller's transaction) ---------------------------------------


async def ranking(
    services: Services,
    viewer: Viewer,
    *,
    text: str | None = None,
    category: str | None,
    min_complaints: int,
    page: Window,
) -> Ranking:
    """Listed companies by stored score, best first; those below the minimum come last.
    `min_complaints` counts complaints received in the window (in `category` if given)."""
    if not can_rank_companies(viewer):
        raise Forbidden()
    # Usually none: the servers refresh them in the background within seconds.
    await scores.refresh_stale(services)
    queryset = CompanyScore.filter(company__listed=True)
    if text and text.strip():
        queryset = queryset.filter(company__search_text__contains=text.strip().lower())
    if category:
        queryset = queryset.filter(
            company_id__in=Subquery(
                CompanyScoreCategory.filter(
                    category=category, received__gte=max(1, min_complaints)
                ).values("company_id")
            )
        )
    elif min_complaints > 0:
        queryset = queryset.filter(received__gte=min_complaints)
    bounded = queryset
    after = _decode_rank_cursor(page.after, "after") if page.after else None
    before = _decode_rank_cursor(page.before, "before") if page.before else None
    if after is not None:
        bounded = bounded.filter(_below(after))
    if before is not None:
        bounded = bounded.filter(~_below(before) & ~_at(before))
    ordering = ("rank_value", "-company_id") if page.backward else ("-rank_value", "company_id")
    size = page.size
    rows = (
        list(await bounded.order_by(*ordering).limit(size + 1).select_related("company"))
        if size > 0
        else []
    )
    more = len(rows) > size
    rows = rows[:size]
    if page.backward:
        rows.reverse()
    behind = before if page.backward else after
    behind_exists = False
    if behind is not None:
        far_side = _below(behind) if page.backward else ~_below(behind)
        behind_exists = await queryset.filter(far_side | _at(behind)).exists()
    total = await queryset.count()
    items = [
        RankedCompany(row.company, scoring_cursor(row.rank_value, row.company_id)) for row in rows
    ]
    return Ranking(
        items=items,
        has_next_page=behind_exists if page.backward else more,
        has_previous_page=more if page.backward else behind_exists,
        total_count=total,
    )


def _below(key: tuple[float, uuid.UUID]) -> Q:
    """Rows ranked after `key` (lower score, or the same score and a later id)."""
    value, company_id = key
    return Q(rank_value__lt=value) | (Q(rank_value=value) & Q(company_id__gt=company_id))


def _at(key: tuple[float, uuid.UUID]) -> Q:
    return Q(rank_value=key[0]) & Q(company_id=key[1])


def scoring_cursor(rank_value: float, company_id: uuid.UUID) -> str:
    return encode_cursor(rank_value, company_id, RANK_ORDER)


# The ranking's order, named in its cursors so a cursor of another list is refused.
RANK_ORDER = Sort("rank_value", descending=True)


def _decode_rank_cursor(cursor: str, field: str) -> tuple[float, uuid.UUID]:
    try:
        name, raw, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if name != RANK_ORDER.name:
            raise ValueError("a cursor of another order")
        return float(raw), uuid.UUID(pk)
    except (ValueError, TypeError) as exc:
        raise invalid_cursor(field) from exc
