"""The company score as pure functions: no I/O, no clock (PRODUCT.md section 5).

    score = 100 * (w_rs * RS + w_rr * RR + w_sp * SP), rounded to one decimal, where each
    component is shrunk toward the prior: (hits + k * prior) / (n + k).

`amicable.resolvers.scores` feeds these from the stored aggregates; docs/scores.md explains
the aggregates, the window and how exact each figure is.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from amicable.settings import Settings

LABELS = ("very poor", "poor", "fair", "good", "very good")
NOT_ENOUGH_DATA = "not enough data"

# Speed points are summed as integers (millionths) so that a running total kept current
# event by event and one rebuilt from scratch are equal to the last digit, whatever the order.
SPEED_POINT_SCALE = 1_000_000

# First-response histogram: bucket 0 holds replies within a minute, bucket k >= 1 holds
# [60 * R**(k-1), 60 * R**k) seconds. Reporting a bucket's geometric middle is within
# sqrt(R) - 1 (2.5 %) of every value in it; see docs/scores.md.
HISTOGRAM_RATIO = 1.05
_LOG_RATIO = math.log(HISTOGRAM_RATIO)


@dataclass(frozen=True, slots=True)
class ScoringRules:
    """The formula's settings; defaults are PRODUCT.md's."""

    weight_resolution: float = 0.50
    weight_response: float = 0.35
    weight_speed: float = 0.15
    response_deadline_days: int = 30
    speed_full_points_hours: float = 24.0
    prior: float = 0.5
    prior_weight: float = 5.0
    minimum_eligible: int = 10
    window_months: int = 12
    label_bounds: tuple[float, ...] = (20.0, 40.0, 60.0, 80.0)

    def __post_init__(self) -> None:
        weights = (self.weight_resolution, self.weight_response, self.weight_speed)
        if any(w < 0 for w in weights) or not math.isclose(sum(weights), 1.0, abs_tol=1e-9):
            raise ValueError("score weights must be non-negative and add up to 1")
        bounds = self.label_bounds
        if len(bounds) != len(LABELS) - 1 or list(bounds) != sorted(set(bounds)):
            raise ValueError("score label bounds must be four increasing numbers")
        if self.deadline_hours <= self.speed_full_points_hours:
            raise ValueError("the response deadline must be longer than the full-points time")
        if self.prior_weight < 0 or not 0 <= self.prior <= 1:
            raise ValueError("the prior must lie in [0, 1] with a non-negative weight")

    @classmethod
    def from_settings(cls, settings: Settings) -> ScoringRules:
        return cls(
            weight_resolution=settings.score_weight_resolution,
            weight_response=settings.score_weight_response,
            weight_speed=settings.score_weight_speed,
            response_deadline_days=settings.score_response_deadline_days,
            speed_full_points_hours=settings.score_speed_full_points_hours,
            prior=settings.score_prior,
            prior_weight=settings.score_prior_weight,
            minimum_eligible=settings.score_minimum_eligible,
            window_months=settings.score_window_months,
            label_bounds=tuple(settings.score_label_bounds),
        )

    @property
    def deadline_hours(self) -> float:
        return self.response_deadline_days * 24.0

    @property
    def deadline(self) -> timedelta:
        return timedelta(days=self.response_deadline_days)


@dataclass(frozen=True, slots=True)
class ScoreInputs:
    """Raw counts over the window. `speed_points` is the sum over answered complaints."""

    eligible: int
    answered: int
    speed_points: float
    resolved: int
    unresolved: int


@dataclass(frozen=True, slots=True)
class Components:
    response_rate: float
    speed: float
    resolution: float


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """`value` and `label` are None below the minimum; `reason` says why."""

    value: float | None
    label: str | None
    reason: str | None
    components: Components


def speed_points(hours: float, rules: ScoringRules) -> float:
    """clamp(1 - ln(h / 24) / ln(30), 0, 1) with the defaults: 1 within a day, 0 at the
    deadline or later, logarithmic in between."""
    full = rules.speed_full_points_hours
    if hours <= full:
        return 1.0
    points = 1.0 - math.log(hours / full) / math.log(rules.deadline_hours / full)
    return min(1.0, max(0.0, points))


def speed_micropoints(seconds: int, rules: ScoringRules) -> int:
    return round(speed_points(seconds / 3600, rules) * SPEED_POINT_SCALE)


def shrink(hits: float, n: float, rules: ScoringRules) -> float:
    """(hits + k * prior) / (n + k): with few observations the component stays near the
    prior, so three lucky answers do not make a company excellent."""
    denominator = n + rules.prior_weight
    if denominator == 0:
        return rules.prior
    return (hits + rules.prior_weight * rules.prior) / denominator


def components(inputs: ScoreInputs, rules: ScoringRules) -> Components:
    return Components(
        response_rate=shrink(inputs.answered, inputs.eligible, rules),
        speed=shrink(inputs.speed_points, inputs.answered, rules),
        resolution=shrink(inputs.resolved, inputs.resolved + inputs.unresolved, rules),
    )


def score_value(inputs: ScoreInputs, rules: ScoringRules) -> float:
    """The score in [0, 100], rounded half up to one decimal, whatever the minimum."""
    parts = components(inputs, rules)
    raw = 100 * (
        rules.weight_resolution * parts.resolution
        + rules.weight_response * parts.response_rate
        + rules.weight_speed * parts.speed
    )
    return round_one_decimal(raw)


def label(value: float, rules: ScoringRules) -> str:
    for bound, name in zip(rules.label_bounds, LABELS, strict=False):
        if value < bound:
            return name
    return LABELS[-1]


def evaluate(inputs: ScoreInputs, rules: ScoringRules) -> ScoreResult:
    parts = components(inputs, rules)
    if inputs.eligible < rules.minimum_eligible:
        return ScoreResult(None, None, NOT_ENOUGH_DATA, parts)
    value = score_value(inputs, rules)
    return ScoreResult(value, label(value, rules), None, parts)


def round_one_decimal(value: float) -> float:
    # Half up on the decimal text, not banker's rounding on the binary float: 64.05 -> 64.1.
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# --- first-response histogram ---------------------------------------------------------------


def response_bucket(seconds: int) -> int:
    if seconds < 60:
        return 0
    return 1 + math.floor(math.log(seconds / 60) / _LOG_RATIO)


def bucket_middle_hours(bucket: int) -> float:
    if bucket <= 0:
        return 0.5 / 60
    return 60 * HISTOGRAM_RATIO ** (bucket - 0.5) / 3600


def histogram_median_hours(histogram: Mapping[int, int]) -> float | None:
    """The median of the values a histogram counts, as the middle of the bucket(s) holding
    the middle rank(s); None when it counts nothing."""
    total = sum(histogram.values())
    if total <= 0:
        return None
    lower_rank, upper_rank = (total - 1) // 2, total // 2
    lower = upper = None
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if lower is None and seen > lower_rank:
            lower = bucket
        if seen > upper_rank:
            upper = bucket
            break
    assert lower is not None and upper is not None
    return (bucket_middle_hours(lower) + bucket_middle_hours(upper)) / 2


# --- the window -------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later (or earlier), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def month_end(day: date) -> date:
    return add_months(month_start(day), 1) - timedelta(days=1)


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def window_first_day(now: datetime, rules: ScoringRules) -> date:
    """The window is whole UTC days: from the same date `window_months` ago up to now."""
    return add_months(utc_day(now), -rules.window_months)


def series_months(now: datetime, rules: ScoringRules) -> list[date]:
    """The first days of the last `window_months` calendar months, oldest first, this one last."""
    return months_ending(utc_day(now), rules.window_months)


def months_ending(day: date, count: int) -> list[date]:
    """The first days of the `count` calendar months up to the one holding `day`, oldest first."""
    this_month = month_start(day)
    return [add_months(this_month, -back) for back in range(count - 1, -1, -1)]
