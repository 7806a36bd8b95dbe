"""Dashboard read time: a company with 100 complaints against one with 100,000.

    .venv/bin/python bench/dashboard.py [--database-url URL] [--reads 300]

Both companies' complaints are spread over four years (a quarter inside the score window),
inserted in bulk and aggregated with `rebuild_company` (what `amicable scores recompute`
does). Each read is the full GraphQL request for `company { score stats }` over ASGI; the
two companies are read alternately and the median is reported. Prints one JSON object;
the target is a ratio within 1.2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from amicable.app import create_app
from amicable.db import close_db, open_db
from amicable.models import Company, Complaint, User
from amicable.models.enums import ComplaintStatus, Outcome, Role, Visibility
from amicable.resolvers import scores
from amicable.resolvers.complaints import CATEGORIES
from amicable.services import Services
from amicable.settings import Settings
from amicable.subscriptions.bus import EventBus

NOW = datetime.now(UTC)
SPAN = timedelta(days=4 * 365)
QUERY = """query($slug: String!) { company(slug: $slug) {
  score { value label received eligible answered resolved unresolved
          responseRate { value hits total } speed { value hits total }
          resolution { value hits total } meanFirstResponseHours medianFirstResponseHours }
  stats { month received answered resolved unresolved medianFirstResponseHours } } }"""


async def _company(slug: str, consumer: User, count: int, rng: random.Random) -> Company:
    company = Company(name=slug.title(), slug=slug, listed=True)
    company.refresh_search_text()
    await company.save()
    rows = []
    for n in range(count):
        sent = NOW - timedelta(seconds=rng.uniform(60, SPAN.total_seconds()))
        replied = sent + timedelta(hours=rng.expovariate(1 / 60)) if rng.random() < 0.8 else None
        if replied is not None and replied > NOW:
            replied = None
        outcome = rng.choice([Outcome.RESOLVED, Outcome.UNRESOLVED, None])
        status = (
            ComplaintStatus(outcome.value)
            if outcome
            else ComplaintStatus.ANSWERED
            if replied
            else ComplaintStatus.WAITING_FOR_COMPANY
        )
        rows.append(
            Complaint(
                reference=f"B-{slug[:3]}-{n}",
                consumer_id=consumer.id,
                company_id=company.id,
                title="Factuur twee keer betaald",
                description="Mijn eindafrekening werd twee keer afgeschreven.",
                public_title="Factuur twee keer betaald",
                public_description="Mijn eindafrekening werd twee keer afgeschreven.",
                category=rng.choice(CATEGORIES),
                visibility=Visibility.PUBLIC,
                status=status,
                created_at=sent,
                last_activity_at=replied or sent,
                sent_at=sent,
                first_company_reply_at=replied,
                outcome=outcome,
                closed_at=NOW if outcome else None,
            )
        )
    await Complaint.bulk_create(rows, batch_size=2000)
    return company


async def _read_time(http: httpx.AsyncClient, slug: str) -> float:
    started = time.perf_counter()
    response = await http.post("/graphql", json={"query": QUERY, "variables": {"slug": slug}})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return elapsed


async def run(database_url: str | None, reads: int, data_dir: Path) -> dict[str, object]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=data_dir,
        database_url=database_url,
        secret_key="bench",
        smtpd_bind="off",
    )
    await open_db(settings)
    try:
        rng = random.Random(5)
        consumer = await User.create(
            email=f"bench-{uuid.uuid4().hex[:6]}@example.org",
            password_hash="",
            full_name="Bench Consumer",
            role=Role.CONSUMER,
        )
        suffix = uuid.uuid4().hex[:6]
        sizes = {f"small-{suffix}": 100, f"large-{suffix}": 100_000}
        bus = EventBus("memory://")
        services = Services(settings=settings, events=bus)
        started = time.perf_counter()
        for slug, count in sizes.items():
            company = await _company(slug, consumer, count, rng)
            await scores.rebuild_company(services, company.id)
        setup_seconds = time.perf_counter() - started
        # The computation itself (response cache off), and what the public is served (the
        # response cache on: a dashboard is read far more often than its company changes).
        uncached = settings.model_copy(update={"response_cache_entries": 0})
        apps = {
            "uncached": create_app(
                uncached, services=Services(settings=uncached, events=bus), mail_worker=False
            ),
            "cached": create_app(settings, services=services, mail_worker=False),
        }
        timings: dict[str, dict[str, list[float]]] = {
            mode: {slug: [] for slug in sizes} for mode in apps
        }
        for mode, app in apps.items():
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
                for slug in sizes:  # warm up caches and the query planner
                    for _ in range(20):
                        await _read_time(http, slug)
                for _ in range(reads):
                    for slug in sizes:
                        timings[mode][slug].append(await _read_time(http, slug))
        small, large = (statistics.median(timings["uncached"][slug]) * 1000 for slug in sizes)
        cached_small, cached_large = (
            statistics.median(timings["cached"][slug]) * 1000 for slug in sizes
        )
        return {
            "benchmark": "dashboard read (GraphQL company { score stats })",
            "database": settings.resolved_database_url.split(":", 1)[0],
            "complaints": list(sizes.values()),
            "reads_each": reads,
            "small_median_ms": round(small, 3),
            "large_median_ms": round(large, 3),
            "ratio": round(large / small, 3),
            "target_ratio": 1.2,
            "meets_target": large / small <= 1.2,
            "cached_small_median_ms": round(cached_small, 3),
            "cached_large_median_ms": round(cached_large, 3),
            "cached_ratio": round(cached_large / cached_small, 3),
            "setup_seconds": round(setup_seconds, 1),
        }
    finally:
        await close_db()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--reads", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = asyncio.run(run(args.database_url, args.reads, Path(folder)))
    sys.stdout.write(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
