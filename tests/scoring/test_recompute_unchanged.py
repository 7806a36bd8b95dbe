"""`amicable scores recompute` changes nothing a reader sees: take a seeded world, read every
figure the public, a partner and a moderator can read (rankings with their filters and
cursors, dashboards, monthly series, counts), recompute, and read them all again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from amicable.demo import seed_demo
from amicable.models import Company
from amicable.models.enums import Outcome, Role
from amicable.resolvers import accounts, merge, scores
from amicable.resolvers.complaints import CATEGORIES
from tests.conftest import GraphQLClient
from tests.factories import make_company, make_user
from tests.scoring.history import History
from tests.test_cli import _run

SCORE_FIELDS = """
  value label reason minimumEligible windowStart windowEnd
  received eligible answered awaitingReply resolved unresolved
  responseRate { value weight hits total } speed { value weight hits total }
  resolution { value weight hits total } meanFirstResponseHours medianFirstResponseHours
"""
COMPANY_FIELDS = f"""
  slug name listed score {{ {SCORE_FIELDS} }}
  stats {{ month received answered resolved unresolved medianFirstResponseHours }}
  complaints(first: 1) {{ totalCount }}
"""
RANKING = f"""
query($category: ComplaintCategory, $min: Int, $after: String) {{
  companies(orderBy: SCORE, category: $category, minComplaints: $min, first: 5, after: $after) {{
    totalCount
    edges {{ cursor node {{ {COMPANY_FIELDS} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}"""
BY_NAME = f"""
query($after: String) {{
  companies(first: 5, after: $after) {{
    totalCount
    edges {{ cursor node {{ {COMPANY_FIELDS} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}"""
FEED = "query { complaints(first: 1) { totalCount } }"
COMPANY = f"query($slug: String!) {{ company(slug: $slug) {{ {COMPANY_FIELDS} }} }}"


async def _all_pages(reader: GraphQLClient, query: str, **variables: Any) -> list[Any]:
    pages, after = [], None
    for _ in range(50):
        page = (await reader.data(query, after=after, **variables))["companies"]
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            return pages
        after = page["pageInfo"]["endCursor"]
    raise AssertionError("pagination did not end")


async def _snapshot(public: GraphQLClient, partner: GraphQLClient, staff: GraphQLClient) -> dict:
    seen: dict[str, Any] = {"feed": await public.data(FEED)}
    for name, reader in (("public", public), ("partner", partner), ("moderator", staff)):
        seen[f"{name} by name"] = await _all_pages(reader, BY_NAME)
    for name, reader in (("partner", partner), ("moderator", staff)):
        seen[f"{name} feed"] = await reader.data(FEED)
        seen[f"{name} ranking"] = await _all_pages(reader, RANKING)
        for minimum in (1, 2, 3, 10):
            seen[f"{name} min {minimum}"] = await _all_pages(reader, RANKING, min=minimum)
        for category in CATEGORIES:
            for minimum in (0, 2):
                seen[f"{name} {category} {minimum}"] = await _all_pages(
                    reader, RANKING, category=category.upper(), min=minimum
                )
    # Every company page a moderator opens, unlisted ones included.
    for slug in sorted(await Company.all().values_list("slug", flat=True)):
        seen[f"company {slug}"] = await staff.data(COMPANY, slug=slug)
    return seen


async def _seeded_world(services, settings) -> None:
    """The demo set (twelve companies, two of them without complaints) and more: an
    unlisted company, a history older than the window, complaints past the deadline, and
    merges of companies with and without complaints."""
    await seed_demo(settings)
    now = datetime.now(UTC)
    old = await History.start(services, "Oude Winkel")
    for days in (400, 380, 200, 45, 31, 2):
        complaint = await old.file(now - timedelta(days=days), category="delivery")
        if days > 100:
            await old.reply(complaint, now - timedelta(days=days - 3))
            await old.close(complaint, Outcome.UNRESOLVED, now - timedelta(days=days - 5))
    hidden = await History.start(services, "Kapper Lotte", listed=False)
    await hidden.file(now - timedelta(days=50), category="service")
    moderator = await make_user(services, Role.MODERATOR)
    empty_a = await make_company(moderator.viewer, "Lege Zaak")
    empty_b = await make_company(moderator.viewer, "Lege Zaak BV")
    old.at(now)
    await merge.merge(services, moderator.viewer, empty_a.id, empty_b.id)
    duplicate = await History.start(services, "Oude Winkel NV")
    await duplicate.file(now - timedelta(days=10), category="billing")
    await merge.merge(services, moderator.viewer, old.company.id, duplicate.company.id)


async def _readers(services, gql) -> tuple[GraphQLClient, GraphQLClient, GraphQLClient]:
    moderator = await make_user(services, Role.MODERATOR)
    _, key = await accounts.create_api_key(moderator.viewer, partner_name="Test Aankoop")
    return (
        GraphQLClient(gql.http),
        GraphQLClient(gql.http, key),
        GraphQLClient(gql.http, moderator.token),
    )


async def test_recompute_leaves_every_figure_unchanged(gql, services, settings) -> None:
    await _seeded_world(services, settings)
    moment = datetime.now(UTC)
    services.clock = lambda: moment
    await scores.refresh_all(services)  # as the server's upkeep keeps them
    readers = await _readers(services, gql)
    before = await _snapshot(*readers)
    ranked = [e["node"]["slug"] for p in before["partner ranking"] for e in p["edges"]]
    assert "lege-zaak" not in ranked and "fietsen-vandamme" in ranked
    assert await scores.recompute_all(services) == await Company.all().count()
    assert await _snapshot(*readers) == before


def _without_window_end(value: Any) -> Any:
    """`windowEnd` is the moment of reading; everything else must be equal."""
    if isinstance(value, dict):
        return {k: _without_window_end(v) for k, v in value.items() if k != "windowEnd"}
    if isinstance(value, list):
        return [_without_window_end(v) for v in value]
    return value


async def test_the_command_leaves_every_figure_unchanged(gql, services, settings) -> None:
    await _seeded_world(services, settings)
    await scores.refresh_all(services)
    readers = await _readers(services, gql)
    before = await _snapshot(*readers)
    env = {
        "AMICABLE_DATABASE_URL": settings.resolved_database_url,
        "AMICABLE_DATA_DIR": str(settings.data_dir),
    }
    recomputed = _run(["scores", "recompute"], env)
    assert recomputed.returncode == 0, recomputed.stderr
    after = await _snapshot(*readers)
    assert _without_window_end(after) == _without_window_end(before)
