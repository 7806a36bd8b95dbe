"""The dashboard types: a company's score with the figures behind it, and its monthly series."""

from __future__ import annotations

import datetime
from enum import Enum

import strawberry

from amicable.resolvers.scores import Dashboard, MonthFigures


@strawberry.enum(description="How `companies` are ordered.")
class CompanyOrder(Enum):
    NAME = strawberry.enum_value("NAME", description="By name, A to Z.")
    SCORE = strawberry.enum_value(
        "SCORE", description="By score, best first, those without a score last (partners)."
    )


@strawberry.type(description="One part of the score: the shrunk value and the counts behind it.")
class ScoreComponent:
    value: float = strawberry.field(
        description="Shrunk toward the prior: (hits + k * prior) / (total + k), in [0, 1]."
    )
    weight: float = strawberry.field(description="Its weight in the score.")
    hits: float = strawberry.field(
        description="Answered, speed points, or resolved complaints, by component."
    )
    total: int = strawberry.field(
        description="Eligible, answered, or evaluated (resolved + unresolved) complaints."
    )


@strawberry.type(name="CompanyScore", description="A company's score over the rolling window.")
class CompanyScoreType:
    value: float | None = strawberry.field(
        description="0 to 100, one decimal; null when `reason` says why (not enough data)."
    )
    label: str | None = strawberry.field(
        description="very poor (< 20), poor (< 40), fair (< 60), good (< 80), very good."
    )
    reason: str | None
    minimum_eligible: int = strawberry.field(description="Eligible complaints a score needs.")
    window_start: datetime.datetime = strawberry.field(
        description="Complaints sent from this moment up to `windowEnd` count."
    )
    window_end: datetime.datetime
    received: int = strawberry.field(description="Complaints sent to the company in the window.")
    eligible: int = strawberry.field(
        description="Answered ones plus unanswered ones older than the response deadline."
    )
    answered: int
    awaiting_reply: int = strawberry.field(
        description="Unanswered but younger than the deadline: they count neither way yet."
    )
    resolved: int
    unresolved: int
    response_rate: ScoreComponent
    speed: ScoreComponent
    resolution: ScoreComponent
    mean_first_response_hours: float | None
    median_first_response_hours: float | None = strawberry.field(
        description="From a histogram of response times: within 2.5 % (docs/scores.md)."
    )

    @classmethod
    def from_dashboard(cls, board: Dashboard) -> CompanyScoreType:
        totals, rules, parts = board.totals, board.rules, board.result.components
        return cls(
            value=board.result.value,
            label=board.result.label,
            reason=board.result.reason,
            minimum_eligible=rules.minimum_eligible,
            window_start=board.window_start,
            window_end=board.window_end,
            received=totals.received,
            eligible=board.eligible,
            answered=totals.answered,
            awaiting_reply=board.awaiting_within_deadline,
            resolved=totals.resolved,
            unresolved=totals.unresolved,
            response_rate=ScoreComponent(
                value=parts.response_rate,
                weight=rules.weight_response,
                hits=totals.answered,
                total=board.eligible,
            ),
            speed=ScoreComponent(
                value=parts.speed,
                weight=rules.weight_speed,
                hits=board.speed_points,
                total=totals.answered,
            ),
            resolution=ScoreComponent(
                value=parts.resolution,
                weight=rules.weight_resolution,
                hits=totals.resolved,
                total=totals.resolved + totals.unresolved,
            ),
            mean_first_response_hours=totals.mean_first_response_hours,
            median_first_response_hours=totals.median_first_response_hours,
        )


@strawberry.type(name="CompanyMonthStats", description="Complaints sent in one calendar month.")
class CompanyMonthStatsType:
    month: datetime.date = strawberry.field(description="The month's first day (UTC).")
    received: int
    answered: int
    resolved: int
    unresolved: int
    median_first_response_hours: float | None

    @classmethod
    def from_figures(cls, figures: MonthFigures) -> CompanyMonthStatsType:
        return cls(
            month=figures.month,
            received=figures.received,
            answered=figures.answered,
            resolved=figures.resolved,
            unresolved=figures.unresolved,
            median_first_response_hours=figures.median_first_response_hours,
        )
