"""Inbound pipeline throughput on one process (target: at least 300 mails per second with
PostgreSQL).

    .venv/bin/python -m bench.inbound [--mails 2000] [--concurrency 8] [--database-url ...]
                                      [--profile]

`--profile` prints pyinstrument's report of the timed run to stderr (a dev extra; the
profiler's overhead lowers the rate it reports).

Company replies (the Gmail Dutch fixture, each with its own Message-ID) for 100 complaints
go through the whole pipeline: store raw, dedupe, classify, route, authenticate, trim, post
(which queues the relay to the consumer and updates the score). A scratch database is
created on the given server and dropped afterwards. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg

from amicable.db import close_db, open_db
from amicable.mail.inbound.pipeline import receive
from amicable.models import Message
from amicable.models.enums import Role
from amicable.models.mail import InboundDoor
from amicable.services import Services
from amicable.settings import Settings
from amicable.subscriptions.bus import EventBus
from tests.factories import make_company, make_complaint, make_user
from tests.mail.conftest import fill
from tests.test_feed_queries import counting_sql

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
STATEMENT_SAMPLE = 100
FIRST_REPLY_SAMPLE = 20


async def _admin(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _profiler() -> Any:
    from pyinstrument import Profiler

    # Every task on the loop: the mails are processed by several at once.
    profiler = Profiler(async_mode="disabled")
    profiler.start()
    return profiler


def _new_sentence() -> str:
    # A fresh token every few words: no run of words repeats a reply relayed earlier.
    a, b, c, d = (uuid.uuid4().hex[:6] for _ in range(4))
    return f"Afspraak {a}: technicus {b} vervangt {c} de modem {d}."


async def _mails(services: Services, count: int, first_replies: int) -> list[bytes]:
    """`count` replies over 100 threads, then one first reply on each of `first_replies`
    further threads."""
    services.settings.rate_limit_complaint_create = 1000
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    consumers = [await make_user(services, name=f"Klant{i} Peeters") for i in range(10)]
    complaints = [
        await make_complaint(services, consumers[i % 10], company)
        for i in range(100 + first_replies)
    ]
    templates = [await fill("gmail_nl.eml", c) for c in complaints]
    original = b"<CAH7x9kQ2mZp0bT5nL3rW8yVxGmail-nl@mail.gmail.com>"
    # Each reply says something new: a reply repeating what the thread already holds is
    # recognised as our own text (runs of words we mailed) and stops early as EMPTY,
    # which would flatter the rate.
    said = b"Onze technicus komt donderdag langs om de modem te vervangen."
    return [
        templates[i % 100 if i < count else i - count + 100]
        .replace(original, f"<bench-{uuid.uuid4().hex}@mail.gmail.com>".encode())
        .replace(said, _new_sentence().encode())
        for i in range(count + first_replies)
    ]


async def main(count: int, concurrency: int, server_url: str, profile: bool = False) -> dict:
    scratch = f"amicable_bench_inbound_{os.getpid()}"
    await _admin(server_url, f'DROP DATABASE IF EXISTS "{scratch}"')
    await _admin(server_url, f'CREATE DATABASE "{scratch}"')
    url = f"{server_url.rsplit('/', 1)[0]}/{scratch}"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=Path(tempfile.mkdtemp()),
        database_url=url,
        secret_key="bench",
        from_address="klachten@amicable.test",
        reply_domain="reply.amicable.test",
        rate_limit_inbound_mail=count + STATEMENT_SAMPLE + FIRST_REPLY_SAMPLE + 1,
    )
    await open_db(settings)
    bus = EventBus("memory://")
    await bus.connect()
    services = Services(settings=settings, events=bus)
    try:
        mails = await _mails(services, count + STATEMENT_SAMPLE, FIRST_REPLY_SAMPLE)
        sample = mails[count : count + STATEMENT_SAMPLE]
        first_sample = mails[count + STATEMENT_SAMPLE :]
        mails = mails[:count]
        outcomes: dict[str, int] = {}
        queue = list(reversed(mails))

        async def drain() -> None:
            while queue:
                verdict = await receive(services, queue.pop(), door=InboundDoor.SMTP)
                outcomes[verdict.outcome] = outcomes.get(verdict.outcome, 0) + 1

        profiler = _profiler() if profile else None
        started = time.perf_counter()
        await asyncio.gather(*(drain() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
        if profiler is not None:
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False), file=sys.stderr)
        # Statements per mail, counted apart from the timed run (logging them costs time).
        sampled: dict[str, int] = {}
        with counting_sql() as counter:
            for mail in sample:
                verdict = await receive(services, mail, door=InboundDoor.SMTP)
                sampled[verdict.outcome] = sampled.get(verdict.outcome, 0) + 1
        statements = len(counter.statements) / len(sample)
        # A thread's first company reply also moves the company's score aggregates.
        with counting_sql() as counter:
            for mail in first_sample:
                verdict = await receive(services, mail, door=InboundDoor.SMTP)
                sampled[verdict.outcome] = sampled.get(verdict.outcome, 0) + 1
        first_statements = len(counter.statements) / len(first_sample)
        posted = await Message.all().count()
    finally:
        await bus.disconnect()
        await close_db()
        await _admin(server_url, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    rate = count / elapsed
    return {
        "benchmark": "inbound_pipeline",
        "database": "postgres",
        "mails": count,
        "concurrency": concurrency,
        "outcomes": outcomes,
        "messages_posted": posted,
        "statements_per_mail": round(statements, 1),
        "statements_per_first_reply": round(first_statements, 1),
        "statement_sample_outcomes": sampled,
        "seconds": round(elapsed, 2),
        "mails_per_second": round(rate, 1),
        "target_mails_per_second": 300,
        "meets_target": rate >= 300,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--database-url", default=os.environ.get("AMICABLE_TEST_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--profile", action="store_true", help="pyinstrument report to stderr")
    args = parser.parse_args()
    result = asyncio.run(main(args.mails, args.concurrency, args.database_url, args.profile))
    print(json.dumps(result))
