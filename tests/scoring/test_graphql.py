"""The dashboard over GraphQL: who sees it, what it shows, and the partners' rankings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from amicable.models import CompanyScore
from amicable.models.enums import Outcome, Role
from amicable.resolvers import accounts, scores
from tests.conftest import GraphQLClient
from tests.factories import make_user
from tests.scoring.history import History

NOW = datetime(2025, 6, 15, 12, tzinfo=UTC)

DASHBOARD = """
query($slug: String!) {
  company(slug: $slug) {
    score {
      value label reason minimumEligible windowStart windowEnd
      received eligible answered awaitingReply resolved unresolved
      responseRate { value weight hits total }
      speed { value weight hits total }
      resolution { value weight hits total }
      meanFirstResponseHours medianFirstResponseHours
    }
    stats { month received answered resolved unresolved medianFirstResponseHours }
  }
}"""

RANKING = """
query($category: ComplaintCategory, $min: Int, $after: String) {
  companies(orderBy: SCORE, category: $category, minComplaints: $min, first: 2, after: $after) {
    totalCount
    edges { cursor node { slug score { value } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def _worked_example(history: History) -> None:
    sent = NOW - timedelta(days=100)
    filed = [await history.file(sent + timedelta(hours=i), category="billing") for i in range(20)]
    for complaint in filed[:9]:
        await history.reply(complaint, complaint.sent_at + timedelta(hours=2))
    for complaint in filed[9:15]:
        await history.reply(complaint, complaint.sent_at + timedelta(days=31))
    for i, complaint in enumerate(filed[:12]):
        outcome = Outcome.RESOLVED if i < 8 else Outcome.UNRESOLVED
        await history.close(complaint, outcome, NOW - timedelta(days=20))
    history.at(NOW)


async def test_a_listed_companys_dashboard_is_public(gql, services) -> None:
    history = await History.start(services)
    await _worked_example(history)
    data = await gql.data(DASHBOARD, slug=history.company.slug)
    score = data["company"]["score"]
    assert (score["value"], score["label"], score["reason"]) == (64.0, "GOOD", None)
    assert score["windowStart"] == "2024-06-15T00:00:00+00:00"
    assert (score["received"], score["eligible"], score["answered"]) == (20, 20, 15)
    assert (score["awaitingReply"], score["resolved"], score["unresolved"]) == (0, 8, 4)
    assert score["responseRate"] == {"value": 0.7, "weight": 0.35, "hits": 15, "total": 20}
    assert score["speed"] == {"value": 0.575, "weight": 0.15, "hits": 9.0, "total": 15}
    assert score["resolution"]["hits"] == 8 and score["resolution"]["total"] == 12
    stats = data["company"]["stats"]
    assert len(stats) == 12 and stats[-1]["month"] == "2025-06-01"
    march = next(m for m in stats if m["month"] == "2025-03-01")
    assert (march["received"], march["answered"], march["resolved"]) == (20, 15, 8)


async def test_not_enough_data_still_shows_the_counts(gql, services) -> None:
    history = await History.start(services)
    await history.file(NOW - timedelta(days=40))
    history.at(NOW)
    score = (await gql.data(DASHBOARD, slug=history.company.slug))["company"]["score"]
    assert (score["value"], score["label"], score["reason"]) == (None, None, "NOT_ENOUGH_DATA")
    assert (score["received"], score["eligible"], score["minimumEligible"]) == (1, 1, 10)
    assert score["meanFirstResponseHours"] is None


async def test_an_unlisted_companys_dashboard_is_for_its_agents_and_moderators(
    gql, services
) -> None:
    history = await History.start(services, "Kapsalon Lotte", listed=False)
    await history.file(NOW - timedelta(days=3))
    query = """query($id: ID!) {
      node(id: $id) { ... on Company { score { received } stats { month } } } }"""
    from tests.factories import gid

    company_id = gid("Company", history.company.id)
    moderator = await make_user(services, Role.MODERATOR)
    as_moderator = await GraphQLClient(gql.http, moderator.token).data(query, id=company_id)
    assert as_moderator["node"]["score"] == {"received": 1}
    as_agent = await GraphQLClient(gql.http, history.agent.token).data(query, id=company_id)
    assert as_agent["node"]["score"] == {"received": 1}
    # A consumer who filed against it sees the company on the complaint, not its dashboard.
    complaint_query = """{
      complaints { nodes { company { score { received } stats { month } } } } }"""
    mine = await GraphQLClient(gql.http, history.consumer.token).data(complaint_query)
    assert mine["complaints"]["nodes"] == [{"company": {"score": None, "stats": None}}]


async def test_partners_rank_companies_by_score(gql, services) -> None:
    good = await History.start(services, "Telenova")
    await _worked_example(good)
    poor = History(services, await _listed(services, "Rail"), good.agent, good.consumer)
    for i in range(10):
        await poor.file(NOW - timedelta(days=60, hours=i), category="delivery")
    little = History(services, await _listed(services, "Gentse"), good.agent, good.consumer)
    await little.file(NOW - timedelta(days=60), category="delivery")
    # Filed sixty days ago, Rail's complaints crossed the deadline since: the server's upkeep
    # refreshes the stored scores that rankings sort by.
    services.clock = lambda: NOW
    await scores.refresh_all(services)
    moderator = await make_user(services, Role.MODERATOR)
    _, key = await accounts.create_api_key(moderator.viewer, partner_name="Test Aankoop")
    partner = GraphQLClient(gql.http, key)
    page = (await partner.data(RANKING))["companies"]
    assert page["totalCount"] == 3
    assert [e["node"]["slug"] for e in page["edges"]] == ["telenova", "rail"]
    assert [e["node"]["score"]["value"] for e in page["edges"]] == [64.0, 38.3]
    rest = (await partner.data(RANKING, after=page["pageInfo"]["endCursor"]))["companies"]
    assert [e["node"]["slug"] for e in rest["edges"]] == ["gentse"]
    assert rest["pageInfo"]["hasNextPage"] is False
    delivery = (await partner.data(RANKING, category="DELIVERY", min=2))["companies"]
    assert [e["node"]["slug"] for e in delivery["edges"]] == ["rail"]
    assert (await partner.data(RANKING, min=11))["companies"]["totalCount"] == 1
    # Rankings are bulk queries: partners and moderators only.
    for token in (None, good.consumer.token):
        result = await GraphQLClient(gql.http, token).execute(RANKING)
        assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_ranking_read_right_after_replies_sorts_by_their_figures(gql, services) -> None:
    """Replies mark the stored score stale instead of recomputing it in their transaction;
    a ranking read refreshes what is stale first, so it is never behind a reply."""
    slow = await History.start(services, "Telenova")
    fast = await History.start(services, "Rail")
    sent = NOW - timedelta(days=10)
    for i in range(10):
        complaint = await slow.file(sent + timedelta(minutes=i))
        await slow.reply(complaint, complaint.sent_at + timedelta(days=5))
    waiting = [await fast.file(sent + timedelta(minutes=i)) for i in range(10)]
    slow.at(NOW)
    moderator = await make_user(services, Role.MODERATOR)
    _, key = await accounts.create_api_key(moderator.viewer, partner_name="Test Aankoop")
    partner = GraphQLClient(gql.http, key)
    before = (await partner.data(RANKING))["companies"]["edges"]
    assert [e["node"]["slug"] for e in before] == ["telenova", "rail"]

    for complaint in waiting:
        await fast.reply(complaint, complaint.sent_at + timedelta(hours=1))
    fast.at(NOW)
    assert await CompanyScore.filter(stale=True).count() == 1
    after = (await partner.data(RANKING))["companies"]["edges"]
    assert [e["node"]["slug"] for e in after] == ["rail", "telenova"]
    assert not await CompanyScore.filter(stale=True).exists()


async def _listed(services, name: str):
    from tests.factories import make_company

    moderator = await make_user(services, Role.MODERATOR)
    return await make_company(moderator.viewer, name)
