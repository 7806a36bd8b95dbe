"""From the SMTP door to a websocket subscriber: a company's reply, sent to the real
aiosmtpd listener of a real server under uvicorn, arrives on the consumer's real
`messageAdded` subscription."""

from __future__ import annotations

import asyncio

import aiosmtplib
import pytest

from amicable.models.enums import Role
from amicable.subscriptions.bus.events import complaint_channel
from tests.factories import gid, make_company, make_complaint, make_user
from tests.mail.conftest import company_mail, fill
from tests.mail.inbound.test_fixtures import REPLIES
from tests.subscriptions.conftest import free_port
from tests.subscriptions.wsclient import connect

pytestmark = pytest.mark.e2e

WATCH = """subscription($id: ID!) {
  messageAdded(complaintId: $id) { id body authorKind channel moderationState }
}"""


async def test_a_company_reply_by_smtp_reaches_the_consumer_watching_live(settings, serve):
    smtp_port = free_port()
    async for live in serve(settings.model_copy(update={"smtpd_bind": f"127.0.0.1:{smtp_port}"})):
        services = live.services
        moderator = await make_user(services, Role.MODERATOR)
        consumer = await make_user(services, email="jan.desmet@example.org")
        company = await make_company(moderator.viewer, email="klachten@telenova.be")
        complaint = await make_complaint(services, consumer, company)
        mail = await company_mail(complaint)
        async with connect(live.ws_url, token=consumer.token) as ws:
            await ws.subscribe(WATCH, id=gid("Complaint", complaint.id))
            await live.wait_for_subscribers(1, complaint_channel(str(complaint.id)))
            async with asyncio.timeout(10):
                await aiosmtplib.send(
                    await fill("gmail_nl.eml", complaint),
                    sender="klachten@telenova.be",
                    recipients=[mail.envelope_sender],
                    hostname="127.0.0.1",
                    port=smtp_port,
                    start_tls=False,
                    timeout=5,
                )
            arrived = (await ws.next())["data"]["messageAdded"]
        assert arrived["body"] == REPLIES["gmail_nl.eml"]
        assert arrived["authorKind"] == "COMPANY"
        assert arrived["channel"] == "EMAIL"
        assert arrived["moderationState"] == "PUBLISHED"
