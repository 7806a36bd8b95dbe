"""Nudges exactly once: N silent complaints whose first reminder is due, two nudge workers
(two concurrent loops in one process, each with its own connections) on PostgreSQL; how fast
the reminders are composed into the outbox, and that each went in once.

    .venv/bin/python -m bench.nudges [--complaints 2000] [--database-url postgres://...]

The database named by the URL is used as the server to create a scratch database on
(dropped afterwards). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from amicable.db import close_db, open_db
from amicable.models import Company, CompanyAddress, Complaint, Nudge, OutboxMail, User
from amicable.models.enums import ComplaintStatus
from amicable.models.nudge import NudgeKind, NudgeStatus
from amicable.resolvers.nudge_worker import NudgeWorker
from amicable.services import Services
from amicable.settings import Settings
from amicable.subscriptions.bus import EventBus

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"


async def _admin(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _seed(count: int) -> None:
    now = datetime.now(UTC)
    sent = now - timedelta(days=8)
    company = await Company.create(name="Bench", slug="bench")
    await CompanyAddress.create(company=company, email="klachten@bench.example")
    consumer = await User.create(
        email="consumer@bench.example", password_hash="x", full_name="Bench Consumer"
    )
    complaints = [
        Complaint(
            reference=f"AM-{uuid.uuid4().hex[:8].upper()}",
            consumer_id=consumer.id,
            company_id=company.id,
            title=f"Klacht {i}",
            description="Geen antwoord.",
            public_title=f"Klacht {i}",
            public_description="Geen antwoord.",
            status=ComplaintStatus.WAITING_FOR_COMPANY,
            created_at=sent,
            sent_at=sent,
        )
        for i in range(count)
    ]
    await Complaint.bulk_create(complaints, batch_size=1000)
    ids = await Complaint.all().values_list("id", flat=True)
    await Nudge.bulk_create(
        [
            Nudge(
                kind=NudgeKind.REMINDER,
                complaint_id=cid,
                step=1,
                dedupe_key=f"REMINDER:{cid}:1",
                due_at=sent + timedelta(days=7),
                created_at=sent,
            )
            for cid in ids
        ],
        batch_size=1000,
    )


async def _loop(worker: NudgeWorker) -> int:
    total = 0
    while claimed := await worker.run_once():
        total += claimed
    return total


async def main(count: int, server_url: str) -> dict:
    scratch = f"amicable_bench_nudges_{os.getpid()}"
    base = server_url.rsplit("/", 1)[0]
    await _admin(server_url, f'DROP DATABASE IF EXISTS "{scratch}"')
    await _admin(server_url, f'CREATE DATABASE "{scratch}"')
    folder = Path(tempfile.mkdtemp())
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=folder, database_url=f"{base}/{scratch}", agent_digest=False
    )
    await open_db(settings)
    try:
        await _seed(count)
        services = Services(settings=settings, events=EventBus("memory://"))
        await services.events.connect()
        started = time.perf_counter()
        claimed = await asyncio.gather(
            _loop(NudgeWorker(services, name="a")), _loop(NudgeWorker(services, name="b"))
        )
        elapsed = time.perf_counter() - started
        await services.events.disconnect()
        sent = await Nudge.filter(status=NudgeStatus.SENT).count()
        mails = await OutboxMail.all().count()
        per_complaint = await OutboxMail.all().distinct().values_list("complaint_id", flat=True)
    finally:
        await close_db()
        await _admin(server_url, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    return {
        "benchmark": "nudges_exactly_once",
        "complaints": count,
        "workers": 2,
        "claimed_per_worker": claimed,
        "sent": sent,
        "mails_queued": mails,
        "exactly_once": sent == count and mails == count and len(per_complaint) == count,
        "seconds": round(elapsed, 2),
        "nudges_per_second": round(count / elapsed, 1),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--complaints", type=int, default=2000)
    parser.add_argument(
        "--database-url", default=os.environ.get("AMICABLE_TEST_DATABASE_URL", DEFAULT_URL)
    )
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.complaints, args.database_url))))
