"""Company scores and dashboards: the aggregates kept current, the live dashboard read, the
stored scores the partners' rankings sort by (`score_ranking`), and rebuilding from raw
complaints (docs/scores.md).

Writers call `complaint_sent`, `first_reply_recorded` and `complaint_closed` inside the
transaction that changed the complaint, then `publish_score_updated` after commit. A read
touches one kept row of the window's sums (`infra.score_window`) and one index range of a
single day, whatever the size of the company's history; when the kept row holds another
day, at most 13 month rows and 62 day rows instead.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from amicable import scoring
from amicable.infra import score_window
from amicable.infra.score_buckets import Totals
from amicable.infra.score_window import Bounds, MonthFigures, WindowSums
from amicable.models import (
    AwaitingReply,
    Company,
    CompanyDayStats,
    CompanyMonthStats,
    CompanyScore,
    CompanyScoreCategory,
    Complaint,
)
from amicable.models.enums import Outcome
from amicable.resolvers.publish import publish
from amicable.scoring import ScoringRules
from amicable.services import Services
from amicable.subscriptions.bus.events import CompanyScoreUpdated

RowT = TypeVar("RowT", CompanyMonthStats, CompanyDayStats)
# How often a server refreshes the stored scores replies marked stale.
STALE_REFRESH_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class Dashboard:
    company_id: uuid.UUID
    window_start: datetime
    window_end: datetime
    rules: ScoringRules
    totals: Totals
    eligible: int
    result: scoring.ScoreResult

    @property
    def speed_points(self) -> float:
        return self.totals.speed_micropoints / scoring.SPEED_POINT_SCALE

    @property
    def awaiting_within_deadline(self) -> int:
        """Unanswered and younger than the deadline: these count neither way yet."""
        return self.totals.received - self.eligible


async def complaint_sent(services: Services, complaint: Complaint) -> None:
    """The complaint went out to the company: it counts as received from now on."""
    if complaint.sent_at is None:
        return
    await _bump(
        complaint.company_id,
        complaint.sent_at,
        Totals(received=1, categories=Counter({complaint.category: 1})),
    )
    if complaint.first_company_reply_at is None:
        await AwaitingReply.create(
            complaint_id=complaint.id, company_id=complaint.company_id, sent_at=complaint.sent_at
        )
    await refresh_snapshot(services, complaint.company_id)


async def first_reply_recorded(services: Services, complaint: Complaint) -> None:
    """`first_company_reply_at` was just set (never by an auto-reply, which is not posted)."""
    if complaint.sent_at is None or complaint.first_company_reply_at is None:
        return
    rules = ScoringRules.from_settings(services.settings)
    await _bump(complaint.company_id, complaint.sent_at, _answered(complaint, rules))
    await AwaitingReply.filter(complaint_id=complaint.id).delete()
    # Replies are the busiest write: the ranking's stored score is only marked here and
    # recomputed apart from the reply (`refresh_stale`); the dashboard is live anyway.
    await CompanyScore.filter(company_id=complaint.company_id).update(stale=True)


async def complaint_closed(services: Services, complaint: Complaint) -> None:
    """Closed with feedback; closing without evaluation changes no figure."""
    if complaint.sent_at is None or complaint.outcome is None:
        return
    resolved = complaint.outcome is Outcome.RESOLVED
    await _bump(
        complaint.company_id,
        complaint.sent_at,
        Totals(resolved=int(resolved), unresolved=int(not resolved)),
    )
    await refresh_snapshot(services, complaint.company_id)


async def publish_score_updated(services: Services, company_id: uuid.UUID) -> None:
    """After commit: subscribers reload the dashboard and apply the policy themselves."""
    await publish(services, CompanyScoreUpdated(str(company_id)))


def _answered(complaint: Complaint, rules: ScoringRules) -> Totals:
    assert complaint.sent_at is not None and complaint.first_company_reply_at is not None
    elapsed = complaint.first_company_reply_at - complaint.sent_at
    seconds = max(0, round(elapsed.total_seconds()))
    return Totals(
        answered=1,
        response_seconds=seconds,
        speed_micropoints=scoring.speed_micropoints(seconds, rules),
        histogram=Counter({scoring.response_bucket(seconds): 1}),
    )


def _outcome_totals(outcome: Outcome | None) -> Totals:
    return Totals(
        resolved=int(outcome is Outcome.RESOLVED), unresolved=int(outcome is Outcome.UNRESOLVED)
    )


async def _bump(company_id: uuid.UUID, sent_at: datetime, delta: Totals) -> None:
    day = scoring.utc_day(sent_at)
    month = await _bump_row(
        CompanyMonthStats, company_id, month=scoring.month_start(day), delta=delta
    )
    await _bump_row(CompanyDayStats, company_id, day=day, delta=delta)
    await score_window.changed(company_id, day, delta, month)


async def _bump_row(
    model: type[RowT],
    company_id: uuid.UUID,
    *,
    delta: Totals,
    **key: date,
) -> RowT:
    # Insert-if-missing then lock: two first complaints of a month in concurrent
    # transactions must not both create the row (Postgres ON CONFLICT DO NOTHING).
    await model.bulk_create([model(company_id=company_id, **key)], ignore_conflicts=True)
    row = await model.select_for_update().get(company_id=company_id, **key)
    delta.apply_to(row)
    await row.save()
    return row


# --- reading --------------------------------------------------------------------------------


async def dashboard(services: Services, company_id: uuid.UUID) -> Dashboard:
    """The score and its figures as of now: the window's sums as kept for today (or summed
    from the month and day rows when they are not), and the deadline's own day counted live."""
    rules = ScoringRules.from_settings(services.settings)
    now = services.now()
    sums = await score_window.read(company_id, Bounds.of(scoring.utc_day(now), rules))
    return await _dashboard(company_id, now, rules, sums)


async def _dashboard(
    company_id: uuid.UUID, now: datetime, rules: ScoringRules, sums: WindowSums
) -> Dashboard:
    first_day = scoring.window_first_day(now, rules)
    cutoff = now - rules.deadline
    # Unanswered complaints of the deadline's own day that are already past it.
    same_day_start = max(scoring.day_start(first_day), scoring.day_start(scoring.utc_day(cutoff)))
    crossed_today = await AwaitingReply.filter(
        company_id=company_id, sent_at__gte=same_day_start, sent_at__lt=cutoff
    ).count()
    window = sums.totals
    eligible = window.answered + sums.unanswered_before_deadline_day + crossed_today
    inputs = scoring.ScoreInputs(
        eligible=eligible,
        answered=window.answered,
        speed_points=window.speed_micropoints / scoring.SPEED_POINT_SCALE,
        resolved=window.resolved,
        unresolved=window.unresolved,
    )
    return Dashboard(
        company_id=company_id,
        window_start=scoring.day_start(first_day),
        window_end=now,
        rules=rules,
        totals=window,
        eligible=eligible,
        result=scoring.evaluate(inputs, rules),
    )


async def monthly_series(services: Services, company_id: uuid.UUID) -> list[MonthFigures]:
    """The last `window_months` calendar months, oldest first, empty months included."""
    rules = ScoringRules.from_settings(services.settings)
    today = scoring.utc_day(services.now())
    return await score_window.read_series(company_id, Bounds.of(today, rules))


# --- stored scores: refreshed on change and as time passes ----------------------------------


async def refresh_snapshot(services: Services, company_id: uuid.UUID) -> bool:
    """Store the score as of now for rankings (and the window's sums for today's
    dashboards); True when a figure changed. Call inside a transaction."""
    rules = ScoringRules.from_settings(services.settings)
    now = services.now()
    # Locks in the order every score write takes them, the kept window row (each bump
    # takes it) before the stored score (a reply marks it stale after its bump), so the
    # two never wait on each other in a circle. A writer that bumped and has not committed
    # yet is waited for here, so its change is in the figures stored.
    sums = await score_window.keep_current(company_id, Bounds.of(scoring.utc_day(now), rules))
    stored = await CompanyScore.select_for_update().get_or_none(company_id=company_id)
    current = await _dashboard(company_id, now, rules, sums)
    totals, value = current.totals, current.result.value
    figures = {
        "value": value,
        "rank_value": -1.0 if value is None else value,
        "eligible": current.eligible,
        "received": totals.received,
        "answered": totals.answered,
        "resolved": totals.resolved,
        "unresolved": totals.unresolved,
    }
    if stored is None:
        stored = CompanyScore(company_id=company_id, computed_at=services.now(), **figures)
        changed = True
    else:
        changed = any(getattr(stored, name) != figure for name, figure in figures.items())
        stored.update_from_dict({**figures, "computed_at": services.now(), "stale": False})
    await stored.save()
    wanted = {c: n for c, n in totals.categories.items() if n > 0}
    have = {
        c.category: c.received for c in await CompanyScoreCategory.filter(company_id=company_id)
    }
    if wanted != have:
        await CompanyScoreCategory.filter(company_id=company_id).delete()
        await CompanyScoreCategory.bulk_create(
            [
                CompanyScoreCategory(company_id=company_id, category=c, received=n)
                for c, n in sorted(wanted.items())
            ]
        )
    return changed


async def refresh_stale(services: Services) -> int:
    """Refresh the stored scores marked stale by replies; returns how many. Run in the
    background every `STALE_REFRESH_SECONDS` and before every ranking read, so a ranking
    is as exact as one refreshed in each reply's transaction. Publishes nothing: the
    reply published `CompanyScoreUpdated` itself."""
    company_ids: list[uuid.UUID] = await CompanyScore.filter(  # type: ignore[assignment]
        stale=True
    ).values_list("company_id", flat=True)
    for company_id in company_ids:
        async with in_transaction():
            await refresh_snapshot(services, company_id)
    return len(company_ids)


async def refresh_all(services: Services) -> int:
    """Time passing moves complaints past the deadline and out of the window: refresh every
    stored score, publishing for those that changed. Run by the server's upkeep."""
    changed = 0
    company_ids: list[uuid.UUID] = await CompanyScore.all().values_list(  # type: ignore[assignment]
        "company_id", flat=True
    )
    for company_id in company_ids:
        async with in_transaction():
            moved = await refresh_snapshot(services, company_id)
        if moved:
            changed += 1
            await publish_score_updated(services, company_id)
    return changed


# --- rebuilding from raw complaints ---------------------------------------------------------


async def rebuild_company(services: Services, company_id: uuid.UUID) -> bool:
    """Recompute a company's aggregates from its complaints (after a merge moved complaints
    between companies, or by `amicable scores recompute`). Runs in the caller's transaction
    if there is one; True when the stored score changed (publish after commit)."""
    rules = ScoringRules.from_settings(services.settings)
    async with in_transaction():
        await CompanyMonthStats.filter(company_id=company_id).delete()
        await CompanyDayStats.filter(company_id=company_id).delete()
        await score_window.forget(company_id)
        await AwaitingReply.filter(company_id=company_id).delete()
        await AwaitingReply.filter(
            complaint_id__in=Subquery(Complaint.filter(company_id=company_id).values("id"))
        ).delete()
        by_month: dict[date, Totals] = {}
        by_day: dict[date, Totals] = {}
        awaiting: list[AwaitingReply] = []
        sent = Complaint.filter(company_id=company_id, sent_at__isnull=False).only(
            "id", "company_id", "sent_at", "first_company_reply_at", "outcome", "category"
        )
        async for complaint in sent:
            assert complaint.sent_at is not None
            delta = Totals(received=1, categories=Counter({complaint.category: 1}))
            if complaint.first_company_reply_at is not None:
                delta.add(_answered(complaint, rules))
            else:
                awaiting.append(
                    AwaitingReply(
                        complaint_id=complaint.id,
                        company_id=company_id,
                        sent_at=complaint.sent_at,
                    )
                )
            delta.add(_outcome_totals(complaint.outcome))
            day = scoring.utc_day(complaint.sent_at)
            by_month.setdefault(scoring.month_start(day), Totals()).add(delta)
            by_day.setdefault(day, Totals()).add(delta)
        await CompanyMonthStats.bulk_create(
            [_new_row(CompanyMonthStats, company_id, t, month=m) for m, t in by_month.items()],
            batch_size=500,
        )
        await CompanyDayStats.bulk_create(
            [_new_row(CompanyDayStats, company_id, t, day=d) for d, t in by_day.items()],
            batch_size=500,
        )
        await AwaitingReply.bulk_create(awaiting, batch_size=500)
        if not by_day:
            # Never sent a complaint: no stored score, as the incremental path keeps it (a
            # company is ranked from its first sent complaint on), so that a rebuild adds
            # no company to the rankings.
            removed = await CompanyScore.filter(company_id=company_id).delete()
            await CompanyScoreCategory.filter(company_id=company_id).delete()
            return bool(removed)
        return await refresh_snapshot(services, company_id)


async def recompute_all(services: Services) -> int:
    """Rebuild every company's aggregates; returns how many companies."""
    company_ids: list[uuid.UUID] = await Company.all().values_list(  # type: ignore[assignment]
        "id", flat=True
    )
    for company_id in company_ids:
        if await rebuild_company(services, company_id):
            await publish_score_updated(services, company_id)
    return len(company_ids)


def _new_row(model: type[RowT], company_id: uuid.UUID, totals: Totals, **key: date) -> RowT:
    row = model(company_id=company_id, **key)
    totals.apply_to(row)
    return row
