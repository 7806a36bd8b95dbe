"""Complaint lists: "my complaints", "our complaints", filters, orders and paging in both
directions, each through the policy, as every role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from amicable.models import Complaint
from amicable.models.enums import ComplaintCategory, ComplaintStatus, Visibility
from amicable.resolvers import messages
from tests.factories import gid, make_complaint
from tests.moderation.conftest import ROLES, as_role
from tests.test_feed_queries import counting_sql

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

MINE = """query($filter: ComplaintFilter, $order: ComplaintOrder, $first: Int, $after: String,
  $last: Int, $before: String) { me { complaints(filter: $filter, orderBy: $order,
  first: $first, after: $after, last: $last, before: $before) { totalCount
  nodes { title } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }"""

FEED = """query($filter: ComplaintFilter, $order: ComplaintOrder, $first: Int, $after: String,
  $last: Int, $before: String) { complaints(filter: $filter, orderBy: $order, first: $first,
  after: $after, last: $last, before: $before) { totalCount nodes { title }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


async def _world(services, cast) -> dict[str, Complaint]:
    """Six complaints a day apart; titles say whose, how visible, and in what state."""
    services.settings.rate_limit_complaint_create = 100
    specs = [
        ("owner public", cast.owner, cast.company, Visibility.PUBLIC, ComplaintCategory.BILLING),
        ("owner private", cast.owner, cast.company, Visibility.PRIVATE, ComplaintCategory.DELIVERY),
        ("owner pending", cast.owner, cast.company, Visibility.PUBLIC, ComplaintCategory.BILLING),
        (
            "owner elsewhere",
            cast.owner,
            cast.other_company,
            Visibility.PRIVATE,
            ComplaintCategory.OTHER,
        ),
        ("other private", cast.other, cast.company, Visibility.PRIVATE, ComplaintCategory.REFUND),
        (
            "other public",
            cast.other,
            cast.other_company,
            Visibility.PUBLIC,
            ComplaintCategory.BILLING,
        ),
    ]
    made = {}
    for day, (title, consumer, company, visibility, category) in enumerate(specs):
        complaint = await make_complaint(
            services, consumer, company, visibility=visibility, title=f"Klacht {title}"
        )
        at = T0 + timedelta(days=day)
        await Complaint.filter(id=complaint.id).update(
            created_at=at, last_activity_at=at, category=category
        )
        made[title] = complaint
    await Complaint.filter(id=made["owner pending"].id).update(
        status=ComplaintStatus.PENDING_MODERATION
    )
    return made


def _titles(connection) -> list[str]:
    return [node["title"].removeprefix("Klacht ") for node in connection["nodes"]]


# What `me { complaints }` holds for each role: a consumer's own (pending and private
# included), an agent's company's (private included, pending not: the policy's rule),
# nothing for staff; anonymous and partners have no `me`.
MY_LISTS = {
    "anonymous": None,
    "partner": None,
    "owner": ["owner elsewhere", "owner pending", "owner private", "owner public"],
    "other": ["other public", "other private"],
    "agent": ["other private", "owner private", "owner public"],
    "other_agent": ["other public", "owner elsewhere"],
    "moderator": [],
    "lawyer": [],
}


@pytest.mark.parametrize("role", ROLES)
async def test_my_complaints_as_every_role(services, cast, gql, role):
    await _world(services, cast)
    data = await as_role(gql, cast, role).data(MINE)
    expected = MY_LISTS[role]
    if expected is None:
        assert data["me"] is None
        return
    assert _titles(data["me"]["complaints"]) == sorted(expected, key=_day, reverse=True)
    assert data["me"]["complaints"]["totalCount"] == len(expected)


_ORDER = [
    "owner public",
    "owner private",
    "owner pending",
    "owner elsewhere",
    "other private",
    "other public",
]


def _day(title: str) -> int:
    return _ORDER.index(title)


# The public feed per role: published public complaints, plus what the policy adds.
FEEDS = {
    "anonymous": {"owner public", "other public"},
    "partner": {"owner public", "other public"},
    "owner": {"owner public", "owner private", "owner pending", "owner elsewhere", "other public"},
    "other": {"owner public", "other private", "other public"},
    "agent": {"owner public", "owner private", "other private", "other public"},
    "other_agent": {"owner public", "owner elsewhere", "other public"},
    "moderator": set(_ORDER),
    "lawyer": {"owner public", "other public"},
}


@pytest.mark.parametrize("role", ROLES)
async def test_the_feed_never_shows_what_the_policy_hides(services, cast, gql, role):
    await _world(services, cast)
    reader = as_role(gql, cast, role)
    data = await reader.data(FEED)
    assert set(_titles(data["complaints"])) == FEEDS[role]
    # Filters only narrow: a private complaint's category or company finds nothing more.
    narrowed = await reader.data(
        FEED, filter={"category": ["REFUND"], "company": gid("Company", cast.company.id)}
    )
    assert set(_titles(narrowed["complaints"])) == FEEDS[role] & {"other private"}


async def test_filters_combine(services, cast, gql):
    await _world(services, cast)
    owner = as_role(gql, cast, "owner")

    async def titles(**filter) -> list[str]:
        return _titles((await owner.data(MINE, filter=filter))["me"]["complaints"])

    assert await titles(category=["BILLING"]) == ["owner pending", "owner public"]
    assert await titles(category=["BILLING", "DELIVERY"]) == [
        "owner pending",
        "owner private",
        "owner public",
    ]
    assert await titles(status=["PENDING_MODERATION"]) == ["owner pending"]
    assert await titles(status=["WAITING_FOR_COMPANY", "ANSWERED"]) == [
        "owner elsewhere",
        "owner private",
        "owner public",
    ]
    assert await titles(company=gid("Company", cast.other_company.id)) == ["owner elsewhere"]
    assert await titles(company=gid("Company", cast.other.user.id)) == []  # not a company
    # createdAfter is inclusive, createdBefore exclusive.
    day1, day3 = (T0 + timedelta(days=1)).isoformat(), (T0 + timedelta(days=3)).isoformat()
    assert await titles(createdAfter=day1, createdBefore=day3) == ["owner pending", "owner private"]
    assert await titles(createdAfter=day3) == ["owner elsewhere"]
    assert await titles(createdBefore=day1) == ["owner public"]


async def test_a_date_range_the_wrong_way_round_is_refused(services, cast, gql):
    owner = as_role(gql, cast, "owner")
    result = await owner.execute(
        FEED, filter={"createdAfter": T0.isoformat(), "createdBefore": T0.isoformat()}
    )
    assert result["errors"][0]["extensions"] == {"code": "INVALID"}
    assert result["errors"][0]["path"] == ["complaints"]


async def test_the_company_list_takes_the_same_filters_and_orders(services, cast, gql):
    await _world(services, cast)
    query = """query($slug: String!, $filter: ComplaintFilter, $order: ComplaintOrder) {
      company(slug: $slug) { complaints(filter: $filter, orderBy: $order) {
      nodes { title } } } }"""
    agent = as_role(gql, cast, "agent")
    data = await agent.data(query, slug=cast.company.slug, order="OLDEST")
    assert _titles(data["company"]["complaints"]) == [
        "owner public",
        "owner private",
        "other private",
    ]
    # Another company named in the filter of one company's list matches nothing.
    other = await agent.data(
        query, slug=cast.company.slug, filter={"company": gid("Company", cast.other_company.id)}
    )
    assert other["company"]["complaints"]["nodes"] == []
    public = await gql.data(query, slug=cast.company.slug, filter={"category": ["BILLING"]})
    assert _titles(public["company"]["complaints"]) == ["owner public"]


async def test_last_activity_follows_published_messages(services, cast, gql):
    made = await _world(services, cast)
    agent = as_role(gql, cast, "agent")
    order = {"order": "LAST_ACTIVITY"}
    before = _titles((await agent.data(MINE, **order))["me"]["complaints"])
    assert before == ["other private", "owner private", "owner public"]
    # The agent answers the oldest: it moves to the top.
    await messages.post(services, cast.agent.viewer, made["owner public"].id, "Wij bekijken het.")
    after = _titles((await agent.data(MINE, **order))["me"]["complaints"])
    assert after == ["owner public", "other private", "owner private"]
    touched = await Complaint.get(id=made["owner public"].id)
    assert touched.last_activity_at > T0 + timedelta(days=5)


async def test_a_held_message_moves_nothing_until_it_is_released(services, cast, gql):
    made = await _world(services, cast)
    complaint = made["owner private"]
    await messages.post(services, cast.owner.viewer, complaint.id, "Jullie zijn idioten.")
    stored = await Complaint.get(id=complaint.id)
    # Screening held the insult: the public order of lists reveals nothing of it.
    assert stored.last_activity_at == T0 + timedelta(days=1)


@pytest.mark.parametrize("order", ["NEWEST", "OLDEST", "LAST_ACTIVITY"])
async def test_paging_forward_and_backward_is_stable(services, cast, gql, order):
    await _world(services, cast)
    moderator = as_role(gql, cast, "moderator")

    async def page(**args):
        return (await moderator.data(FEED, order=order, **args))["complaints"]

    everything = _titles(await page(first=50))
    assert len(everything) == 6
    forward, after = [], None
    while True:
        current = await page(first=4, after=after)
        forward += _titles(current)
        info = current["pageInfo"]
        assert info["hasPreviousPage"] is (after is not None)
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert forward == everything
    # Backward from the end, two at a time.
    backward, before = [], None
    while True:
        current = await page(last=2, before=before)
        backward = _titles(current) + backward
        info = current["pageInfo"]
        assert info["hasNextPage"] is (before is not None)
        if not info["hasPreviousPage"]:
            break
        before = info["startCursor"]
    assert backward == everything
    # The last two, then the two before them.
    tail = await page(last=2)
    assert _titles(tail) == everything[-2:]
    assert tail["pageInfo"]["hasNextPage"] is False
    assert tail["pageInfo"]["hasPreviousPage"] is True
    middle = await page(last=2, before=tail["pageInfo"]["startCursor"])
    assert _titles(middle) == everything[-4:-2]
    # Both cursors bound one page.
    first = await page(first=1)
    between = await page(
        first=10, after=first["pageInfo"]["endCursor"], before=tail["pageInfo"]["startCursor"]
    )
    assert _titles(between) == everything[1:-2]
    assert between["pageInfo"]["hasPreviousPage"] is True


async def test_a_cursor_of_another_order_or_bad_paging_is_refused(services, cast, gql):
    await _world(services, cast)
    moderator = as_role(gql, cast, "moderator")
    newest = (await moderator.data(FEED, first=1))["complaints"]["pageInfo"]["endCursor"]
    for args in (
        {"order": "OLDEST", "after": newest},
        {"order": "LAST_ACTIVITY", "before": newest, "last": 2},
        {"first": 1, "last": 1},
        {"last": -1},
        {"before": "not a cursor", "last": 1},
    ):
        result = await moderator.execute(FEED, **args)
        assert result["data"] is None, args
        assert result["errors"][0]["extensions"]["code"] == "INVALID", args
    negative = await moderator.execute(FEED, last=-1)
    assert negative["errors"][0]["message"] == "last mag niet negatief zijn."  # a Dutch account
    assert negative["errors"][0]["extensions"]["params"] == [{"name": "argument", "value": "last"}]


async def test_categories_come_with_their_names(gql):
    data = await gql.data("{ categories { value label labels { nl fr en } } }")
    values = [c["value"] for c in data["categories"]]
    assert values == [c.name for c in ComplaintCategory]
    billing = next(c for c in data["categories"] if c["value"] == "BILLING")
    assert billing == {
        "value": "BILLING",
        "label": "Billing",
        "labels": {"nl": "Facturatie", "fr": "Facturation", "en": "Billing"},
    }
    french = await gql.http.post(
        "/graphql",
        json={"query": "{ categories { value label } }"},
        headers={"Accept-Language": "fr-BE,fr;q=0.9,en;q=0.5"},
    )
    assert french.json()["data"]["categories"][-1] == {"value": "OTHER", "label": "Autre"}


MY_FEED = """query($first: Int!) { me { complaints(first: $first, orderBy: LAST_ACTIVITY,
  filter: {category: [BILLING, OTHER]}) { totalCount edges { node { reference title
  company { name } recentMessages(count: 3) { body } } } } } }"""


async def test_my_list_costs_the_same_statements_whatever_the_page(services, cast, gql):
    services.settings.rate_limit_complaint_create = 100
    for n in range(22):
        await make_complaint(services, cast.owner, cast.company, title=f"Klacht nummer {n}")
    owner = as_role(gql, cast, "owner")
    counts = {}
    for first in (2, 20):
        with counting_sql() as counter:
            data = await owner.data(MY_FEED, first=first)
        assert len(data["me"]["complaints"]["edges"]) == first
        counts[first] = len(counter.statements)
    assert counts[2] == counts[20], counts
    # credential, me, whose complaints, page, count, companies, recent messages
    assert counts[20] <= 7, counts
