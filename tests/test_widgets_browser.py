"""The badge and chart in a real browser: headless Chromium loads a page that embeds both
SVGs as an `<img>` (how sites embed them) and as an `<object>` (so the page can read the
rendered document), and reports what it shows; the figures must be the dashboard's."""

from __future__ import annotations

import asyncio
import html
import json
import re
import shutil

import pytest

from amicable.schema.types.score import ScoreLabel
from tests.test_widgets import make_history

pytestmark = pytest.mark.browser

PAGE = """<!doctype html>
<html><body>
<img id="badge-img" src="badge.svg"><img id="chart-img" src="chart.svg">
<object id="badge" type="image/svg+xml" data="badge.svg"></object>
<object id="chart" type="image/svg+xml" data="chart.svg"></object>
<pre id="out"></pre>
<script>
window.addEventListener("load", () => {
  const read = (id) => {
    const doc = document.getElementById(id).contentDocument;
    return Array.from(doc.querySelectorAll("text")).map((t) => ({
      id: t.id, cls: t.getAttribute("class"), text: t.textContent,
      width: t.getComputedTextLength(),
    }));
  };
  document.getElementById("out").textContent = JSON.stringify({
    badgeImage: document.getElementById("badge-img").naturalWidth,
    chartImage: document.getElementById("chart-img").naturalWidth,
    badge: read("badge"),
    chart: read("chart"),
  });
});
</script></body></html>"""


async def _render(folder) -> dict:
    chromium = shutil.which("chromium")
    assert chromium is not None
    process = await asyncio.create_subprocess_exec(
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--allow-file-access-from-files",
        "--virtual-time-budget=10000",
        "--dump-dom",
        (folder / "page.html").as_uri(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    dom, _ = await process.communicate()
    match = re.search(r'<pre id="out">(.*?)</pre>', dom.decode(), re.S)
    assert match and match.group(1), dom.decode()[-2000:]
    return json.loads(html.unescape(match.group(1)))


async def test_badge_and_chart_show_the_dashboard_in_chromium(client, gql, services, tmp_path):
    history = await make_history(services)
    slug = history.company.slug
    company = (
        await gql.data(
            "query($slug: String!) { company(slug: $slug) {"
            " score { value label received } stats { month received answered } } }",
            slug=slug,
        )
    )["company"]
    for widget in ("badge.svg", "chart.svg"):
        response = await client.get(f"/widgets/companies/{slug}/{widget}?lang=fr")
        (tmp_path / widget).write_bytes(response.content)
    (tmp_path / "page.html").write_text(PAGE)

    shown = await _render(tmp_path)

    assert shown["badgeImage"] == 320 and shown["chartImage"] == 520
    badge = {t["id"]: t for t in shown["badge"] if t["id"]}
    assert badge["score"]["text"] == f"{company['score']['value']:.1f}".replace(".", ",")
    assert (
        badge["label"]["text"]
        == {"good": "bon", "very good": "très bon", "fair": "moyen"}[
            ScoreLabel[company["score"]["label"]].value
        ]
    )
    assert badge["count"]["text"] == "5 plaintes sur les 12 derniers mois"
    assert badge["name"]["text"] == "Telenova"
    assert all(t["width"] > 0 for t in badge.values())  # laid out with a real font

    received = [int(t["text"]) for t in shown["chart"] if t["cls"] == "received-value"]
    answered = [int(t["text"]) for t in shown["chart"] if t["cls"] == "answered-value"]
    assert received == [m["received"] for m in company["stats"]]
    assert answered == [m["answered"] for m in company["stats"]]
    months = [t["text"] for t in shown["chart"] if t["cls"] == "month-label"]
    assert months[-1] == "juin 26" and len(months) == 12
