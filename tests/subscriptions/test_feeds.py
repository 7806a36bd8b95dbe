"""notifications, companyScoreUpdated, authentication at connect, and cleanup."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
import websockets

from amicable.models.enums import Role, Visibility
from amicable.resolvers import messages
from amicable.subscriptions.bus.events import CompanyScoreUpdated, ModerationItemAdded
from tests.factories import expired_token, gid, make_company, make_complaint, make_user
from tests.subscriptions.wsclient import LEGACY_WS, TRANSPORT_WS, connect

pytestmark = pytest.mark.e2e

NOTIFICATIONS = """subscription {
  notifications {
    __typename
    ... on MessageAddedNotification { complaint { id } message { body } }
    ... on ComplaintUpdatedNotification { complaint { id status } }
    ... on ComplaintCreatedNotification { complaint { id title } }
    ... on ModerationItemAddedNotification {
      itemId relatedComplaint { id } relatedMessage { id }
    }
  }
}"""

SCORE = """subscription($id: ID!) {
  companyScoreUpdated(companyId: $id) { company { id slug name } }
}"""

MESSAGE_ADDED = "subscription($id: ID!) { messageAdded(complaintId: $id) { body } }"


async def test_a_consumer_hears_of_replies_and_status_changes_on_their_complaints(live):
    services = live.services
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer)
    agent = await make_user(services, Role.AGENT, company=company)
    owner = await make_user(services)
    other = await make_user(services, name="Piet Peeters")
    complaint = await make_complaint(services, owner, company, visibility=Visibility.PRIVATE)
    async with (
        connect(live.ws_url, token=owner.token) as mine,
        connect(live.ws_url, token=other.token) as theirs,
    ):
        await mine.subscribe(NOTIFICATIONS)
        await theirs.subscribe(NOTIFICATIONS)
        await live.wait_for_subscribers(2)
        await messages.post(services, owner.viewer, complaint.id, "Any news?")  # own: silent
        await messages.post(services, agent.viewer, complaint.id, "We are on it.")
        reply = await mine.next()
        status = await mine.next()
        await theirs.nothing()
    complaint_id = gid("Complaint", complaint.id)
    assert reply["data"]["notifications"] == {
        "__typename": "MessageAddedNotification",
        "complaint": {"id": complaint_id},
        "message": {"body": "We are on it."},
    }
    assert status["data"]["notifications"] == {
        "__typename": "ComplaintUpdatedNotification",
        "complaint": {"id": complaint_id, "status": "ANSWERED"},
    }


async def test_an_agent_hears_of_new_complaints_and_messages_for_their_company_only(live):
    services = live.services
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer)
    other_company = await make_company(moderator.viewer, "Otherco")
    agent = await make_user(services, Role.AGENT, company=company)
    other_agent = await make_user(services, Role.AGENT, company=other_company)
    consumer = await make_user(services)
    async with (
        connect(live.ws_url, token=agent.token) as ours,
        connect(live.ws_url, token=other_agent.token) as theirs,
    ):
        await ours.subscribe(NOTIFICATIONS)
        await theirs.subscribe(NOTIFICATIONS)
        await live.wait_for_subscribers(2)
        complaint = await make_complaint(services, consumer, company, visibility=Visibility.PRIVATE)
        created = await ours.next()
        await messages.post(services, consumer.viewer, complaint.id, "Please call me back.")
        message = await ours.next()
        await messages.post(services, agent.viewer, complaint.id, "Calling now.")
        # Their own message is not news to them; the status it changed is on the feed.
        answered = await ours.next()
        await ours.nothing()
        assert answered["data"]["notifications"]["__typename"] == "ComplaintUpdatedNotification"
        await theirs.nothing()
    assert created["data"]["notifications"] == {
        "__typename": "ComplaintCreatedNotification",
        "complaint": {"id": gid("Complaint", complaint.id), "title": complaint.title},
    }
    assert message["data"]["notifications"]["message"] == {"body": "Please call me back."}


async def test_a_moderator_hears_of_new_queue_items(live):
    services = live.services
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services)
    company = await make_company(moderator.viewer)
    complaint = await make_complaint(services, consumer, company)
    item_id = str(uuid.uuid4())
    async with (
        connect(live.ws_url, token=moderator.token) as mod,
        connect(live.ws_url, token=consumer.token) as cons,
    ):
        await mod.subscribe(NOTIFICATIONS)
        await cons.subscribe(NOTIFICATIONS)
        await live.wait_for_subscribers(2)
        await services.events.publish(ModerationItemAdded(item_id, complaint_id=str(complaint.id)))
        queued = await mod.next()
        await cons.nothing()
    assert queued["data"]["notifications"] == {
        "__typename": "ModerationItemAddedNotification",
        "itemId": gid("ModerationItem", uuid.UUID(item_id)),
        "relatedComplaint": {"id": gid("Complaint", complaint.id)},
        "relatedMessage": None,
    }


async def test_notifications_need_an_account(live):
    async with connect(live.ws_url) as ws:
        await ws.subscribe(NOTIFICATIONS)
        errors = await ws.error()
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_company_score_updates_reach_anyone_who_may_find_the_company(live):
    services = live.services
    moderator = await make_user(services, Role.MODERATOR)
    listed = await make_company(moderator.viewer)
    unlisted = await make_company(moderator.viewer, "Hidden BV", listed=False)
    agent = await make_user(services, Role.AGENT, company=unlisted)
    async with (
        connect(live.ws_url) as anonymous,
        connect(live.ws_url, token=agent.token) as own_agent,
    ):
        await anonymous.subscribe(SCORE, id=gid("Company", listed.id))
        await live.wait_for_subscribers(1)
        await services.events.publish(CompanyScoreUpdated(str(listed.id)))
        update = await anonymous.next()
        # An unlisted company has no public dashboard: answered as missing...
        await anonymous.subscribe(SCORE, id=gid("Company", unlisted.id))
        refused = await anonymous.error()
        # ...but its own agent follows it.
        await own_agent.subscribe(SCORE, id=gid("Company", unlisted.id))
        await live.wait_for_subscribers(2)
        await services.events.publish(CompanyScoreUpdated(str(unlisted.id)))
        own = await own_agent.next()
    assert update["data"]["companyScoreUpdated"] == {
        "company": {"id": gid("Company", listed.id), "slug": listed.slug, "name": "Telenova"}
    }
    assert refused[0]["extensions"]["code"] == "NOT_FOUND"
    assert own["data"]["companyScoreUpdated"]["company"]["name"] == "Hidden BV"


@pytest.mark.parametrize("bad", ["Bearer amt_not-a-token", "Basic abc", "Bearer ", 42])
async def test_a_bad_token_is_refused_at_connect_graphql_transport_ws(live, bad):
    async with connect(live.ws_url, TRANSPORT_WS, ack=False) as ws:
        await ws.ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": bad}}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.ws.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_an_expired_token_is_refused_at_connect_graphql_ws(live):
    consumer = await make_user(live.services)
    token = await expired_token(consumer.user)
    async with connect(live.ws_url, LEGACY_WS, ack=False) as ws:
        answer = await ws.init({"Authorization": f"Bearer {token}"})
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.ws.recv(), 5)
    assert answer["type"] == "connection_error"
    assert answer["payload"]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_a_client_that_disconnects_mid_stream_leaves_no_subscription(live, protocol):
    services = live.services
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services)
    company = await make_company(moderator.viewer)
    agent = await make_user(services, Role.AGENT, company=company)
    complaint = await make_complaint(services, consumer, company)
    async with connect(live.ws_url, protocol, consumer.token) as ws:
        await ws.subscribe(MESSAGE_ADDED, id=gid("Complaint", complaint.id))
        await ws.subscribe(NOTIFICATIONS)
        await live.wait_for_subscribers(2)
        await messages.post(services, agent.viewer, complaint.id, "First")
        await ws.next()
        # Gone without a goodbye, with events still in flight.
        ws.ws.transport.abort()  # type: ignore[attr-defined]
    await messages.post(services, agent.viewer, complaint.id, "Second")
    await live.wait_for_subscribers(0)
    assert services.events.broadcast._channels == {}
