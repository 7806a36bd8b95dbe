"""Kept current equals rebuilt from scratch equals computed by brute force from the raw
complaints, after a random history of events (seeded, so a failure replays)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from amicable import scoring
from amicable.models import (
    AwaitingReply,
    CompanyDayStats,
    CompanyMonthStats,
    CompanyScore,
    CompanyScoreCategory,
    CompanyScoreWindow,
    Complaint,
)
from amicable.models.enums import Outcome, Visibility
from amicable.resolvers import scores
from amicable.resolvers.complaints import CATEGORIES
from amicable.scoring import ScoringRules
from amicable.services import Services
from tests.scoring.history import History

START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=480)


async def brute_force(company_id: uuid.UUID, now: datetime, rules: ScoringRules) -> dict[str, Any]:
    """PRODUCT.md section 5 read literally, over every raw complaint."""
    window_start = scoring.day_start(scoring.window_first_day(now, rules))
    cutoff = now - rules.deadline
    sent = [
        c
        for c in await Complaint.filter(company_id=company_id, sent_at__isnull=False)
        if c.sent_at is not None and window_start <= c.sent_at <= now
    ]
    answered = [c for c in sent if c.first_company_reply_at is not None]
    late = [c for c in sent if c.first_company_reply_at is None and c.sent_at < cutoff]
    points = sum(
        scoring.speed_micropoints(
            max(0, round((c.first_company_reply_at - c.sent_at).total_seconds())), rules
        )
        for c in answered
        if c.first_company_reply_at is not None and c.sent_at is not None
    )
    inputs = scoring.ScoreInputs(
        eligible=len(answered) + len(late),
        answered=len(answered),
        speed_points=points / scoring.SPEED_POINT_SCALE,
        resolved=sum(c.outcome is Outcome.RESOLVED for c in sent),
        unresolved=sum(c.outcome is Outcome.UNRESOLVED for c in sent),
    )
    return {
        "received": len(sent),
        "eligible": inputs.eligible,
        "answered": inputs.answered,
        "resolved": inputs.resolved,
        "unresolved": inputs.unresolved,
        "value": scoring.evaluate(inputs, rules).value,
    }


def figures(board: scores.Dashboard) -> dict[str, Any]:
    return {
        "received": board.totals.received,
        "eligible": board.eligible,
        "answered": board.totals.answered,
        "resolved": board.totals.resolved,
        "unresolved": board.totals.unresolved,
        "value": board.result.value,
    }


async def stored_aggregates(services: Services) -> dict[str, Any]:
    """The aggregates, and the stored scores as a ranking reads them (stale ones refreshed)."""
    await scores.refresh_stale(services)

    def rows(items: list[Any], key: tuple[str, ...], skip: tuple[str, ...] = ()) -> dict:
        out = {}
        for item in items:
            data = {
                k: v for k, v in item.__dict__.items() if not k.startswith("_") and k not in skip
            }
            data.pop("id", None)
            out[tuple(data[k] for k in key)] = data
        return out

    return {
        "months": rows(await CompanyMonthStats.all(), ("company_id", "month")),
        "days": rows(await CompanyDayStats.all(), ("company_id", "day")),
        "awaiting": rows(await AwaitingReply.all(), ("complaint_id",)),
        "scores": rows(await CompanyScore.all(), ("company_id",), skip=("computed_at",)),
        "categories": rows(await CompanyScoreCategory.all(), ("company_id", "category")),
        "windows": rows(await CompanyScoreWindow.all(), ("company_id",)),
    }


async def random_history(services: Services, rng: random.Random) -> list[History]:
    histories = [await History.start(services, name) for name in ("Telenova", "Rail", "Gentse")]
    events: list[tuple[datetime, int, str, Any]] = []
    for n in range(rng.randint(40, 70)):
        sent = START + timedelta(seconds=rng.randint(0, int(SPAN.total_seconds())))
        events.append((sent, n, "file", (rng.choice(histories), rng.choice(CATEGORIES))))
    events.sort(key=lambda e: e[:2])
    filed: list[tuple[History, Complaint]] = []
    for at, _, _, (history, category) in events:
        visibility = rng.choice([Visibility.PUBLIC, Visibility.PRIVATE])
        filed.append((history, await history.file(at, category=category, visibility=visibility)))
    later: list[tuple[datetime, int, str, Any]] = []
    for n, (history, complaint) in enumerate(filed):
        assert complaint.sent_at is not None
        replied = None
        if rng.random() < 0.7:
            replied = complaint.sent_at + timedelta(minutes=rng.expovariate(1 / (60 * 24 * 5)))
            later.append((replied, n, "reply", (history, complaint)))
        if rng.random() < 0.3:
            at = complaint.sent_at + timedelta(hours=rng.uniform(0, 24 * 40))
            later.append((at, n, "consumer", (history, complaint)))
        if rng.random() < 0.6:
            base = replied or complaint.sent_at
            at = base + timedelta(hours=rng.uniform(1, 24 * 60))
            outcome = rng.choice([Outcome.RESOLVED, Outcome.UNRESOLVED])
            later.append((at, n, outcome.value, (history, complaint)))
    later.sort(key=lambda e: (e[0], e[1], e[2] != "reply"))
    for at, _, kind, (history, complaint) in later:
        if kind == "reply":
            await history.reply(complaint, at)
        elif kind == "consumer":
            await history.consumer_writes(complaint, at)
        else:
            await history.close(complaint, Outcome(kind), at)
    return histories


@pytest.mark.parametrize("seed", [1, 2])
async def test_kept_current_equals_recomputed_equals_brute_force(services, seed: int) -> None:
    rng = random.Random(seed)
    histories = await random_history(services, rng)
    rules = ScoringRules.from_settings(services.settings)
    # Exact deadline crossings and window edges are where aggregates could go wrong: read at
    # moments in and after the history, a few seconds apart.
    end = START + SPAN + timedelta(days=60)
    for now in (end, end + timedelta(seconds=7), end + timedelta(days=17, hours=5), end + SPAN):
        services.clock = lambda at=now: at  # type: ignore[misc]
        for history in histories:
            board = await scores.dashboard(services, history.company.id)
            assert figures(board) == await brute_force(history.company.id, now, rules)
    services.clock = lambda: end
    await scores.refresh_all(services)
    kept_current = await stored_aggregates(services)
    assert kept_current["months"] and kept_current["days"]
    await scores.recompute_all(services)
    assert await stored_aggregates(services) == kept_current
    for history in histories:
        board = await scores.dashboard(services, history.company.id)
        assert figures(board) == await brute_force(history.company.id, end, rules)
