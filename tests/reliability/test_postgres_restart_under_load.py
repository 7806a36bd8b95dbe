"""PostgreSQL restarted under HTTP load: a real `amicable serve` reaches its database
through a TCP proxy the test cuts (every connection closed, new ones refused) while
clients keep reading a thread and posting to it, then restores.

While the database is away every request gets a clean answer: success, or
SERVICE_UNAVAILABLE with HTTP 503; never a 500, an INTERNAL error or a hang. Nothing is
half-written: a message a client saw posted is stored exactly once with its outbox mail,
one whose post failed is absent or stored whole. Once the proxy is back the same server
answers again, without a restart, within a bound. The shared PostgreSQL server is never
stopped: the database is one of the test's own.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from amicable.db import close_db, open_db
from amicable.models import Message, OutboxMail
from amicable.models.enums import Role
from amicable.services import Services
from amicable.settings import Settings
from amicable.subscriptions.bus import EventBus
from tests.conftest import PG_URL
from tests.factories import gid, make_company, make_complaint, make_user
from tests.reliability.processes import ServeProcess
from tests.reliability.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.postgres, pytest.mark.e2e]

CLIENTS = 4
BEFORE_CUT = 1.5
CUT_FOR = 4.0
# Every answer comes within this, during the outage too: a hang fails the test.
REQUEST_TIMEOUT = 15.0
# After the proxy is back, the server answers again within this, without a restart.
RECOVERY_BOUND = 20.0

READ = """query($id: ID!) {
  complaint(id: $id) { id messages(last: 5) { nodes { id body } } }
}"""
POST = """mutation($id: ID!, $body: String!) {
  messagePost(input: {complaintId: $id, body: $body}) { message { id } errors { code } }
}"""


@dataclass
class Answer:
    kind: str  # "read" or "post"
    body: str  # the posted text (empty for reads)
    status: int
    codes: list[str]
    ok: bool


def _asyncpg(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


@pytest.fixture
async def proxied_database(tmp_path: Path) -> AsyncIterator[tuple[str, str, TcpProxy]]:
    """A database of the test's own: its direct URL, its URL through the proxy, the proxy."""
    assert PG_URL
    parts = urlsplit(PG_URL)
    name = f"amicable_restart_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(_asyncpg(PG_URL))
    await admin.execute(f'CREATE DATABASE "{name}"')
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    await proxy.start()
    credentials = parts.netloc.rsplit("@", 1)
    via = f"127.0.0.1:{proxy.port}"
    netloc = f"{credentials[0]}@{via}" if len(credentials) == 2 else via
    direct = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    proxied = urlunsplit((parts.scheme, netloc, f"/{name}", parts.query, ""))
    try:
        yield direct, proxied, proxy
    finally:
        await proxy.stop()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _seed(settings: Settings) -> tuple[str, str]:
    """A consumer's token and their complaint's global ID, written straight to the
    database the server migrated."""
    bus = EventBus("memory://")
    await open_db(settings, run_migrations=False)
    try:
        services = Services(settings=settings, events=bus)
        moderator = await make_user(services, Role.MODERATOR)
        company = await make_company(moderator.viewer, "Telenova")
        consumer = await make_user(services)
        complaint = await make_complaint(services, consumer, company)
        await services.rate_limiter.aclose()
        return consumer.token, gid("Complaint", complaint.id)
    finally:
        await close_db()


async def _healthy(server: ServeProcess, within: float) -> None:
    """The server is up (its loop polled without blocking the proxy in ours)."""
    async with httpx.AsyncClient(timeout=1) as client, asyncio.timeout(within):
        while True:
            assert server.process is not None and server.process.poll() is None, server.log_text()
            try:
                if (await client.get(f"{server.url}/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)


async def _ask(client: httpx.AsyncClient, kind: str, text: str, **variables: str) -> Answer:
    query = POST if kind == "post" else READ
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    payload = response.json()
    codes = [e.get("extensions", {}).get("code", "") for e in payload.get("errors") or []]
    data = payload.get("data") or {}
    if kind == "post" and data.get("messagePost"):
        codes += [e["code"] for e in data["messagePost"]["errors"]]
    ok = response.status_code == 200 and not codes
    return Answer(kind, text, response.status_code, codes, ok)


async def _load(
    url: str, token: str, complaint: str, number: int, stop: asyncio.Event
) -> list[Answer]:
    answers = []
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=REQUEST_TIMEOUT) as client:
        sent = 0
        while not stop.is_set():
            if sent % 2:
                body = f"Belasting {number}-{sent}"
                answers.append(await _ask(client, "post", body, id=complaint, body=body))
            else:
                answers.append(await _ask(client, "read", "", id=complaint))
            sent += 1
            await asyncio.sleep(0.02)
    return answers


async def _until_answering(url: str, token: str, complaint: str) -> float:
    """Seconds until a read and a post both succeed again."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=REQUEST_TIMEOUT) as client:
        async with asyncio.timeout(RECOVERY_BOUND):
            while True:
                read = await _ask(client, "read", "", id=complaint)
                post = await _ask(
                    client, "post", "Weer bereikbaar", id=complaint, body="Weer bereikbaar"
                )
                if read.ok and post.ok:
                    return loop.time() - started
                await asyncio.sleep(0.2)


async def test_a_database_restart_under_load_answers_cleanly_and_writes_nothing_half(
    proxied_database, settings: Settings, tmp_path: Path
):
    direct, proxied, proxy = proxied_database
    server = ServeProcess(tmp_path / "serve", {"AMICABLE_DATABASE_URL": proxied})
    server.start()
    try:
        await _healthy(server, within=60)
        token, complaint = await _seed(settings.model_copy(update={"database_url": direct}))

        stop = asyncio.Event()
        clients = [
            asyncio.create_task(_load(server.url, token, complaint, n, stop))
            for n in range(CLIENTS)
        ]
        await asyncio.sleep(BEFORE_CUT)
        await proxy.stop()
        await asyncio.sleep(CUT_FOR)
        await proxy.start()
        stop.set()
        answers = [a for batch in await asyncio.gather(*clients) for a in batch]
        recovered_in = await _until_answering(server.url, token, complaint)
    finally:
        server.stop()

    # Clean answers only: success, or SERVICE_UNAVAILABLE with 503.
    for answer in answers:
        assert answer.ok or (answer.status, answer.codes) == (503, ["SERVICE_UNAVAILABLE"]), (
            answer,
            server.log_text()[-3000:],
        )
    assert any(not a.ok for a in answers), "the cut was never noticed"
    assert any(a.ok for a in answers)
    assert recovered_in < RECOVERY_BOUND

    # Nothing half-written: each post seen to succeed stored once, with its mail.
    await open_db(settings.model_copy(update={"database_url": direct}), run_migrations=False)
    try:
        for answer in (a for a in answers if a.kind == "post"):
            stored = await Message.filter(body=answer.body)
            if answer.ok:
                assert len(stored) == 1, answer
            else:
                assert len(stored) <= 1, answer
            for message in stored:
                assert await OutboxMail.filter(message_id=message.id).count() == 1, answer
    finally:
        await close_db()
    # No request met an unhandled error (background loops may log the outage as theirs).
    log = server.log_text()
    assert "Exception in ASGI application" not in log
    assert " ERROR amicable.schema" not in log
