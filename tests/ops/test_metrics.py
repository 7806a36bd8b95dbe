"""/metrics, /healthz and /readyz."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client import REGISTRY

from amicable import metrics
from amicable.app import create_app
from amicable.mail.inbound.pipeline import receive
from amicable.mail.outbound.outbox import OutboxWorker
from amicable.mail.outbound.sender import MaildirTransport, maildir_path
from amicable.models.enums import Role
from amicable.models.mail import InboundDoor
from amicable.subscriptions.bus.broadcast import Broadcast
from tests.factories import gid, make_company, make_complaint, make_user
from tests.ops.cli import clean_env, free_port, start, stop
from tests.subscriptions.wsclient import TRANSPORT_WS, connect


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def _app_client(settings, services, *, mail_worker: bool) -> httpx.AsyncClient:
    app = create_app(settings, services=services, mail_worker=mail_worker)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_metrics_report_what_the_service_did(settings, services, gql):
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services)
    company = await make_company(moderator.viewer)
    await make_complaint(services, consumer, company)

    before = {
        "query": sample("amicable_graphql_operation_seconds_count", type="query", operation="Me"),
        "refused": sample("amicable_rate_limit_refusals_total", action="login"),
        "inbound": sample("amicable_inbound_mail_total", door="HTTP", outcome="MALFORMED"),
        "sent": sample("amicable_mail_sent_total", kind="COMPLAINT"),
    }
    gql.token = consumer.token
    await gql.data("query Me { me { email } }")
    settings.rate_limit_login = 1
    login = 'mutation { tokenCreate(input: {email: "x@example.org", password: "nope"}) { token } }'
    await gql.execute(login)
    await gql.execute(login)
    await receive(services, b"not a mail at all", door=InboundDoor.HTTP)

    text = (await gql.http.get("/metrics")).text
    assert "amicable_outbox_pending 1.0" in text
    assert "amicable_outbox_oldest_pending_seconds " in text
    assert "amicable_outbox_failed 0.0" in text
    assert "amicable_inbound_unprocessable 1.0" in text
    assert 'amicable_graphql_operation_seconds_bucket{le="0.005",operation="Me",type="query"}' in (
        text
    )

    await OutboxWorker(settings, MaildirTransport(maildir_path(settings))).run_once()
    after_send = (await gql.http.get("/metrics")).text
    assert "amicable_outbox_pending 0.0" in after_send
    assert "amicable_outbox_oldest_pending_seconds 0.0" in after_send

    assert (
        sample("amicable_graphql_operation_seconds_count", type="query", operation="Me")
        == before["query"] + 1
    )
    assert sample("amicable_rate_limit_refusals_total", action="login") == before["refused"] + 1
    assert (
        sample("amicable_inbound_mail_total", door="HTTP", outcome="MALFORMED")
        == before["inbound"] + 1
    )
    assert sample("amicable_mail_sent_total", kind="COMPLAINT") == before["sent"] + 1


def test_operation_names_stay_bounded(monkeypatch):
    monkeypatch.setattr(metrics, "_seen_names", set())
    assert metrics.operation_label(None) == "anonymous"
    assert metrics.operation_label("Me") == "Me"
    assert metrics.operation_label("not a name!") == "other"
    assert metrics.operation_label("x" * 65) == "other"
    for index in range(metrics.MAX_OPERATION_NAMES):
        metrics.operation_label(f"Op{index}")
    assert metrics.operation_label("OneTooMany") == "other"
    assert metrics.operation_label("Me") == "Me"


async def test_events_published_and_subscribers_dropped():
    published = sample("amicable_events_published_total")
    dropped = sample("amicable_subscribers_dropped_total")
    active = sample("amicable_subscriptions_active")
    from amicable.subscriptions.bus import EventBus
    from amicable.subscriptions.bus.events import ComplaintUpdated

    bus = EventBus("memory://", queue_size=1)
    await bus.connect()
    try:
        async with bus.subscribe("complaint:x"):
            assert sample("amicable_subscriptions_active") == active + 1
        assert sample("amicable_subscriptions_active") == active
        event = ComplaintUpdated("c", "k", consumer_id="u")
        await bus.publish(event)
        assert sample("amicable_events_published_total") == published + len(event.channels())
    finally:
        await bus.disconnect()

    broadcast = Broadcast("memory://", queue_size=1)
    async with broadcast, broadcast.subscribe("slow") as subscriber:
        for index in range(4):
            await broadcast.publish("slow", str(index))
        for _ in range(50):
            if subscriber.overflowed:
                break
            await asyncio.sleep(0.01)
    assert sample("amicable_subscribers_dropped_total") == dropped + 1


async def test_health_and_readiness(settings, services):
    async with await _app_client(settings, services, mail_worker=False) as http:
        assert (await http.get("/healthz")).json() == {"status": "ok"}
        ready = await http.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ok", "checks": {"database": "ok", "events": "ok"}}

    async with await _app_client(settings, services, mail_worker=True) as http:
        # A process with a worker is ready only while the worker goes round its loop.
        stale = await http.get("/readyz")
        assert stale.status_code == 503
        assert stale.json()["checks"] == {"database": "ok", "events": "ok", "worker": "stale"}
        http._transport.app.state.worker_heartbeat.beat()  # type: ignore[attr-defined]
        assert (await http.get("/readyz")).status_code == 200

        await services.events.disconnect()
        down = await http.get("/readyz")
        assert down.status_code == 503
        assert down.json() == {
            "status": "unavailable",
            "checks": {"database": "ok", "events": "failed", "worker": "ok"},
        }
        assert (await http.get("/healthz")).status_code == 200  # alive all the same


@pytest.mark.e2e
async def test_metrics_across_processes_with_a_shared_folder(settings, services, tmp_path: Path):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer)
    folder = tmp_path / "prometheus"
    folder.mkdir()
    port = free_port()
    env = clean_env(
        AMICABLE_DATABASE_URL=settings.resolved_database_url,
        AMICABLE_DATA_DIR=str(tmp_path / "data"),
        AMICABLE_SECRET_KEY="k",
        AMICABLE_SMTPD_BIND="off",
        PROMETHEUS_MULTIPROC_DIR=str(folder),
    )
    server = start(["serve", "--port", str(port)], env, tmp_path, tmp_path / "server.log")
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
                await asyncio.sleep(0.1)
            url = f"ws://127.0.0.1:{port}/graphql"
            async with connect(url, TRANSPORT_WS) as ws:
                await ws.subscribe(
                    "subscription($id: ID!) { companyScoreUpdated(companyId: $id) { __typename } }",
                    id=gid("Company", company.id),
                )
                await ws.nothing()
                text = (await http.get("/metrics")).text
        assert "amicable_websocket_connections 1.0" in text
        assert "amicable_subscriptions_active 1.0" in text
        assert any(folder.iterdir())  # the values live in the shared folder
    finally:
        stop(server)
