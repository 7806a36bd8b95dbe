"""Memory kept per delivered websocket frame under a steady fan-out.

    .venv/bin/python -m bench.memory [--subscribers 200] [--events 150]

Starts one `amicable serve` process (SQLite, `memory://` events), opens N graphql-transport-ws
subscriptions to one complaint's `messageAdded`, then posts company replies over HTTP, each
delivered to every subscriber. The events go in two equal phases after a warm-up; the
server's resident memory is read after each. Memory a server keeps per delivered frame is
the growth over a phase divided by the frames delivered in it: a leak shows as the same
positive figure in both phases, a server that levels off as about zero in the second.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
from pathlib import Path

import httpx

from amicable.settings import Settings
from bench.fanout import (
    POST,
    Subscriber,
    _healthy,
    _rss_kb,
    _seed,
    _start_servers,
    _wait_for,
)


async def _phase(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    complaint_id: str,
    subscribers: list[Subscriber],
    start: int,
    events: int,
) -> int:
    """Post `events` replies one after another, each waited for by every subscriber."""
    delivered_before = sum(len(s.arrivals) for s in subscribers)
    for number in range(start, start + events):
        await http.post(
            "/graphql",
            json={"query": POST, "variables": {"id": complaint_id, "b": f"Antwoord {number}"}},
            headers=headers,
        )
        await _wait_for(subscribers, number + 1, 60)
    return sum(len(s.arrivals) for s in subscribers) - delivered_before


async def main(n: int, events: int, warmup: int) -> dict:
    folder = Path(tempfile.mkdtemp())
    settings = Settings(_env_file=None, data_dir=folder, secret_key="bench")  # type: ignore[call-arg]
    complaint_id, agent_token = await _seed(settings)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMICABLE_")}
    env.update(
        AMICABLE_DATA_DIR=str(folder),
        AMICABLE_SMTPD_BIND="off",
        AMICABLE_SECRET_KEY="bench",
        AMICABLE_BROADCAST_QUEUE_SIZE="1000",
    )
    [(port, process)] = _start_servers(1, env, folder)
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []
    try:
        await _healthy(port)
        subscribers = [Subscriber() for _ in range(n)]
        url = f"ws://127.0.0.1:{port}/graphql"
        for first in range(0, n, 100):
            batch = subscribers[first : first + 100]
            tasks += [asyncio.create_task(s.run(url, complaint_id, stop)) for s in batch]
            await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in batch)), 120)
        headers = {"Authorization": f"Bearer {agent_token}"}
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            # Warm-up: caches, pools and allocator arenas fill before anything is measured.
            await _phase(http, headers, complaint_id, subscribers, 0, warmup)
            await asyncio.sleep(1)
            rss = [_rss_kb(process.pid)]
            frames = []
            for phase in range(2):
                frames.append(
                    await _phase(
                        http, headers, complaint_id, subscribers, warmup + phase * events, events
                    )
                )
                await asyncio.sleep(1)
                rss.append(_rss_kb(process.pid))
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        process.terminate()
        process.wait(timeout=30)
    per_frame = [
        round((rss[i + 1] - rss[i]) * 1024 / frames[i], 1) if frames[i] else None for i in range(2)
    ]
    return {
        "benchmark": "memory",
        "subscribers": n,
        "events_per_phase": events,
        "frames_delivered": sum(frames),
        "frames_per_phase": frames,
        "server_rss_kb": rss,
        "bytes_retained_per_frame_first_phase": per_frame[0],
        "bytes_retained_per_frame_second_phase": per_frame[1],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--events", type=int, default=100, help="replies per measured phase")
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.subscribers, args.events, args.warmup))))
