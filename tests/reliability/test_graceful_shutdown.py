"""SIGTERM to a real `amicable serve` while a slow request and a subscription are open:
websockets are closed at once with 1012 ("service restart": reconnect elsewhere), the
request in flight still gets its answer, and the process exits within the grace period."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path

import httpx
import pytest

from amicable.models.enums import Role
from tests.factories import gid, make_company, make_complaint, make_user
from tests.reliability.processes import ServeProcess
from tests.subscriptions.wsclient import TRANSPORT_WS, connect

pytestmark = pytest.mark.e2e

GRACE = 4
MESSAGE_ADDED = "subscription($id: ID!) { messageAdded(complaintId: $id) { body } }"


async def _slow_body(first_part_sent: asyncio.Event, body: bytes):
    """A request body that takes about a second to arrive, in three parts."""
    third = len(body) // 3
    yield body[:third]
    first_part_sent.set()
    await asyncio.sleep(0.5)
    yield body[third : 2 * third]
    await asyncio.sleep(0.5)
    yield body[2 * third :]


async def test_sigterm_closes_sockets_and_finishes_requests_in_time(services, settings, tmp_path):
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services)
    complaint = await make_complaint(services, consumer, await make_company(moderator.viewer))
    server = ServeProcess(
        Path(tmp_path / "serve"),
        {
            "AMICABLE_DATABASE_URL": settings.database_url,
            "AMICABLE_SHUTDOWN_GRACE_SECONDS": str(GRACE),
        },
    )
    server.start()
    try:
        await asyncio.to_thread(server.wait_healthy)
        ws_url = f"ws://127.0.0.1:{server.port}/graphql"
        async with connect(ws_url, TRANSPORT_WS, consumer.token) as ws:
            await ws.subscribe(MESSAGE_ADDED, id=gid("Complaint", complaint.id))
            await ws.nothing(within=0.3)
            first_part_sent = asyncio.Event()
            body = json.dumps({"query": "{ __typename }"}).encode()
            async with httpx.AsyncClient(timeout=10) as http:
                request = asyncio.create_task(
                    http.post(
                        f"{server.url}/graphql",
                        content=_slow_body(first_part_sent, body),
                        headers={"content-type": "application/json"},
                    )
                )
                await first_part_sent.wait()
                await asyncio.sleep(0.1)
                started = time.monotonic()
                server.signal(signal.SIGTERM)
                code = await _close_code(ws)
                assert code == 1012
                response = await request
            assert response.status_code == 200
            assert response.json() == {"data": {"__typename": "Query"}}
        exit_code = await asyncio.to_thread(server.wait, GRACE + 5)
        # uvicorn re-raises the signal once its shutdown is complete (exit by SIGTERM).
        assert exit_code in (0, -signal.SIGTERM), server.log_text()
        assert "Application shutdown complete." in server.log_text()
        assert time.monotonic() - started < GRACE + 5
        assert "Traceback" not in server.log_text()
    finally:
        server.stop()


async def _close_code(ws) -> int:
    import websockets

    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await ws.receive(5)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code
