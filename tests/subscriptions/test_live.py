"""Each subscription over both protocols, through uvicorn and real websockets."""

from __future__ import annotations

import pytest

from amicable.models.enums import Role
from amicable.resolvers import accounts, messages
from amicable.subscriptions.bus.events import complaint_channel
from tests.factories import gid, make_company, make_complaint, make_user
from tests.subscriptions.wsclient import LEGACY_WS, TRANSPORT_WS, connect

pytestmark = pytest.mark.e2e

MESSAGE_ADDED = """
subscription($id: ID!) {
  messageAdded(complaintId: $id) { id body authorKind authorName senderAddress }
}"""


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_a_company_reply_reaches_the_consumer_watching_the_complaint(live, protocol):
    services = live.services
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services)
    company = await make_company(moderator.viewer)
    agent = await make_user(services, Role.AGENT, company=company, name="Agent Smith")
    complaint = await make_complaint(services, consumer, company)

    async with connect(live.ws_url, protocol, consumer.token) as ws:
        await ws.subscribe(MESSAGE_ADDED, id=gid("Complaint", complaint.id))
        await live.wait_for_subscribers(1, complaint_channel(str(complaint.id)))
        message = await messages.post(services, agent.viewer, complaint.id, "We refund you.")
        result = await ws.next()

    assert result == {
        "data": {
            "messageAdded": {
                "id": gid("Message", message.id),
                "body": "We refund you.",
                "authorKind": "COMPANY",
                "authorName": "Telenova",
                "senderAddress": None,
            }
        }
    }
    await live.wait_for_subscribers(0)


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_signing_out_ends_open_subscriptions(settings, serve, protocol):
    # Recheck on every event, so the test needs no waiting.
    async for live in serve(settings.model_copy(update={"websocket_recheck_seconds": 0})):
        services = live.services
        moderator = await make_user(services, Role.MODERATOR)
        consumer = await make_user(services)
        company = await make_company(moderator.viewer)
        agent = await make_user(services, Role.AGENT, company=company)
        complaint = await make_complaint(services, consumer, company)
        async with connect(live.ws_url, protocol, consumer.token) as ws:
            await ws.subscribe(MESSAGE_ADDED, id=gid("Complaint", complaint.id))
            await live.wait_for_subscribers(1, complaint_channel(str(complaint.id)))
            await messages.post(services, agent.viewer, complaint.id, "Eerste antwoord.")
            assert (await ws.next())["data"]["messageAdded"]["body"] == "Eerste antwoord."
            await accounts.revoke_token(services, consumer.viewer)
            await messages.post(services, agent.viewer, complaint.id, "Tweede antwoord.")
            errors = await ws.error()
        assert errors[0]["message"] == "Unauthenticated"
        assert errors[0]["extensions"] == {"code": "UNAUTHENTICATED"}
        await live.wait_for_subscribers(0)
