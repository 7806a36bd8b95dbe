"""The dashboard types: a company's score with the figures behind it, and its monthly series."""

from __future__ import annotations

import datetime
from enum import Enum

import strawberry

from amicable.infra.score_window import MonthFigures
from amicable.resolvers.scores import Dashboard


@strawberry.enum(description="How `companies` are ordered.")
class CompanyOrder(Enum):
    NAME = strawberry.enum_value("NAME", description="By name, A to Z.")
    SCORE = strawberry.enum_value(
        "SCORE", description="By score, best first, those without a score last (partners)."
    )


@strawberry.enum(description="How a score reads, by the label bounds (settings).")
class ScoreLabel(Enum):
    VERY_POOR = strawberry.enum_value("very poor", description="Below 20 (by default).")
    POOR = strawberry.enum_value("poor", description="20 to 40.")
    FAIR = strawberry.enum_value("fair", description="40 to 60.")
    GOOD = strawberry.enum_value("good", description="60 to 80.")
    VERY_GOOD = strawberry.enum_value("very good", description="80 and more.")


@strawberry.enum(description="Why a company has no score.")
class ScoreUnavailableReason(Enum):
    NOT_ENOUGH_DATA = strawberry.enum_value(
        "not enough data",
        description="Fewer eligible complaints than `minimumEligible`; the counts still show.",
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
    label: ScoreLabel | None = strawberry.field(
        description="How the score reads; null when `reason` says why there is none."
    )
    reason: ScoreUnavailableReason | None = strawberry.field(
        description="Why there is no score; null when there is one."
    )
    minimum_eligible: int = strawberry.field(description="Eligible complaints a score needs.")
    window_start: datetime.datetime = strawberry.field(
        description="Complaints sent from this moment up to `windowEnd` count."
    )
    window_end: datetime.datetime = strawberry.field(description="The end of the window (now).")
    received: int = strawberry.field(description="Complaints sent to the company in the window.")
    eligible: int = strawberry.field(
        description="Answered ones plus unanswered ones older than the response deadline."
    )
    answered: int = strawberry.field(description="Complaints the company answered.")
    awaiting_reply: int = strawberry.field(
        description="Unanswered but younger than the deadline: they count neither way yet."
    )
    resolved: int = strawberry.field(description="Complaints closed as resolved.")
    unresolved: int = strawberry.field(description="Complaints closed as not resolved.")
    response_rate: ScoreComponent = strawberry.field(
        description="Answered among eligible (35 % of the score by default)."
    )
    speed: ScoreComponent = strawberry.field(
        description="How fast the first reply came (15 % by default)."
    )
    resolution: ScoreComponent = strawberry.field(
        description="Resolved among evaluated (50 % by default)."
    )
    mean_first_response_hours: float | None = strawberry.field(
        description="Mean hours to the first reply; null without replies."
    )
    median_first_response_hours: float | None = strawberry.field(
        description="From a histogram of response times: within 2.5 % (docs/scores.md)."
    )

    @classmethod
    def from_dashboard(cls, board: Dashboard) -> CompanyScoreType:
        totals, rules, parts = board.totals, board.rules, board.result.components
        return cls(
            value=board.result.value,
            label=ScoreLabel(board.result.label) if board.result.label else None,
            reason=ScoreUnavailableReason(board.result.reason) if board.result.reason else None,
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
    received: int = strawberry.field(description="Complaints sent in the month.")
    answered: int = strawberry.field(description="Of those, answered by the company.")
    resolved: int = strawberry.field(description="Of those, closed as resolved.")
    unresolved: int = strawberry.field(description="Of those, closed as not resolved.")
    median_first_response_hours: float | None = strawberry.field(
        description="Median hours to the first reply; null without replies."
    )

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
