"""The score window's sums for one UTC day: summed from the month and day rows, or read from
the one `CompanyScoreWindow` row that keeps them (docs/scores.md).

Summing costs a number of rows and histogram keys that grows with the company (about 150
rows for a company with a large history, against a handful for a small one); the kept row
makes a dashboard read one row whatever the history. The row is only ever used for the day
it was computed for, and every change to the month and day rows changes it in the same
transaction, so both ways give the same figures to the last digit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from amicable import scoring
from amicable.infra import score_buckets as buckets
from amicable.infra.score_buckets import Totals
from amicable.models import CompanyDayStats, CompanyMonthStats, CompanyScoreWindow
from amicable.scoring import ScoringRules


@dataclass(frozen=True, slots=True)
class MonthFigures:
    month: date
    received: int
    answered: int
    resolved: int
    unresolved: int
    median_first_response_hours: float | None


@dataclass(frozen=True, slots=True)
class Bounds:
    """The days one day's window covers, for the given settings."""

    day: date
    window_months: int
    deadline_days: int

    @classmethod
    def of(cls, day: date, rules: ScoringRules) -> Bounds:
        return cls(day, rules.window_months, rules.response_deadline_days)

    @property
    def first_day(self) -> date:
        return scoring.add_months(self.day, -self.window_months)

    @property
    def last_day(self) -> date:
        # The window ends now; nothing is sent later, so the current month counts whole.
        return scoring.month_end(self.day)

    @property
    def last_day_before_deadline_day(self) -> date:
        return self.day - timedelta(days=self.deadline_days + 1)

    @property
    def series_months(self) -> list[date]:
        return scoring.months_ending(self.day, self.window_months)


@dataclass(frozen=True, slots=True)
class WindowSums:
    """Complaints sent in the window, and how many of those sent before the response
    deadline's own day are still unanswered (eligible, however late the clock is)."""

    totals: Totals
    unanswered_before_deadline_day: int


# --- reading ------------------------------------------------------------------------------


async def read(company_id: uuid.UUID, bounds: Bounds) -> WindowSums:
    row = await CompanyScoreWindow.get_or_none(company_id=company_id)
    if row is not None and _holds(row, bounds):
        return _sums_of(row)
    return await summed(company_id, bounds)


async def read_series(company_id: uuid.UUID, bounds: Bounds) -> list[MonthFigures]:
    row = await CompanyScoreWindow.get_or_none(company_id=company_id)
    if row is not None and _holds(row, bounds):
        stored = row.series
    else:
        stored = await summed_series(company_id, bounds)
    return [_month_figures(month, stored.get(month.isoformat())) for month in bounds.series_months]


async def summed(company_id: uuid.UUID, bounds: Bounds) -> WindowSums:
    """From the month and day rows: at most 13 month rows and about a month of day rows."""
    window_spans = buckets.spans(bounds.first_day, bounds.last_day)
    old_spans = buckets.spans(bounds.first_day, bounds.last_day_before_deadline_day)
    months = {
        row.month: row
        for row in await CompanyMonthStats.filter(
            company_id=company_id,
            month__gte=scoring.month_start(bounds.first_day),
            month__lte=scoring.month_start(bounds.day),
        )
    }
    day_filter = buckets.days_filter([*window_spans, *old_spans])
    days = (
        {row.day: row for row in await CompanyDayStats.filter(day_filter, company_id=company_id)}
        if day_filter is not None
        else {}
    )
    old = buckets.sum_spans(old_spans, months, days)
    return WindowSums(buckets.sum_spans(window_spans, months, days), old.received - old.answered)


async def summed_series(company_id: uuid.UUID, bounds: Bounds) -> dict[str, list[float | None]]:
    wanted = bounds.series_months
    rows = await CompanyMonthStats.filter(
        company_id=company_id, month__gte=wanted[0], month__lte=wanted[-1]
    )
    return {row.month.isoformat(): _month_entry(row) for row in rows}


# --- keeping the row ----------------------------------------------------------------------


async def keep_current(company_id: uuid.UUID, bounds: Bounds) -> WindowSums:
    """The sums for `bounds`, recomputing the kept row if it holds another day or other
    settings. In the caller's transaction: the row's lock orders this against `changed`."""
    row = await _locked(company_id)
    if not _holds(row, bounds):
        sums = await summed(company_id, bounds)
        fresh = CompanyScoreWindow(company_id=company_id)
        sums.totals.apply_to(fresh)
        row.update_from_dict(
            {
                **{name: getattr(fresh, name) for name in _COUNTER_FIELDS},
                "day": bounds.day,
                "window_months": bounds.window_months,
                "deadline_days": bounds.deadline_days,
                "unanswered_before_deadline_day": sums.unanswered_before_deadline_day,
                "series": await summed_series(company_id, bounds),
            }
        )
        await row.save()
    return _sums_of(row)


async def changed(
    company_id: uuid.UUID, sent_day: date, delta: Totals, month_row: CompanyMonthStats
) -> None:
    """Complaints sent on `sent_day` changed by `delta` (already applied to `month_row`):
    change the kept row the same way, in the same transaction, if its day covers them."""
    row = await _locked(company_id)
    if row.day is None:
        return
    bounds = Bounds(row.day, row.window_months, row.deadline_days)
    moved = False
    if bounds.first_day <= sent_day <= bounds.last_day:
        delta.apply_to(row)
        moved = True
    if bounds.first_day <= sent_day <= bounds.last_day_before_deadline_day:
        row.unanswered_before_deadline_day += delta.received - delta.answered
        moved = True
    if month_row.month in bounds.series_months:
        row.series = {**row.series, month_row.month.isoformat(): _month_entry(month_row)}
        moved = True
    if moved:
        await row.save()


async def forget(company_id: uuid.UUID) -> None:
    """The month and day rows are being rebuilt: the kept sums no longer hold."""
    await CompanyScoreWindow.filter(company_id=company_id).update(day=None)


_COUNTER_FIELDS = (
    "received",
    "answered",
    "resolved",
    "unresolved",
    "response_seconds",
    "speed_micropoints",
    "response_histogram",
    "categories",
)


async def _locked(company_id: uuid.UUID) -> CompanyScoreWindow:
    row = await CompanyScoreWindow.select_for_update().get_or_none(company_id=company_id)
    if row is not None:
        return row
    # Insert-if-missing then lock, as for the month and day rows: a refresh and a change
    # must meet on the same row even for a company that has none yet.
    await CompanyScoreWindow.bulk_create(
        [CompanyScoreWindow(company_id=company_id)], ignore_conflicts=True
    )
    return await CompanyScoreWindow.select_for_update().get(company_id=company_id)


def _holds(row: CompanyScoreWindow, bounds: Bounds) -> bool:
    return (
        row.day == bounds.day
        and row.window_months == bounds.window_months
        and row.deadline_days == bounds.deadline_days
    )


def _sums_of(row: CompanyScoreWindow) -> WindowSums:
    totals = Totals()
    totals.add(row)
    return WindowSums(totals, row.unanswered_before_deadline_day)


def _month_entry(row: CompanyMonthStats) -> list[float | None]:
    totals = Totals()
    totals.add(row)
    return [
        row.received,
        row.answered,
        row.resolved,
        row.unresolved,
        totals.median_first_response_hours,
    ]


def _month_figures(month: date, entry: list[float | None] | None) -> MonthFigures:
    if entry is None:
        return MonthFigures(month, 0, 0, 0, 0, None)
    received, answered, resolved, unresolved, median = entry
    return MonthFigures(
        month=month,
        received=int(received or 0),
        answered=int(answered or 0),
        resolved=int(resolved or 0),
        unresolved=int(unresolved or 0),
        median_first_response_hours=median,
    )
