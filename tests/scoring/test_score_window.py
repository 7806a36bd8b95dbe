"""The kept window sums (`CompanyScoreWindow`): changed with the month and day rows in the
same transaction, equal to summing those rows after every event of a day, rebuilt by a merge,
and read by dashboards only for the day and settings they were computed for."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from amicable import scoring
from amicable.infra import score_window
from amicable.infra.score_window import Bounds
from amicable.models import CompanyScoreWindow
from amicable.models.enums import Outcome, Role, Visibility
from amicable.resolvers import complaints, merge, scores
from amicable.scoring import ScoringRules
from amicable.services import Services
from tests.factories import Actor, make_user
from tests.scoring.history import History
from tests.scoring.test_recompute import brute_force, figures

NOW = datetime(2025, 6, 15, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


async def _assert_kept_equals_summed(history: History, at: datetime) -> None:
    """The kept row holds `at`'s day, equals the month and day rows summed, and the
    dashboard read from it equals PRODUCT.md's formula over the raw complaints."""
    services, company_id = history.services, history.company.id
    rules = ScoringRules.from_settings(services.settings)
    bounds = Bounds.of(scoring.utc_day(at), rules)
    row = await CompanyScoreWindow.get(company_id=company_id)
    assert row.day == bounds.day
    kept = await score_window.read(company_id, bounds)
    assert kept == await score_window.summed(company_id, bounds)
    assert row.series == await score_window.summed_series(company_id, bounds)
    history.at(at)
    board = await scores.dashboard(services, company_id)
    assert figures(board) == await brute_force(company_id, at, rules)


async def test_every_event_of_a_day_keeps_the_row_equal_to_the_summed_rows(services) -> None:
    history = await History.start(services)
    # Complaints in every part of the window: before it, in its first (partial) month, in
    # whole months, before the deadline's day, on it, after it, and this month.
    ages = [400, 370, 364, 200, 62, 45, 31, 30, 29, 12, 0.2]
    filed = [await history.file(NOW - timedelta(days=age)) for age in ages]
    events = NOW + timedelta(hours=1)
    await history.file(events)  # the day's first event computes the row for today
    await _assert_kept_equals_summed(history, events)
    # Then every kind of change on the same day, to complaints sent anywhere in the window.
    for n, complaint in enumerate(filed):
        at = events + timedelta(minutes=10 * (n + 1))
        if n % 3 != 2:
            await history.reply(complaint, at)
        else:
            await history.file(at, category="billing")
        await _assert_kept_equals_summed(history, at)
    for n, complaint in enumerate(filed[::2]):
        at = events + timedelta(hours=3, minutes=n)
        await history.close(complaint, Outcome.RESOLVED if n % 2 else Outcome.UNRESOLVED, at)
        await _assert_kept_equals_summed(history, at)


async def test_a_merge_rebuilds_the_row_for_the_survivor(services) -> None:
    survivor = await History.start(services, "Telenova")
    duplicate = await History.start(services, "Telenova BV")
    # The survivor's row already holds today when the merge comes.
    for history, ages in ((survivor, (90, 40, 0.1)), (duplicate, (200, 33, 31, 1))):
        for age in ages:
            await history.file(NOW - timedelta(days=age))
    await duplicate.reply(await duplicate.file(NOW - DAY), NOW)
    moderator = await make_user(services, Role.MODERATOR)
    survivor.at(NOW)
    await merge.merge(services, moderator.viewer, survivor.company.id, duplicate.company.id)
    assert not await CompanyScoreWindow.filter(company_id=duplicate.company.id).exists()
    await _assert_kept_equals_summed(survivor, NOW)
    assert (await scores.dashboard(services, survivor.company.id)).totals.received == 8


async def _tampered(services: Services, history: History) -> int:
    """Received as a dashboard at NOW reports it after the kept row was set to 1000."""
    await CompanyScoreWindow.filter(company_id=history.company.id).update(received=1000)
    history.at(NOW)
    return (await scores.dashboard(services, history.company.id)).totals.received


async def test_dashboards_read_the_row_only_for_its_day_and_settings(services) -> None:
    history = await History.start(services)
    for age in (50, 20, 2):
        await history.file(NOW - timedelta(days=age))
    history.at(NOW)
    async with in_transaction():
        await scores.refresh_snapshot(services, history.company.id)
    # Read for its day and settings: what the row says is what the dashboard shows.
    assert await _tampered(services, history) == 1000
    # Another day, or another window: summed from the month and day rows instead.
    await CompanyScoreWindow.filter(company_id=history.company.id).update(day=NOW.date() - DAY)
    assert await _tampered(services, history) == 3
    await CompanyScoreWindow.filter(company_id=history.company.id).update(
        day=NOW.date(), window_months=6
    )
    assert await _tampered(services, history) == 3
    # The next refresh (a write, or the upkeep) computes it again for today.
    await scores.refresh_all(services)
    await _assert_kept_equals_summed(history, NOW)


async def test_the_upkeep_moves_the_row_to_a_new_day(services) -> None:
    history = await History.start(services)
    for age in (35, 31, 30.5, 1):
        await history.file(NOW - timedelta(days=age))
    for later in (DAY, 2 * DAY, 40 * DAY):
        history.at(NOW + later)
        await scores.refresh_all(services)
        await _assert_kept_equals_summed(history, NOW + later)


@pytest.mark.postgres
async def test_concurrent_events_and_refreshes_leave_the_row_exact(services) -> None:
    """Complaints filed at once by several consumers while the upkeep refreshes, with the
    kept row out of date at the start: the row locks order the recompute and the changes."""
    history = await History.start(services)
    await history.file(NOW - timedelta(days=40))
    consumers = [await make_user(services, name=f"Klant{i} Peeters") for i in range(6)]
    await CompanyScoreWindow.filter(company_id=history.company.id).update(day=NOW.date() - DAY)
    history.at(NOW)

    async def file(consumer: Actor) -> None:
        await complaints.create(
            services,
            consumer.viewer,
            complaints.ComplaintDraft(
                title="Levering nooit aangekomen",
                description="Het pakket kwam nooit aan, de status zegt geleverd.",
                category="delivery",
                visibility=Visibility.PUBLIC,
                company_id=history.company.id,
            ),
        )

    await asyncio.gather(
        *(file(consumer) for consumer in consumers),
        scores.refresh_all(services),
        scores.refresh_all(services),
    )
    await _assert_kept_equals_summed(history, NOW)
    assert (await scores.dashboard(services, history.company.id)).totals.received == 7
