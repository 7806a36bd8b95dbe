"""The SMTP listener receiving while the database is unreachable: it answers 451 (the
sender's server keeps the mail and retries), and once the database is back the retry is
posted exactly once. The database is a dedicated one behind a TCP proxy the test cuts;
the shared PostgreSQL server is never stopped."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import aiosmtplib
import asyncpg
import pytest

from amicable.db import close_db, open_db
from amicable.mail.inbound.smtpd import start_smtpd
from amicable.models import InboundMail, Message
from amicable.models.enums import Role
from amicable.services import Services
from amicable.subscriptions.bus import EventBus
from tests.conftest import PG_URL
from tests.factories import make_company, make_complaint, make_user
from tests.mail.conftest import company_mail, fill
from tests.reliability.tcp_proxy import TcpProxy
from tests.subscriptions.conftest import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.e2e]


def _asyncpg_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


@pytest.fixture
async def proxied_services(settings) -> AsyncIterator[tuple[Services, TcpProxy]]:
    assert PG_URL
    parts = urlsplit(PG_URL)
    name = f"amicable_fault_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(_asyncpg_url(PG_URL))
    await admin.execute(f'CREATE DATABASE "{name}"')
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    await proxy.start()
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{proxy.port}"
    netloc_via_proxy = f"{netloc[0]}@{host}" if len(netloc) == 2 else host
    url = urlunsplit((parts.scheme, netloc_via_proxy, f"/{name}", parts.query, ""))
    pointed = settings.model_copy(update={"database_url": url})
    bus = EventBus("memory://")
    try:
        await open_db(pointed)
        await bus.connect()
        yield Services(settings=pointed, events=bus), proxy
    finally:
        await bus.disconnect()
        await proxy.start()  # close_db must reach the database to close cleanly
        await close_db()
        await proxy.stop()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _send(port: int, sender: str, recipient: str, raw: bytes) -> tuple[int, str]:
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=10, start_tls=False)
    await client.connect()
    try:
        await client.sendmail(sender, [recipient], raw)
    except aiosmtplib.SMTPResponseException as refused:
        return refused.code, refused.message
    except aiosmtplib.SMTPRecipientsRefused as refused:
        [error] = refused.recipients
        return error.code, error.message
    finally:
        await client.quit()
    return 250, "OK"


async def test_listener_answers_451_while_the_database_is_down_then_posts_once(
    proxied_services,
):
    services, proxy = proxied_services
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services)
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    await make_user(services, Role.AGENT, company=company, email="sofie@telenova.be")
    complaint = await make_complaint(services, consumer, company)
    mail = await company_mail(complaint)
    raw = await fill("gmail_nl.eml", complaint)
    port = free_port()
    listener = await start_smtpd(services, "127.0.0.1", port)
    try:
        await proxy.stop()
        code, _ = await _send(port, "sofie@telenova.be", mail.envelope_sender, raw)
        assert code == 451
        code, _ = await _send(port, "sofie@telenova.be", mail.envelope_sender, raw)
        assert code == 451  # still down: still a temporary refusal, never a bounce
        await proxy.start()
        # The sender's server retries: accepted and posted; a second retry is a duplicate.
        assert (await _send(port, "sofie@telenova.be", mail.envelope_sender, raw))[0] == 250
        assert (await _send(port, "sofie@telenova.be", mail.envelope_sender, raw))[0] == 250
    finally:
        listener.close()
        await listener.wait_closed()
    posted = await Message.filter(complaint_id=complaint.id, body__contains="technicus")
    assert len(posted) == 1
    [stored] = await InboundMail.filter(complaint_id=complaint.id)
    assert stored.message_id == posted[0].id
