"""Live fan-out: one company reply delivered to N websocket subscribers of one complaint.

    .venv/bin/python -m bench.fanout [--subscribers 1000] [--rounds 3]

Starts `amicable serve` as a subprocess on SQLite and `memory://` events, opens N
graphql-transport-ws connections subscribed to `messageAdded`, then posts company replies
over HTTP and times each delivery from just before the POST to its arrival. Also reports the
server's resident memory per idle subscription. Prints one JSON object. Targets (PRODUCT.md
section 10): p99 under 300 ms for 1,000 subscribers; under 50 KB per idle subscription.
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


async def main(n: int, rounds: int) -> dict:
    folder = Path(tempfile.mkdtemp())
    settings = Settings(_env_file=None, data_dir=folder, secret_key="bench")  # type: ignore[call-arg]
    complaint_id, agent_token = await _seed(settings)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMICABLE_")}
    env.update(
        AMICABLE_DATA_DIR=str(folder), AMICABLE_SMTPD_BIND="off", AMICABLE_SECRET_KEY="bench"
    )
    log = (folder / "server.log").open("wb")
    # Started once, before anything is timed; blocking the loop for it is harmless here.
    server = subprocess.Popen(  # noqa: ASYNC220
        [sys.executable, "-m", "amicable.cli", "serve", "--port", str(port), "--no-worker"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            for _ in range(300):
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    await asyncio.sleep(0.1)
            rss_before = _rss_kb(server.pid)
            stop = asyncio.Event()
            subscribers = [Subscriber() for _ in range(n)]
            tasks = []
            for start in range(0, n, 100):  # connect in batches: a burst of 1,000 handshakes
                batch = subscribers[start : start + 100]
                tasks += [
                    asyncio.create_task(s.run(f"ws://127.0.0.1:{port}/graphql", complaint_id, stop))
                    for s in batch
                ]
                await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in batch)), 60)
            # A first reply proves every subscription is live before anything is timed.
            headers = {"Authorization": f"Bearer {agent_token}"}
            await http.post(
                "/graphql",
                json={"query": POST, "variables": {"id": complaint_id, "b": "warm-up"}},
                headers=headers,
            )
            all_live = await _wait_for(subscribers, 1, 60)
            await asyncio.sleep(1)
            rss_idle = _rss_kb(server.pid)
            latencies: list[float] = []
            for round_number in range(rounds):
                sent = time.perf_counter()
                await http.post(
                    "/graphql",
                    json={
                        "query": POST,
                        "variables": {"id": complaint_id, "b": f"Antwoord {round_number}"},
                    },
                    headers=headers,
                )
                delivered = await _wait_for(subscribers, round_number + 2, 60)
                latencies += [
                    (s.arrivals[round_number + 1] - sent) * 1000
                    for s in subscribers
                    if len(s.arrivals) > round_number + 1
                ]
                if not delivered:
                    break
                await asyncio.sleep(0.5)
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else None
    per_subscription_kb = (rss_idle - rss_before) / n
    return {
        "benchmark": "fanout_one_process",
        "subscribers": n,
        "rounds": rounds,
        "all_subscriptions_live": all_live,
        "deliveries": len(latencies),
        "expected_deliveries": n * rounds,
        "latency_ms_p50": round(statistics.median(latencies), 1) if latencies else None,
        "latency_ms_p99": round(p99, 1) if p99 is not None else None,
        "latency_ms_max": round(latencies[-1], 1) if latencies else None,
        "server_rss_kb_before": rss_before,
        "server_rss_kb_with_idle_subscriptions": rss_idle,
        "kb_per_idle_subscription": round(per_subscription_kb, 1),
        "targets": {"latency_ms_p99": 300, "kb_per_idle_subscription": 50},
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.subscribers, args.rounds))))
