"""The formula of PRODUCT.md section 5 as pure functions: the worked example and invariants."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amicable import scoring
from amicable.scoring import ScoreInputs, ScoringRules
from amicable.settings import Settings

RULES = ScoringRules()


def test_worked_example() -> None:
    inputs = ScoreInputs(eligible=20, answered=15, speed_points=9.0, resolved=8, unresolved=4)
    parts = scoring.components(inputs, RULES)
    assert parts.response_rate == pytest.approx(0.700)
    assert parts.speed == pytest.approx(0.575)
    assert parts.resolution == pytest.approx(10.5 / 17)
    result = scoring.evaluate(inputs, RULES)
    assert (result.value, result.label, result.reason) == (64.0, "good", None)


def test_below_the_minimum_there_is_no_score_but_a_reason() -> None:
    inputs = ScoreInputs(eligible=9, answered=9, speed_points=9.0, resolved=9, unresolved=0)
    result = scoring.evaluate(inputs, RULES)
    assert (result.value, result.label, result.reason) == (None, None, "not enough data")
    assert scoring.evaluate(inputs, ScoringRules(minimum_eligible=9)).value is not None


@pytest.mark.parametrize(
    ("hours", "points"),
    [(0, 1.0), (23.9, 1.0), (24, 1.0), (24 * 30, 0.0), (24 * 400, 0.0), (24 * math.sqrt(30), 0.5)],
)
def test_speed_points(hours: float, points: float) -> None:
    assert scoring.speed_points(hours, RULES) == pytest.approx(points)


@pytest.mark.parametrize(
    ("value", "name"),
    [(0, "very poor"), (19.9, "very poor"), (20, "poor"), (39.9, "poor"), (40, "fair"),
     (59.9, "fair"), (60, "good"), (79.9, "good"), (80, "very good"), (100, "very good")],
)  # fmt: skip
def test_labels(value: float, name: str) -> None:
    assert scoring.label(value, RULES) == name


def test_rounding_is_half_up_on_the_decimal() -> None:
    assert scoring.round_one_decimal(64.05) == 64.1
    assert scoring.round_one_decimal(64.04999) == 64.0


def test_rules_come_from_settings_and_are_checked() -> None:
    settings = Settings(_env_file=None, score_label_bounds="10,30,50,70")  # type: ignore[call-arg]
    assert ScoringRules.from_settings(settings).label_bounds == (10, 30, 50, 70)
    assert ScoringRules.from_settings(Settings(_env_file=None)) == RULES  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="weights"):
        ScoringRules(weight_speed=0.2)
    with pytest.raises(ValueError, match="label bounds"):
        ScoringRules(label_bounds=(20, 10, 60, 80))


# --- invariants -------------------------------------------------------------------------------


@st.composite
def score_inputs(draw: st.DrawFn) -> ScoreInputs:
    eligible = draw(st.integers(0, 5000))
    answered = draw(st.integers(0, eligible))
    speed = draw(st.floats(0, answered)) if answered else 0.0
    evaluated = draw(st.integers(0, 5000))
    resolved = draw(st.integers(0, evaluated))
    return ScoreInputs(eligible, answered, speed, resolved, evaluated - resolved)


@given(score_inputs())
def test_the_score_lies_between_0_and_100(inputs: ScoreInputs) -> None:
    value = scoring.score_value(inputs, RULES)
    assert 0 <= value <= 100
    parts = scoring.components(inputs, RULES)
    assert all(0 <= p <= 1 for p in (parts.response_rate, parts.speed, parts.resolution))


@given(score_inputs())
def test_more_resolved_never_lowers_the_score(inputs: ScoreInputs) -> None:
    better = ScoreInputs(
        inputs.eligible, inputs.answered, inputs.speed_points, inputs.resolved + 1,
        inputs.unresolved,
    )  # fmt: skip
    assert scoring.score_value(better, RULES) >= scoring.score_value(inputs, RULES)
    if inputs.unresolved:
        converted = ScoreInputs(
            inputs.eligible, inputs.answered, inputs.speed_points, inputs.resolved + 1,
            inputs.unresolved - 1,
        )  # fmt: skip
        assert scoring.score_value(converted, RULES) >= scoring.score_value(inputs, RULES)


@given(score_inputs())
def test_more_unresolved_never_raises_the_score(inputs: ScoreInputs) -> None:
    worse = ScoreInputs(
        inputs.eligible, inputs.answered, inputs.speed_points, inputs.resolved,
        inputs.unresolved + 1,
    )  # fmt: skip
    assert scoring.score_value(worse, RULES) <= scoring.score_value(inputs, RULES)


@given(score_inputs())
def test_answering_one_more_eligible_complaint_never_lowers_the_response_rate(
    inputs: ScoreInputs,
) -> None:
    if inputs.answered == inputs.eligible:
        return
    more = ScoreInputs(
        inputs.eligible, inputs.answered + 1, inputs.speed_points, inputs.resolved,
        inputs.unresolved,
    )  # fmt: skip
    before, after = scoring.components(inputs, RULES), scoring.components(more, RULES)
    assert after.response_rate > before.response_rate


@given(score_inputs(), st.floats(0, 1))
def test_faster_answers_never_lower_the_score(inputs: ScoreInputs, extra: float) -> None:
    room = inputs.answered - inputs.speed_points
    faster = ScoreInputs(
        inputs.eligible, inputs.answered, inputs.speed_points + extra * room, inputs.resolved,
        inputs.unresolved,
    )  # fmt: skip
    assert scoring.score_value(faster, RULES) >= scoring.score_value(inputs, RULES)


@given(st.floats(0, 24 * 60), st.floats(0, 24 * 60))
def test_speed_points_fall_as_hours_grow(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert scoring.speed_points(low, RULES) >= scoring.speed_points(high, RULES)


@given(st.integers(0, 1000), st.integers(0, 1000))
def test_shrinkage_pulls_toward_the_prior(hits: int, misses: int) -> None:
    n = hits + misses
    shrunk = scoring.shrink(hits, n, RULES)
    if n == 0:
        assert shrunk == 0.5
        return
    raw = hits / n
    # Between the raw rate and the prior, closer to the raw rate the more observations.
    assert min(raw, 0.5) <= shrunk <= max(raw, 0.5)
    more = scoring.shrink(hits * 2, n * 2, RULES)
    assert abs(more - raw) <= abs(shrunk - raw) + 1e-12


@given(st.lists(st.integers(0, 400 * 24 * 3600), min_size=1, max_size=50))
def test_histogram_median_is_within_its_stated_precision(seconds: list[int]) -> None:
    histogram: dict[int, int] = {}
    for value in seconds:
        bucket = scoring.response_bucket(value)
        histogram[bucket] = histogram.get(bucket, 0) + 1
    ordered = sorted(seconds)
    middle = (ordered[(len(ordered) - 1) // 2] + ordered[len(ordered) // 2]) / 2 / 3600
    estimate = scoring.histogram_median_hours(histogram)
    assert estimate is not None
    # Within 2.5 % (or within the first minute's bucket).
    assert abs(estimate - middle) <= 0.025 * middle + 1 / 60


@pytest.mark.parametrize(
    ("now", "first"),
    [
        (datetime(2025, 6, 15, 10, tzinfo=UTC), date(2024, 6, 15)),
        (datetime(2024, 2, 29, 23, tzinfo=UTC), date(2023, 2, 28)),
        (datetime(2025, 1, 31, 0, tzinfo=UTC), date(2024, 1, 31)),
    ],
)
def test_the_window_starts_on_the_same_date_a_year_ago(now: datetime, first: date) -> None:
    assert scoring.window_first_day(now, RULES) == first


def test_series_months_are_the_last_twelve_calendar_months() -> None:
    months = scoring.series_months(datetime(2025, 3, 5, tzinfo=UTC), RULES)
    assert months[0] == date(2024, 4, 1) and months[-1] == date(2025, 3, 1)
    assert len(months) == 12
