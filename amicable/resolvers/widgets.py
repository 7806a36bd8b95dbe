"""The figures behind a listed company's embeddable badge and chart: exactly what its
public dashboard shows to anyone (score or "not enough data", label, complaints in the
window, the monthly series), asked as the anonymous viewer."""

from __future__ import annotations

from dataclasses import dataclass

from amicable.infra.score_window import MonthFigures
from amicable.models import Company
from amicable.policy import Viewer, can_see_dashboard
from amicable.resolvers import companies as company_ops
from amicable.resolvers import scores as score_ops
from amicable.services import Services


@dataclass(frozen=True)
class BadgeFigures:
    company_name: str
    value: float | None  # None below the minimum: "not enough data"
    label: str | None
    received: int
    window_months: int


async def _public_company(slug: str) -> Company | None:
    anonymous = Viewer.anonymous()
    # A merged company's old slug answers for the company it became, as on the dashboard.
    company = await company_ops.get_by_slug(anonymous, slug)
    # Unlisted answers exactly as unknown: the anonymous viewer has no dashboard for it.
    if company is None or not can_see_dashboard(anonymous, company):
        return None
    return company


async def badge(services: Services, slug: str) -> BadgeFigures | None:
    company = await _public_company(slug)
    if company is None:
        return None
    board = await score_ops.dashboard(services, company.id)
    return BadgeFigures(
        company_name=company.name,
        value=board.result.value,
        label=board.result.label,
        received=board.totals.received,
        window_months=board.rules.window_months,
    )


async def chart(services: Services, slug: str) -> tuple[str, list[MonthFigures]] | None:
    company = await _public_company(slug)
    if company is None:
        return None
    return company.name, await score_ops.monthly_series(services, company.id)
