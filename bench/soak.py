"""A bounded soak: two `amicable serve` processes on PostgreSQL and a Redis of their own,
concurrent HTTP clients, websocket subscribers and inbound mail, for a fixed time.

    python -m bench.soak [--clients 200] [--subscribers 500] [--seconds 120] [--mails 200]
                         [--database-url postgres://postgres@127.0.0.1:5432/postgres]

Each client loops: the public feed, a company page, its own dashboard (`me`), then a message
on its own complaint. Subscribers (split over both processes) follow the complaints the
messages go to; inbound mail arrives at process 0's SMTP listener as company replies. A
dedicated database is created and dropped; redis-server is started on a free port. Prints
one JSON object: requests and errors, messages posted and events lost, mails accepted and
posted, and each process's RSS over time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiosmtplib
import asyncpg
import httpx
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from amicable.db import close_db, open_db
from amicable.models import Message, OutboxMail
from amicable.models.enums import Language, Role, Visibility
from amicable.resolvers import accounts, companies, complaints
from amicable.services import Services
from amicable.settings import Settings
from amicable.subscriptions.bus import EventBus

FEED = "{ complaints(first: 20) { totalCount nodes { id title status } } }"
PAGE = "query($s: String!) { company(slug: $s) { name complaints(first: 20) { totalCount } } }"
ME = "{ me { id } complaints(first: 5) { nodes { id recentMessages { body } } } }"
POST = "mutation($i: MessagePostInput!) { messagePost(input: $i) { errors { code } } }"
FOLLOW = "subscription($id: ID!) { messageAdded(complaintId: $id) { body } }"
PASSWORD = "soak-password-123"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def seed(settings: Settings, clients: int) -> dict[str, Any]:
    await open_db(settings)
    services = Services(settings=settings, events=EventBus("memory://"))
    moderator = await accounts.create_user(
        email="moderator@soak.example", password=PASSWORD, full_name="Mo", role=Role.MODERATOR
    )
    mod_viewer = await accounts.authenticate(
        services, await accounts.issue_token(services, moderator)
    )
    assert mod_viewer is not None
    company = await companies.create(
        mod_viewer,
        companies.CompanyChanges(
            name="Soaknet", addresses=["klachten@soaknet.example"], language=Language.NL
        ),
    )
    await accounts.create_user(
        email="agent@soaknet.example",
        password=PASSWORD,
        full_name="Agent",
        role=Role.AGENT,
        company=company,
    )
    people = []
    for n in range(clients):
        user = await accounts.create_user(
            email=f"c{n}@soak.example", password=PASSWORD, full_name=f"C {n}", role=Role.CONSUMER
        )
        token = await accounts.issue_token(services, user)
        viewer = await accounts.authenticate(services, token)
        assert viewer is not None
        complaint = await complaints.create(
            services,
            viewer,
            complaints.ComplaintDraft(
                title=f"Storing {n}",
                description="Het internet valt elke avond weg.",
                visibility=Visibility.PUBLIC,
                company_id=company.id,
            ),
        )
        mail = await OutboxMail.filter(complaint_id=complaint.id).first()
        people.append(
            {
                "token": token,
                "gid": _gid(complaint.id),
                "id": str(complaint.id),
                "reply_to": mail.envelope_sender if mail else None,
            }
        )
    await close_db()
    return {"slug": company.slug, "people": people}


def _gid(pk: uuid.UUID) -> str:
    from amicable.schema.relay import global_id

    return global_id("Complaint", pk)


class Tally:
    def __init__(self) -> None:
        self.requests = 0
        self.errors: dict[str, int] = {}
        self.posted: dict[str, int] = {}  # complaint id -> messages posted
        self.received: dict[str, int] = {}  # complaint id -> events received (all subscribers)
        self.mails_accepted = 0
        self.mail_errors = 0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


async def client_loop(
    url: str, person: dict[str, Any], slug: str, tally: Tally, stop: float
) -> None:
    headers = {"Authorization": f"Bearer {person['token']}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as http:
        while time.monotonic() < stop:
            for query, variables in (
                (FEED, {}),
                (PAGE, {"s": slug}),
                (ME, {}),
                (POST, {"i": {"complaintId": person["gid"], "body": "Nog steeds geen internet."}}),
            ):
                try:
                    response = await http.post(
                        "/graphql", json={"query": query, "variables": variables}
                    )
                    tally.requests += 1
                    body = response.json()
                    if response.status_code != 200 or body.get("errors"):
                        tally.error(f"http {response.status_code}")
                        continue
                    if query is POST:
                        if body["data"]["messagePost"]["errors"]:
                            tally.error(body["data"]["messagePost"]["errors"][0]["code"])
                        else:
                            tally.posted[person["id"]] = tally.posted.get(person["id"], 0) + 1
                except Exception as error:  # a soak counts failures, it does not stop at one
                    tally.error(type(error).__name__)
            await asyncio.sleep(0.2)


async def subscriber(ws_url: str, person: dict[str, Any], tally: Tally, ready: list[int]) -> None:
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        await ws.recv()
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": FOLLOW, "variables": {"id": person["gid"]}},
                }
            )
        )
        ready.append(1)
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in ws:
                message = json.loads(raw)
                if message.get("type") == "next":
                    if message["payload"].get("errors"):
                        tally.error("subscription error")
                    else:
                        tally.received[person["id"]] = tally.received.get(person["id"], 0) + 1


async def mailer(port: int, people: list[dict[str, Any]], count: int, tally: Tally, stop: float):
    sent = 0
    while sent < count and time.monotonic() < stop:
        person = people[sent % len(people)]
        if person["reply_to"] is None:
            sent += 1
            continue
        raw = (
            f"From: Agent <agent@soaknet.example>\r\nTo: {person['reply_to']}\r\n"
            f"Subject: Re: storing\r\nMessage-ID: <{uuid.uuid4()}@soaknet.example>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nWij sturen een technicus.\r\n"
        ).encode()
        try:
            await aiosmtplib.send(
                raw,
                sender="agent@soaknet.example",
                recipients=[person["reply_to"]],
                hostname="127.0.0.1",
                port=port,
                start_tls=False,
                timeout=30,
            )
            tally.mails_accepted += 1
            # A posted company reply is an event for the complaint's subscribers too.
            tally.posted[person["id"]] = tally.posted.get(person["id"], 0) + 1
        except Exception:
            tally.mail_errors += 1
        sent += 1
        await asyncio.sleep(0.05)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="amicable-soak-"))
    name = f"amicable_soak_{uuid.uuid4().hex[:8]}"
    admin_url = args.database_url.replace("postgres://", "postgresql://", 1)
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    db_url = args.database_url.rsplit("/", 1)[0] + f"/{name}"
    redis_port = free_port()
    redis = subprocess.Popen(  # noqa: ASYNC220 (a bench, started once)
        [shutil.which("redis-server") or "redis-server", "--port", str(redis_port), "--save", ""],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    servers: list[subprocess.Popen[bytes]] = []
    try:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, data_dir=workdir, database_url=db_url, secret_key="soak-secret"
        )
        data = await seed(settings, args.clients)
        people = data["people"]
        ports = [free_port(), free_port()]
        smtp_port = free_port()
        for index, port in enumerate(ports):
            env = {
                **os.environ,
                "AMICABLE_DATA_DIR": str(workdir / f"s{index}"),
                "AMICABLE_DATABASE_URL": db_url,
                "AMICABLE_SECRET_KEY": "soak-secret",
                "AMICABLE_BROADCAST_URL": f"redis://127.0.0.1:{redis_port}/0",
                "AMICABLE_SMTPD_BIND": f"127.0.0.1:{smtp_port}" if index == 0 else "off",
                "AMICABLE_RATE_LIMIT_INBOUND_MAIL": "100000",
                "AMICABLE_BROADCAST_QUEUE_SIZE": "1000",
            }
            log = open(workdir / f"serve{index}.log", "wb")  # noqa: SIM115, ASYNC230
            servers.append(
                subprocess.Popen(  # noqa: ASYNC220
                    [sys.executable, "-m", "amicable.cli", "serve", "--port", str(port)],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        async with httpx.AsyncClient(timeout=2) as http:
            for port in ports:
                for _ in range(300):
                    with contextlib.suppress(httpx.HTTPError):
                        if (await http.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                            break
                    await asyncio.sleep(0.1)
        tally = Tally()
        ready: list[int] = []
        subscribed: dict[str, int] = {}
        subs = []
        for n in range(args.subscribers):
            person = people[n % len(people)]
            subscribed[person["id"]] = subscribed.get(person["id"], 0) + 1
            url = f"ws://127.0.0.1:{ports[n % 2]}/graphql"
            subs.append(asyncio.create_task(subscriber(url, person, tally, ready)))
        for _ in range(600):
            if len(ready) >= args.subscribers:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)
        started = time.monotonic()
        stop = started + args.seconds
        rss: list[dict[str, Any]] = []

        async def sample() -> None:
            while time.monotonic() < stop + 5:
                rss.append(
                    {
                        "t": round(time.monotonic() - started),
                        "rss_mb": [round(rss_kb(s.pid) / 1024, 1) for s in servers],
                    }
                )
                await asyncio.sleep(max(args.seconds / 12, 2))

        load = [
            client_loop(f"http://127.0.0.1:{ports[n % 2]}", person, data["slug"], tally, stop)
            for n, person in enumerate(people)
        ]
        await asyncio.gather(sample(), mailer(smtp_port, people, args.mails, tally, stop), *load)
        await asyncio.sleep(3)  # the last events arrive
        for task in subs:
            task.cancel()
        await asyncio.gather(*subs, return_exceptions=True)
        await open_db(settings, run_migrations=False)
        inbound_posted = await Message.filter(body__contains="technicus").count()
        await close_db()
        expected = sum(n * subscribed.get(cid, 0) for cid, n in tally.posted.items())
        received = sum(tally.received.values())
        return {
            "clients": args.clients,
            "subscribers": args.subscribers,
            "subscribed": len(ready),
            "seconds": args.seconds,
            "requests": tally.requests,
            "requests_per_second": round(tally.requests / args.seconds, 1),
            "errors": tally.errors,
            "messages_posted": sum(tally.posted.values()),
            "events_expected": expected,
            "events_received": received,
            "events_lost": expected - received,
            "mails_accepted": tally.mails_accepted,
            "mail_errors": tally.mail_errors,
            "mails_posted": inbound_posted,
            "rss_over_time": rss,
        }
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
        redis.terminate()
        redis.wait(5)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
        shutil.rmtree(workdir, ignore_errors=True)


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--subscribers", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--mails", type=int, default=200)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "AMICABLE_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
    )
    print(json.dumps(asyncio.run(main(parser.parse_args())), indent=2))


if __name__ == "__main__":
    cli()
