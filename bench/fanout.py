"""Live fan-out: one company reply delivered to N websocket subscribers of one complaint.

    .venv/bin/python -m bench.fanout [--subscribers 1000] [--rounds 3]
    .venv/bin/python -m bench.fanout --subscribers 5000 --processes 2 \
        --broadcast-url redis://127.0.0.1:6379/0 --database-url postgres://...

Starts `amicable serve` subprocesses (SQLite and `memory://` events by default), opens N
graphql-transport-ws connections subscribed to `messageAdded` (spread over the processes),
then posts company replies to the first process over HTTP and times each delivery from
just before the POST to its arrival (the client runs on uvloop, as the servers do). Also
reports the servers' resident memory per idle subscription. Prints one JSON object.
Targets: p99 at most 100 ms for 1,000 subscribers on one process, at most 1 s for 10,000
over two (Redis); at most 30 KB per idle subscription.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import uvloop
import websockets

from amicable.db import close_db, open_db
from amicable.models.enums import Role, Visibility
from amicable.services import Services
from amicable.settings import Settings
from amicable.subscriptions.bus import EventBus
from tests.factories import gid, make_company, make_complaint, make_user

SUBSCRIPTION = "subscription($id: ID!) { messageAdded(complaintId: $id) { id body } }"
POST = (
    "mutation($id: ID!, $b: String!) {"
    " messagePost(input: {complaintId: $id, body: $b}) { errors { code } } }"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def _seed(settings: Settings) -> tuple[str, str]:
    await open_db(settings)
    bus = EventBus("memory://")
    services = Services(settings=settings, events=bus)
    try:
        moderator = await make_user(services, Role.MODERATOR)
        company = await make_company(moderator.viewer, "Telenova")
        consumer = await make_user(services)
        agent = await make_user(services, Role.AGENT, company=company)
        complaint = await make_complaint(services, consumer, company, visibility=Visibility.PUBLIC)
        return gid("Complaint", complaint.id), agent.token
    finally:
        await close_db()


class Subscriber:
    def __init__(self) -> None:
        self.arrivals: list[float] = []
        self.ready = asyncio.Event()

    async def run(self, url: str, complaint_id: str, stop: asyncio.Event) -> None:
        async with websockets.connect(
            url,
            subprotocols=["graphql-transport-ws"],
            open_timeout=60,
            max_queue=None,  # type: ignore[list-item]
        ) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            await ws.recv()
            await ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {"query": SUBSCRIPTION, "variables": {"id": complaint_id}},
                    }
                )
            )
            self.ready.set()
            receiver = asyncio.create_task(self._receive(ws))
            await stop.wait()
            receiver.cancel()

    async def _receive(self, ws: websockets.ClientConnection) -> None:
        async for raw in ws:
            if json.loads(raw).get("type") == "next":
                self.arrivals.append(time.perf_counter())


async def _wait_for(subscribers: list[Subscriber], count: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(len(s.arrivals) >= count for s in subscribers):
            return True
        await asyncio.sleep(0.01)
    return False


async def _scratch_database(server_url: str | None) -> str | None:
    if not server_url:
        return None
    import asyncpg

    name = f"amicable_bench_fanout_{os.getpid()}"
    connection = await asyncpg.connect(server_url.replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return f"{server_url.rsplit('/', 1)[0]}/{name}"


def _start_servers(
    count: int, env: dict[str, str], folder: Path
) -> list[tuple[int, subprocess.Popen[bytes]]]:
    servers = []
    for index in range(count):
        port = _free_port()
        log = (folder / f"server{index}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "amicable.cli", "serve", "--port", str(port), "--no-worker"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        servers.append((port, process))
    return servers


async def _healthy(port: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
        for _ in range(600):
            try:
                if (await http.get("/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not start")


async def main(
    n: int, rounds: int, processes: int, broadcast_url: str, database_url: str | None
) -> dict:
    folder = Path(tempfile.mkdtemp())
    scratch = await _scratch_database(database_url)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=folder, secret_key="bench", database_url=scratch
    )
    complaint_id, agent_token = await _seed(settings)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMICABLE_")}
    env.update(
        AMICABLE_DATA_DIR=str(folder),
        AMICABLE_SMTPD_BIND="off",
        AMICABLE_SECRET_KEY="bench",
        AMICABLE_BROADCAST_URL=broadcast_url,
    )
    if scratch:
        env["AMICABLE_DATABASE_URL"] = scratch
    servers = _start_servers(processes, env, folder)
    try:
        await asyncio.gather(*(_healthy(port) for port, _ in servers))
        rss_before = sum(_rss_kb(process.pid) for _, process in servers)
        stop = asyncio.Event()
        subscribers = [Subscriber() for _ in range(n)]
        tasks = []
        for start in range(0, n, 100):  # connect in batches: a burst of handshakes
            batch = subscribers[start : start + 100]
            for offset, subscriber in enumerate(batch):
                port = servers[(start + offset) % processes][0]
                url = f"ws://127.0.0.1:{port}/graphql"
                tasks.append(asyncio.create_task(subscriber.run(url, complaint_id, stop)))
            await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in batch)), 120)
        headers = {"Authorization": f"Bearer {agent_token}"}
        # Replies go to the first process; subscribers on the others hear of them via the bus.
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{servers[0][0]}", timeout=60
        ) as http:

            async def reply(body: str) -> None:
                answer = await http.post(
                    "/graphql",
                    json={"query": POST, "variables": {"id": complaint_id, "b": body}},
                    headers=headers,
                )
                # A refused reply publishes nothing: say so rather than time a silence.
                refusal = answer.json()
                refusal = refusal.get("errors") or (refusal.get("data") or {}).get(
                    "messagePost", {}
                ).get("errors")
                if answer.status_code != 200 or refusal:
                    raise RuntimeError(f"the reply was refused: {answer.status_code} {refusal}")

            # A first reply proves every subscription is live before anything is timed.
            await reply("warm-up")
            all_live = await _wait_for(subscribers, 1, 120)
            await asyncio.sleep(1)
            rss_idle = sum(_rss_kb(process.pid) for _, process in servers)
            latencies: list[float] = []
            per_round: list[float] = []
            for round_number in range(rounds):
                sent = time.perf_counter()
                await reply(f"Antwoord {round_number}")
                delivered = await _wait_for(subscribers, round_number + 2, 120)
                this_round = sorted(
                    (s.arrivals[round_number + 1] - sent) * 1000
                    for s in subscribers
                    if len(s.arrivals) > round_number + 1
                )
                latencies += this_round
                if this_round:
                    per_round.append(round(this_round[int(len(this_round) * 0.99) - 1], 1))
                if not delivered:
                    break
                await asyncio.sleep(0.5)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        for _, process in servers:
            process.terminate()
            process.wait(timeout=30)
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else None
    per_subscription_kb = (rss_idle - rss_before) / n
    return {
        "benchmark": "fanout",
        "processes": processes,
        "broadcast": broadcast_url.split(":")[0],
        "database": "postgres" if scratch else "sqlite",
        "subscribers": n,
        "rounds": rounds,
        "all_subscriptions_live": all_live,
        "deliveries": len(latencies),
        "expected_deliveries": n * rounds,
        "latency_ms_p50": round(statistics.median(latencies), 1) if latencies else None,
        "latency_ms_p99": round(p99, 1) if p99 is not None else None,
        "latency_ms_max": round(latencies[-1], 1) if latencies else None,
        "latency_ms_p99_per_round": per_round,
        "server_rss_kb_before": rss_before,
        "server_rss_kb_with_idle_subscriptions": rss_idle,
        "kb_per_idle_subscription": round(per_subscription_kb, 1),
        "targets": {
            "latency_ms_p99": 100 if processes == 1 else 1000,
            "kb_per_idle_subscription": 30,
        },
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--broadcast-url", default="memory://")
    parser.add_argument("--database-url", default=None, help="a Postgres server to work on")
    args = parser.parse_args()
    # The client that holds every websocket runs on the servers' cores: on uvloop, as the
    # servers do (uvicorn picks it), its own reading weighs less in the figures.
    result = uvloop.run(
        main(args.subscribers, args.rounds, args.processes, args.broadcast_url, args.database_url)
    )
    print(json.dumps(result))
