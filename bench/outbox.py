"""Outbox exactly once: N queued mails, two `amicable worker` processes on PostgreSQL,
a real SMTP server counting what arrives (target: 10,000 mails, each once,
at 500 mails/s or more).

    .venv/bin/python -m bench.outbox [--mails 10000] [--database-url postgres://...]
                                     [--no-kill] [--profile] [--synchronous-sent]

`--profile` runs each worker under pyinstrument (a dev extra) and prints their reports to
stderr; no worker is killed then.

The database named by the URL is used as the server to create a scratch database on
(dropped afterwards). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from amicable.db import close_db, open_db
from amicable.models import OutboxMail
from amicable.models.mail import OutboxKind, RecipientKind
from amicable.settings import Settings
from tests.mail.conftest import CaptureServer, free_port

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
LEASE_SECONDS = 10
MESSAGE_ID = re.compile(rb"^Message-ID: *(<[^>\r\n]*>)", re.IGNORECASE | re.MULTILINE)


class CountingSink(CaptureServer):
    """The local relay: a real SMTP server (aiosmtpd) that keeps each mail's Message-ID
    only. The tests' capture server parses every mail it receives; here that parsing ran
    on the same two cores as the workers and set the pace, so the relay would have been
    measured instead of the outbox."""

    def __init__(self, port: int) -> None:
        super().__init__(port)
        self.message_ids: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        found = MESSAGE_ID.search(envelope.original_content or b"")
        self.message_ids.append(found.group(1).decode() if found else "")
        return "250 OK"


async def _admin(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _mail(index: int, message_id: str) -> str:
    return (
        "From: Klachtenplatform <klachten@amicable.test>\r\n"
        f"To: company{index % 50}@bench.example\r\n"
        f"Subject: [AM-BENCH] Klacht {index}\r\n"
        f"Message-ID: {message_id}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Klacht nummer {index}.\r\n"
    )


async def _queue(settings: Settings, count: int) -> set[str]:
    await open_db(settings)
    now = datetime.now(UTC)
    ids = {f"<bench-{uuid.uuid4().hex}@amicable.test>" for _ in range(count)}
    try:
        rows = [
            OutboxMail(
                kind=OutboxKind.COMPLAINT,
                recipient=f"company{i % 50}@bench.example",
                recipient_kind=RecipientKind.COMPANY,
                rfc_message_id=message_id,
                reply_token="bench",
                envelope_sender="bounces@amicable.test",
                content=_mail(i, message_id),
                next_attempt_at=now,
                created_at=now,
            )
            for i, message_id in enumerate(ids)
        ]
        await OutboxMail.bulk_create(rows, batch_size=1000)
    finally:
        await close_db()
    return ids


def _reports(folder: Path) -> str:
    return "\n".join(report.read_text() for report in sorted(folder.glob("*.profile.txt")))


async def main(
    count: int,
    server_url: str,
    kill: bool = True,
    profile: bool = False,
    synchronous_sent: bool = False,
) -> dict:
    scratch = f"amicable_bench_outbox_{os.getpid()}"
    base = server_url.rsplit("/", 1)[0]
    await _admin(server_url, f'DROP DATABASE IF EXISTS "{scratch}"')
    await _admin(server_url, f'CREATE DATABASE "{scratch}"')
    url = f"{base}/{scratch}"
    folder = Path(tempfile.mkdtemp())
    capture = CountingSink(free_port())
    await capture.start()
    workers: list[subprocess.Popen[bytes]] = []
    try:
        settings = Settings(_env_file=None, data_dir=folder, database_url=url)  # type: ignore[call-arg]
        expected = await _queue(settings, count)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AMICABLE_")}
        env.update(
            AMICABLE_DATA_DIR=str(folder),
            AMICABLE_DATABASE_URL=url,
            AMICABLE_SMTP_URL=f"smtp://127.0.0.1:{capture.port}",
            AMICABLE_OUTBOX_POLL_SECONDS="0.2",
            AMICABLE_OUTBOX_BATCH_SIZE="50",
            AMICABLE_OUTBOX_SYNCHRONOUS_SENT=str(synchronous_sent).lower(),
        )
        # A killed worker's claimed mails wait for their lease to lapse before the other
        # worker takes them over; a short lease keeps the run within minutes.
        env["AMICABLE_OUTBOX_LEASE_SECONDS"] = str(LEASE_SECONDS)

        def start_worker() -> subprocess.Popen[bytes]:
            log = (folder / f"worker{len(workers)}.log").open("wb")
            command = ["-m", "amicable.cli", "worker"]
            if profile:
                report = str(folder / f"worker{len(workers)}.profile.txt")
                command = ["-m", "pyinstrument", "-r", "text", "-o", report, *command]
            # Blocking the loop to start a process is harmless here.
            return subprocess.Popen(
                [sys.executable, *command],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

        started = time.perf_counter()
        for _ in range(2):
            workers.append(start_worker())
        deadline = time.monotonic() + 600
        kills = 0
        # Polls a counter the SMTP server updates; nothing to wait on but time.
        while len(capture.message_ids) < count and time.monotonic() < deadline:
            if kill and not kills and len(capture.message_ids) >= count // 3:
                # SIGKILL mid-run: no chance to finish a batch or release its claims.
                workers[0].send_signal(signal.SIGKILL)
                kills += 1
                workers.append(start_worker())
            await asyncio.sleep(0.2)
        elapsed = time.perf_counter() - started
        await asyncio.sleep(2)  # anything sent twice would arrive now
    finally:
        for worker in workers:
            if worker.poll() is None:
                # SIGINT: the worker stops as on Ctrl-C, so a profiler writes its report.
                worker.send_signal(signal.SIGINT if profile else signal.SIGTERM)
            worker.wait(timeout=30)
        if profile:
            print(await asyncio.to_thread(_reports, folder), file=sys.stderr)
        await capture.stop()
        await _admin(server_url, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    seen = Counter(capture.message_ids)
    duplicates = sum(n - 1 for n in seen.values() if n > 1)
    missing = len(expected - set(seen))
    return {
        "benchmark": "outbox_exactly_once",
        "mails": count,
        "workers": 2,
        "synchronous_sent": synchronous_sent,
        "received": len(capture.message_ids),
        "duplicates": duplicates,
        "missing": missing,
        "workers_killed": kills,
        "lease_seconds": LEASE_SECONDS,
        "exactly_once": duplicates == 0 and missing == 0,
        # The target: none lost, at most one duplicate per kill, at 500 mails/s or more.
        "meets_target": missing == 0 and duplicates <= kills and count / elapsed >= 500,
        "seconds": round(elapsed, 2),
        "mails_per_second": round(count / elapsed, 1),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mails", type=int, default=10_000)
    parser.add_argument("--no-kill", action="store_true", help="no worker SIGKILLed mid-run")
    parser.add_argument(
        "--database-url", default=os.environ.get("AMICABLE_TEST_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--profile", action="store_true", help="pyinstrument reports to stderr")
    parser.add_argument(
        "--synchronous-sent",
        action="store_true",
        help="each SENT record waits for the disk flush (AMICABLE_OUTBOX_SYNCHRONOUS_SENT)",
    )
    args = parser.parse_args()
    kill = not (args.no_kill or args.profile)
    result = asyncio.run(
        main(args.mails, args.database_url, kill, args.profile, args.synchronous_sent)
    )
    print(json.dumps(result))
