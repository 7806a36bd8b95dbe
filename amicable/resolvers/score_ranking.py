"""The partners' rankings: listed companies by their stored score, with keyset cursors
(the scores themselves are kept by `scores`)."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass

from tortoise.expressions import Q, Subquery

from amicable.infra.errors import ErrorCode, Forbidden, OperationFailed, UserError
from amicable.infra.pagination import encode_cursor
from amicable.models import Company, CompanyScore, CompanyScoreCategory
from amicable.policy import Viewer, can_rank_companies


@dataclass(frozen=True, slots=True)
class RankedCompany:
    company: Company
    cursor: str


@dataclass(frozen=True, slots=True)
class Ranking:
    items: list[RankedCompany]
    has_next_page: bool
    total_count: int


# --- kept current (inside the caller's transaction) ---------------------------------------


async def ranking(
    viewer: Viewer,
    *,
    text: str | None = None,
    category: str | None,
    min_complaints: int,
    first: int,
    after: str | None,
) -> Ranking:
    """Listed companies by stored score, best first; those below the minimum come last.
    `min_complaints` counts complaints received in the window (in `category` if given)."""
    if not can_rank_companies(viewer):
        raise Forbidden()
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
    ordered = queryset.order_by("-rank_value", "company_id")
    if after:
        value, company_id = _decode_rank_cursor(after)
        ordered = ordered.filter(
            Q(rank_value__lt=value) | (Q(rank_value=value) & Q(company_id__gt=company_id))
        )
    rows = await ordered.limit(first + 1).select_related("company") if first > 0 else []
    total = await queryset.count()
    items = [
        RankedCompany(row.company, scoring_cursor(row.rank_value, row.company_id))
        for row in rows[:first]
    ]
    return Ranking(items=items, has_next_page=len(rows) > first, total_count=total)


def scoring_cursor(rank_value: float, company_id: uuid.UUID) -> str:
    return encode_cursor(rank_value, company_id)


def _decode_rank_cursor(cursor: str) -> tuple[float, uuid.UUID]:
    try:
        raw, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return float(raw), uuid.UUID(pk)
    except (ValueError, TypeError) as exc:
        raise OperationFailed(UserError(ErrorCode.INVALID, "Invalid cursor.", "after")) from exc
