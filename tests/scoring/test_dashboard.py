"""Hand-computed histories through the real operations: the worked example, the deadline, the
minimum, the window's edges, and which messages count as a response."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from amicable.models import Complaint
from amicable.models.enums import Outcome, Role
from amicable.resolvers import messages, scores
from amicable.subscriptions.bus.events import (
    CompanyScoreUpdated,
    company_score_channel,
    event_from_json,
)
from tests.factories import make_user
from tests.scoring.history import History

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


async def _board(history: History, at: datetime = NOW) -> scores.Dashboard:
    history.at(at)
    return await scores.dashboard(history.services, history.company.id)


async def test_worked_example(services) -> None:
    """20 eligible, 15 answered, speed points 9.0, 8 resolved, 4 unresolved -> 64.0, good."""
    history = await History.start(services)
    sent = NOW - timedelta(days=100)
    filed = [await history.file(sent + timedelta(hours=i)) for i in range(20)]
    for complaint in filed[:9]:  # within a day: 1 point each
        await history.reply(complaint, complaint.sent_at + timedelta(hours=2))
    for complaint in filed[9:15]:  # after 31 days: 0 points each
        await history.reply(complaint, complaint.sent_at + timedelta(days=31))
    for i, complaint in enumerate(filed[:12]):
        outcome = Outcome.RESOLVED if i < 8 else Outcome.UNRESOLVED
        await history.close(complaint, outcome, NOW - timedelta(days=20))
    board = await _board(history)
    assert (board.totals.received, board.eligible, board.totals.answered) == (20, 20, 15)
    assert board.speed_points == 9.0
    assert (board.totals.resolved, board.totals.unresolved) == (8, 4)
    assert (board.result.value, board.result.label) == (64.0, "good")
    assert board.result.components.response_rate == pytest.approx(0.7)
    assert board.totals.mean_first_response_hours == pytest.approx((9 * 2 + 6 * 31 * 24) / 15)
    # 9 answers after 2 h, 6 after 744 h: the median is 2 h, within the histogram's 2.5 %.
    assert board.totals.median_first_response_hours == pytest.approx(2, rel=0.025)


async def test_unanswered_complaints_count_once_past_the_deadline(services) -> None:
    history = await History.start(services)
    deadline = timedelta(days=30)
    young = await history.file(NOW - deadline + timedelta(seconds=1))
    exact = await history.file(NOW - deadline)
    old = await history.file(NOW - deadline - timedelta(seconds=1))
    older = await history.file(NOW - timedelta(days=45))  # another month: from the month rows
    answered_young = await history.file(NOW - timedelta(days=2))
    await history.reply(answered_young, NOW - timedelta(days=1))
    board = await _board(history)
    # Eligible: the answered one, and the unanswered ones strictly older than 30 days.
    assert board.eligible == 3
    assert board.awaiting_within_deadline == 2
    # Time passing alone moves them over, with no command run.
    assert (await _board(history, NOW + timedelta(seconds=1))).eligible == 4
    assert (await _board(history, NOW + timedelta(seconds=2))).eligible == 5
    # A late reply keeps it eligible, now as answered.
    await history.reply(older, NOW + timedelta(seconds=3))
    later = await _board(history, NOW + timedelta(seconds=3))
    assert (later.eligible, later.totals.answered) == (5, 2)
    assert {young.id, exact.id, old.id} <= {c.id for c in await Complaint.all()}


async def test_only_company_replies_count_as_a_response(services) -> None:
    history = await History.start(services)
    complaint = await history.file(NOW - timedelta(days=40))
    await history.consumer_writes(complaint, NOW - timedelta(days=39))
    moderator = await make_user(services, Role.MODERATOR)
    history.at(NOW - timedelta(days=38))
    await messages.post(services, moderator.viewer, complaint.id, "Wij volgen dit op.")
    # An auto-reply is kept on the inbound record and never posted as a message, so it
    # never sets first_company_reply_at; nothing here can count it.
    board = await _board(history)
    assert (board.eligible, board.totals.answered) == (1, 0)
    await history.reply(complaint, NOW - timedelta(days=1))
    board = await _board(history)
    assert (board.eligible, board.totals.answered) == (1, 1)
    assert board.speed_points == 0.0  # 38+ days after sending


async def test_the_minimum_of_ten_eligible(services) -> None:
    history = await History.start(services)
    for i in range(9):
        await history.file(NOW - timedelta(days=40, hours=i))
    board = await _board(history)
    assert (board.eligible, board.result.value, board.result.reason) == (
        9,
        None,
        "not enough data",
    )
    await history.file(NOW - timedelta(days=41))
    board = await _board(history)
    # Ten unanswered: RR = 2.5/15, SP = RS = 0.5 -> 100 * (0.25 + 0.35/6 + 0.075) = 38.3.
    assert (board.eligible, board.result.value, board.result.label) == (10, 38.3, "poor")


async def test_window_edges(services) -> None:
    history = await History.start(services)
    # The window on NOW starts 2024-06-15 00:00 UTC.
    outside = await history.file(datetime(2024, 6, 14, 23, 59, 59, tzinfo=UTC))
    first_in = await history.file(datetime(2024, 6, 15, 0, 0, tzinfo=UTC))
    same_month = await history.file(datetime(2024, 6, 20, tzinfo=UTC))
    await history.file(datetime(2024, 6, 10, tzinfo=UTC))  # same month, outside
    await history.file(datetime(2025, 3, 1, tzinfo=UTC))
    for complaint in (outside, first_in, same_month):
        await history.close(complaint, Outcome.RESOLVED, datetime(2025, 1, 1, tzinfo=UTC))
    board = await _board(history)
    assert board.window_start == datetime(2024, 6, 15, tzinfo=UTC)
    assert (board.totals.received, board.eligible, board.totals.resolved) == (3, 3, 2)
    # A day later the first one has left the window.
    board = await _board(history, NOW + DAY)
    assert (board.totals.received, board.totals.resolved) == (2, 1)
    # The monthly series: twelve calendar months, July 2024 to June 2025.
    history.at(NOW)
    series = await scores.monthly_series(services, history.company.id)
    assert [m.month for m in series][0::11] == [date(2024, 7, 1), date(2025, 6, 1)]
    assert [m.received for m in series] == [0] * 8 + [1] + [0] * 3


async def test_private_complaints_count_in_the_aggregates(services) -> None:
    from amicable.models.enums import Visibility

    history = await History.start(services)
    await history.file(NOW - timedelta(days=3), visibility=Visibility.PRIVATE)
    await history.file(NOW - timedelta(days=3), visibility=Visibility.PUBLIC)
    assert (await _board(history)).totals.received == 2


async def test_a_reply_publishes_company_score_updated(services) -> None:
    history = await History.start(services)
    complaint = await history.file(NOW - timedelta(days=3))
    channel = company_score_channel(str(history.company.id))
    async with services.events.subscribe(channel) as subscriber:
        await history.reply(complaint, NOW - timedelta(days=2))
        event = event_from_json((await subscriber.get()).message)
    assert event == CompanyScoreUpdated(str(history.company.id))


async def test_time_passing_refreshes_stored_scores(services) -> None:
    history = await History.start(services)
    for i in range(10):
        await history.file(NOW - timedelta(days=29, hours=i))
    history.at(NOW)
    assert await scores.refresh_all(services) == 0
    # Two days later all ten are past the deadline: a score appears without any event.
    history.at(NOW + 2 * DAY)
    channel = company_score_channel(str(history.company.id))
    async with services.events.subscribe(channel) as subscriber:
        assert await scores.refresh_all(services) == 1
        event = event_from_json((await subscriber.get()).message)
        assert event == CompanyScoreUpdated(str(history.company.id))
    from amicable.models import CompanyScore

    stored = await CompanyScore.get(company_id=history.company.id)
    assert (stored.eligible, stored.value) == (10, 38.3)
