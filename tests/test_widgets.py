"""The embeddable badge and chart: the public dashboard's figures, in the asked language,
only for listed companies, cached by ETag, and safe to embed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from amicable.models.enums import Outcome, Role
from amicable.schema.types.score import ScoreLabel
from tests.factories import make_company, make_user
from tests.scoring.history import History

NS = {"svg": "http://www.w3.org/2000/svg"}
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


async def make_history(services, name: str = "Telenova") -> History:
    """Five complaints over three months: four answered within a day, three resolved."""
    services.settings.score_minimum_eligible = 3
    history = await History.start(services, name)
    for index in range(5):
        filed = NOW - timedelta(days=70 - index * 15)
        complaint = await history.file(filed)
        if index < 4:
            await history.reply(complaint, filed + timedelta(hours=5))
            outcome = Outcome.RESOLVED if index < 3 else Outcome.UNRESOLVED
            await history.close(complaint, outcome, filed + timedelta(days=2))
    history.at(NOW)
    return history


def texts(svg: str) -> dict[str, str]:
    root = ET.fromstring(svg)
    return {
        el.get("id"): "".join(el.itertext())
        for el in root.iter(f"{{{NS['svg']}}}text")
        if el.get("id")
    }


async def test_badge_shows_the_dashboards_score_label_and_count(client, gql, services):
    history = await make_history(services)
    slug = history.company.slug
    board = (
        await gql.data(
            "query($slug: String!) { company(slug: $slug) { score { value label received } } }",
            slug=slug,
        )
    )["company"]["score"]
    assert board["value"] is not None and board["received"] == 5

    en = await client.get(f"/widgets/companies/{slug}/badge.svg?lang=en")
    assert en.status_code == 200
    assert en.headers["content-type"] == "image/svg+xml; charset=utf-8"
    assert en.headers["cache-control"] == "public, max-age=600"
    shown = texts(en.text)
    assert shown["score"] == f"{board['value']:.1f}"
    # The API names the label by its enum name; the widget shows its value.
    assert shown["label"] == ScoreLabel[board["label"]].value
    assert shown["count"] == "5 complaints in the last 12 months"
    assert shown["name"] == "Telenova"

    nl = texts((await client.get(f"/widgets/companies/{slug}/badge.svg")).text)
    assert nl["score"] == f"{board['value']:.1f}".replace(".", ",")
    assert nl["count"] == "5 klachten in de laatste 12 maanden"
    fr = await client.get(
        f"/widgets/companies/{slug}/badge.svg",
        headers={"Accept-Language": "de-DE, fr-BE;q=0.8, en;q=0.5"},
    )
    assert texts(fr.text)["count"] == "5 plaintes sur les 12 derniers mois"


async def test_badge_below_the_minimum_shows_no_score(client, services):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer, "Nieuwkomer")
    shown = texts((await client.get(f"/widgets/companies/{company.slug}/badge.svg")).text)
    assert shown["score"] == "\u2013"
    assert shown["label"] == "onvoldoende gegevens"
    assert shown["count"] == "0 klachten in de laatste 12 maanden"


async def test_unlisted_answers_like_unknown(client, services):
    moderator = await make_user(services, Role.MODERATOR)
    hidden = await make_company(moderator.viewer, "Verborgen", listed=False)
    for widget in ("badge.svg", "chart.svg"):
        unlisted = await client.get(f"/widgets/companies/{hidden.slug}/{widget}")
        unknown = await client.get(f"/widgets/companies/no-such-company/{widget}")
        assert (unlisted.status_code, unlisted.text) == (404, "Not found.")
        assert (unknown.status_code, unknown.text) == (404, "Not found.")
        assert unlisted.headers == unknown.headers


async def test_conditional_get_answers_304(client, services):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer, "Telenova")
    for widget in ("badge.svg", "chart.svg"):
        url = f"/widgets/companies/{company.slug}/{widget}"
        first = await client.get(url)
        etag = first.headers["etag"]
        again = await client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag
        other_language = await client.get(url + "?lang=fr", headers={"If-None-Match": etag})
        assert other_language.status_code == 200


async def test_names_are_escaped_and_nothing_runs(client, services):
    moderator = await make_user(services, Role.MODERATOR)
    name = '<script>alert(1)</script> & "Co" <img onerror=x>'
    company = await make_company(moderator.viewer, name)
    for widget in ("badge.svg", "chart.svg"):
        body = (await client.get(f"/widgets/companies/{company.slug}/{widget}")).text
        root = ET.fromstring(body)  # well-formed XML
        tags = {el.tag.split("}")[1] for el in root.iter()}
        assert tags <= {"svg", "title", "rect", "text", "g"}
        assert all(
            not attr.lower().startswith("on") and "href" not in attr.lower()
            for el in root.iter()
            for attr in el.attrib
        )
        assert "<script" not in body
    shown = texts((await client.get(f"/widgets/companies/{company.slug}/badge.svg")).text)
    assert shown["name"] == name[:39] + "…"


async def test_chart_shows_the_monthly_series(client, gql, services):
    history = await make_history(services)
    slug = history.company.slug
    stats = (
        await gql.data(
            "query($slug: String!) { company(slug: $slug) { stats { month received answered } } }",
            slug=slug,
        )
    )["company"]["stats"]
    body = (await client.get(f"/widgets/companies/{slug}/chart.svg?lang=en")).text
    root = ET.fromstring(body)
    groups = [g for g in root.iter(f"{{{NS['svg']}}}g") if g.get("class") == "month"]
    shown = [
        {
            "month": g.get("data-month"),
            "received": int(g.find("svg:text[@class='received-value']", NS).text),
            "answered": int(g.find("svg:text[@class='answered-value']", NS).text),
        }
        for g in groups
    ]
    assert shown == stats
    assert len(shown) == 12 and sum(m["received"] for m in shown) == 5


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
async def test_every_language_renders(client, services, lang):
    history = await make_history(services)
    response = await client.get(f"/widgets/companies/{history.company.slug}/chart.svg?lang={lang}")
    ET.fromstring(response.text)
    assert response.status_code == 200


async def test_a_merged_companys_old_slug_shows_the_survivor(client, services):
    from amicable.resolvers import merge

    moderator = await make_user(services, Role.MODERATOR)
    survivor = await make_company(moderator.viewer, "Telenova")
    duplicate = await make_company(moderator.viewer, "Tele Nova")
    old_slug = duplicate.slug
    await merge.merge(services, moderator.viewer, survivor.id, duplicate.id)
    shown = texts((await client.get(f"/widgets/companies/{old_slug}/badge.svg")).text)
    assert shown["name"] == "Telenova"
