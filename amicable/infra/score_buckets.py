"""Summing the per-month and per-day counters over a range of days (docs/scores.md).

A range is cut into spans, one per calendar month. A whole month reads its month row. A
partial month reads whichever is fewer: its days in the range, or the month row minus its
days outside the range. So any range costs at most its months plus about one month of days.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from tortoise.expressions import Q

from amicable import scoring
from amicable.models import CompanyDayStats, CompanyMonthStats
from amicable.models.score import _ComplaintCounters

_COUNTERS = ("received", "answered", "resolved", "unresolved")
_SUMS = ("response_seconds", "speed_micropoints")


@dataclass
class Totals:
    """Counters summed over some complaints (a bucket, a range of buckets)."""

    received: int = 0
    answered: int = 0
    resolved: int = 0
    unresolved: int = 0
    response_seconds: int = 0
    speed_micropoints: int = 0
    histogram: Counter[int] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)

    def add(self, row: _ComplaintCounters | Totals) -> None:
        for name in (*_COUNTERS, *_SUMS):
            setattr(self, name, getattr(self, name) + getattr(row, name))
        if isinstance(row, Totals):
            self.histogram.update(row.histogram)
            self.categories.update(row.categories)
        else:
            self.histogram.update({int(k): v for k, v in row.response_histogram.items()})
            self.categories.update(row.categories)

    def subtract(self, row: _ComplaintCounters) -> None:
        for name in (*_COUNTERS, *_SUMS):
            setattr(self, name, getattr(self, name) - getattr(row, name))
        self.histogram.subtract({int(k): v for k, v in row.response_histogram.items()})
        self.categories.subtract(row.categories)
        # Drop emptied keys so that equal totals compare equal, however they were summed.
        self.histogram = +self.histogram
        self.categories = +self.categories

    def apply_to(self, row: _ComplaintCounters) -> None:
        for name in (*_COUNTERS, *_SUMS):
            setattr(row, name, getattr(row, name) + getattr(self, name))
        histogram = dict(row.response_histogram)
        for bucket, count in self.histogram.items():
            histogram[str(bucket)] = histogram.get(str(bucket), 0) + count
        categories = dict(row.categories)
        for category, count in self.categories.items():
            categories[category] = categories.get(category, 0) + count
        row.response_histogram, row.categories = histogram, categories

    @property
    def mean_first_response_hours(self) -> float | None:
        return self.response_seconds / self.answered / 3600 if self.answered else None

    @property
    def median_first_response_hours(self) -> float | None:
        return scoring.histogram_median_hours(self.histogram)


@dataclass(frozen=True, slots=True)
class Span:
    """Days low..high of one month."""

    month: date
    low: date
    high: date

    @property
    def whole(self) -> bool:
        return self.low == self.month and self.high == scoring.month_end(self.month)

    @property
    def direct(self) -> bool:
        days_in_month = scoring.month_end(self.month).day
        return (self.high - self.low).days + 1 <= days_in_month // 2

    def day_ranges(self) -> list[tuple[date, date]]:
        """The days whose rows this span reads."""
        if self.whole:
            return []
        if self.direct:
            return [(self.low, self.high)]
        ranges = []
        if self.low > self.month:
            ranges.append((self.month, self.low - timedelta(days=1)))
        if self.high < scoring.month_end(self.month):
            ranges.append((self.high + timedelta(days=1), scoring.month_end(self.month)))
        return ranges


def spans(first: date, last: date) -> list[Span]:
    result = []
    month = scoring.month_start(first)
    while first <= last and month <= last:
        end = scoring.month_end(month)
        result.append(Span(month, max(first, month), min(last, end)))
        month = scoring.add_months(month, 1)
    return result


def days_filter(wanted: list[Span]) -> Q | None:
    """One filter for the day rows that these spans read; None when they read none."""
    ranges = sorted({r for span in wanted for r in span.day_ranges()})
    if not ranges:
        return None
    condition = Q()
    for low, high in ranges:
        condition |= Q(day__gte=low, day__lte=high)
    return condition


def sum_spans(
    wanted: list[Span],
    months: dict[date, CompanyMonthStats],
    days: dict[date, CompanyDayStats],
) -> Totals:
    totals = Totals()
    for span in wanted:
        if span.whole or not span.direct:
            if span.month in months:
                totals.add(months[span.month])
            for low, high in span.day_ranges():
                for day, row in days.items():
                    if low <= day <= high:
                        totals.subtract(row)
        else:
            for day, row in days.items():
                if span.low <= day <= span.high:
                    totals.add(row)
    return totals
