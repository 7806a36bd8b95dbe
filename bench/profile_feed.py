"""Profile the uncached public feed with pyinstrument (a dev extra).

    .venv/bin/python -m bench.profile_feed [--requests 200] [--database-url URL]

Seeds the feed's data like `bench.feed`, then prints pyinstrument's text report of the
GraphQL requests alone.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

import httpx
from pyinstrument import Profiler

from amicable.app import create_app
from amicable.db import close_db, open_db
from amicable.services import Services
from amicable.settings import Settings
from amicable.subscriptions.bus import EventBus
from bench.feed import FEED, _seed


async def main(requests: int, database_url: str | None) -> str:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            data_dir=Path(folder),
            database_url=database_url,
            rate_limit_window_seconds=1,
            response_cache_entries=0,
        )
        await open_db(settings)
        bus = EventBus("memory://")
        await bus.connect()
        services = Services(settings=settings, events=bus)
        try:
            await _seed(services, 200)
            app = create_app(settings, services=services)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://a") as client:
                for _ in range(10):
                    await client.post("/graphql", json={"query": FEED})
                profiler = Profiler(async_mode="enabled")
                profiler.start()
                for _ in range(requests):
                    await client.post("/graphql", json={"query": FEED})
                profiler.stop()
        finally:
            await bus.disconnect()
            await close_db()
    return profiler.output_text(unicode=False, color=False, show_all=False)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    print(asyncio.run(main(args.requests, args.database_url)))
