"""Shared execution of live subscriptions (schema/shared_subscriptions.py): anonymous
subscribers of one document and variables are served by one execution per event, and the
policy still decides every event for all of them."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import UTC, datetime

import pytest
import websockets

from amicable.models import ApiKey, Message
from amicable.models.enums import AuthorKind, ModerationState, Role, Visibility
from amicable.resolvers import accounts, complaints, messages
from amicable.schema.shared_subscriptions import Member, SharedSubscriptions
from amicable.subscriptions.bus.events import MessageAdded, complaint_channel
from tests.factories import gid, make_company, make_complaint, make_user
from tests.subscriptions.conftest import eventually
from tests.subscriptions.wsclient import GraphQLWebSocket, connect

pytestmark = pytest.mark.e2e

MESSAGE_ADDED = "subscription($id: ID!) { messageAdded(complaintId: $id) { id body } }"
# The same document written differently: it normalises to the one above.
MESSAGE_ADDED_SPACED = """subscription ($id: ID!) {
  messageAdded(complaintId: $id) {
    id
    body
  }
}"""


async def _scene(live, visibility: Visibility = Visibility.PUBLIC):
    services = live.services
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer)
    owner = await make_user(services)
    agent = await make_user(services, Role.AGENT, company=company)
    complaint = await make_complaint(services, owner, company, visibility=visibility)
    return owner, agent, complaint


def _shared(live) -> SharedSubscriptions:
    return live.app.state.shared_subscriptions  # type: ignore[no-any-return]


async def _anonymous(
    live, stack: AsyncExitStack, complaint_id: str, count: int
) -> list[GraphQLWebSocket]:
    clients = []
    for number in range(count):
        ws = await stack.enter_async_context(connect(live.ws_url))
        query = MESSAGE_ADDED if number % 2 else MESSAGE_ADDED_SPACED
        await ws.subscribe(query, id=complaint_id)
        clients.append(ws)
    return clients


async def _next_or_none(ws: GraphQLWebSocket) -> dict | None:
    try:
        return await ws.next(within=0.5)
    except TimeoutError:
        return None


async def test_anonymous_subscribers_share_one_execution_per_event(live):
    _, agent, complaint = await _scene(live)
    shared = _shared(live)
    async with AsyncExitStack() as stack:
        clients = await _anonymous(live, stack, gid("Complaint", complaint.id), 12)
        await live.wait_for_subscribers(12)
        assert len(shared.hubs) == 1
        # One feed on the bus stands for all twelve.
        assert live.services.events.subscriber_count(complaint_channel(str(complaint.id))) == 1
        before = shared.executions
        message = await messages.post(live.services, agent.viewer, complaint.id, "Hallo")
        received = await asyncio.gather(*(ws.next() for ws in clients))
        assert shared.executions - before == 1
        second = await messages.post(live.services, agent.viewer, complaint.id, "Nogmaals")
        again = await asyncio.gather(*(ws.next() for ws in clients))
        assert shared.executions - before == 2
    expected = {"data": {"messageAdded": {"id": gid("Message", message.id), "body": "Hallo"}}}
    assert received == [expected] * 12
    assert {got["data"]["messageAdded"]["id"] for got in again} == {gid("Message", second.id)}
    # The last member gone, the shared execution ends and leaves the bus.
    await eventually(lambda: not shared.hubs and live.services.events.subscriber_count() == 0)


async def test_a_complaint_turned_private_stops_delivery_to_every_sharer(live):
    owner, agent, complaint = await _scene(live)
    async with AsyncExitStack() as stack:
        sharers = await _anonymous(live, stack, gid("Complaint", complaint.id), 4)
        mine = await stack.enter_async_context(connect(live.ws_url, token=owner.token))
        await mine.subscribe(MESSAGE_ADDED, id=gid("Complaint", complaint.id))
        await live.wait_for_subscribers(5)
        await complaints.set_visibility(
            live.services, owner.viewer, complaint.id, Visibility.PRIVATE
        )
        await messages.post(live.services, agent.viewer, complaint.id, "Nu privé")
        assert await asyncio.gather(*map(_next_or_none, sharers)) == [None] * 4
        assert (await mine.next())["data"]["messageAdded"]["body"] == "Nu privé"
        # Public again: the very next event reaches every sharer.
        await complaints.set_visibility(
            live.services, owner.viewer, complaint.id, Visibility.PUBLIC
        )
        await messages.post(live.services, agent.viewer, complaint.id, "Weer publiek")
        received = await asyncio.gather(*map(_next_or_none, sharers))
    assert [got and got["data"]["messageAdded"]["body"] for got in received] == ["Weer publiek"] * 4


async def test_a_sharer_who_leaves_does_not_stop_the_others(live):
    _, agent, complaint = await _scene(live)
    async with AsyncExitStack() as stack:
        first, second, third = await _anonymous(live, stack, gid("Complaint", complaint.id), 3)
        await live.wait_for_subscribers(3)
        # One completes its operation, one closes its connection.
        await first.ws.send('{"id": "1", "type": "complete"}')
        await second.ws.close()
        await live.wait_for_subscribers(1)
        await messages.post(live.services, agent.viewer, complaint.id, "Nog iemand?")
        got = await third.next()
        await first.nothing()
    assert got["data"]["messageAdded"]["body"] == "Nog iemand?"


async def test_a_signed_in_owner_keeps_seeing_what_only_they_may_see(live):
    owner, _, complaint = await _scene(live)
    shared = _shared(live)
    async with AsyncExitStack() as stack:
        sharers = await _anonymous(live, stack, gid("Complaint", complaint.id), 3)
        mine = await stack.enter_async_context(connect(live.ws_url, token=owner.token))
        await mine.subscribe(MESSAGE_ADDED, id=gid("Complaint", complaint.id))
        await live.wait_for_subscribers(4)
        # The owner runs on their own; the three anonymous subscribers share one hub.
        assert shared.members_on() == 3
        held = await Message.create(
            complaint=complaint,
            author_kind=AuthorKind.CONSUMER,
            author_user_id=owner.user.id,
            body="Mijn nummer is 0470 12 34 56",
            public_body="Mijn nummer is [verwijderd]",
            moderation_state=ModerationState.PENDING,
            created_at=datetime.now(UTC),
        )
        await live.services.events.publish(
            MessageAdded(str(complaint.id), str(complaint.company_id), str(held.id))
        )
        got = await mine.next()
        assert await asyncio.gather(*map(_next_or_none, sharers)) == [None] * 3
    assert got["data"]["messageAdded"]["body"] == "Mijn nummer is 0470 12 34 56"


async def test_a_refused_subscriber_answers_not_found_while_others_share(live):
    _, agent, complaint = await _scene(live, Visibility.PRIVATE)
    _, _, public = await _scene(live)
    async with AsyncExitStack() as stack:
        [sharer] = await _anonymous(live, stack, gid("Complaint", public.id), 1)
        await live.wait_for_subscribers(1)
        refused = await stack.enter_async_context(connect(live.ws_url))
        await refused.subscribe(MESSAGE_ADDED, id=gid("Complaint", complaint.id))
        errors = await refused.error()
        await messages.post(live.services, agent.viewer, complaint.id, "Privé")
        await sharer.nothing()
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"


async def test_partners_share_per_key_and_a_revoked_key_ends_only_its_own(settings, serve):
    # Checked at every event: the shared execution of a key checks it for all its sharers.
    async for live in serve(settings.model_copy(update={"websocket_recheck_seconds": 0})):
        moderator = await make_user(live.services, Role.MODERATOR)
        _, agent, complaint = await _scene(live)
        key_a, token_a = await accounts.create_api_key(moderator.viewer, partner_name="A")
        _, token_b = await accounts.create_api_key(moderator.viewer, partner_name="B")
        complaint_id = gid("Complaint", complaint.id)
        async with AsyncExitStack() as stack:
            clients = {}
            for name, token in (("a1", token_a), ("a2", token_a), ("b", token_b), ("anon", None)):
                ws = await stack.enter_async_context(connect(live.ws_url, token=token))
                await ws.subscribe(MESSAGE_ADDED, id=complaint_id)
                clients[name] = ws
            await live.wait_for_subscribers(4)
            # Anonymous, key A and key B: three shared executions.
            assert len(_shared(live).hubs) == 3
            await ApiKey.filter(id=key_a.id).update(revoked_at=live.services.now())
            await messages.post(live.services, agent.viewer, complaint.id, "Voor wie nog mag")
            ended = [await clients[name].error() for name in ("a1", "a2")]
            delivered = [await clients[name].next() for name in ("b", "anon")]
        assert [errors[0]["extensions"]["code"] for errors in ended] == ["UNAUTHENTICATED"] * 2
        assert {got["data"]["messageAdded"]["body"] for got in delivered} == {"Voor wie nog mag"}


async def test_a_revoked_partner_key_closes_its_sharers_sockets(settings, serve):
    async for live in serve(settings.model_copy(update={"websocket_recheck_seconds": 0.3})):
        moderator = await make_user(live.services, Role.MODERATOR)
        _, _, complaint = await _scene(live)
        key, token = await accounts.create_api_key(moderator.viewer, partner_name="A")
        async with AsyncExitStack() as stack:
            sharers = []
            for _ in range(2):
                ws = await stack.enter_async_context(connect(live.ws_url, token=token))
                await ws.subscribe(MESSAGE_ADDED, id=gid("Complaint", complaint.id))
                sharers.append(ws)
            await live.wait_for_subscribers(2)
            await ApiKey.filter(id=key.id).update(revoked_at=live.services.now())
            for ws in sharers:
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    while True:
                        await ws.receive()
                assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
        shared = _shared(live)
        await eventually(lambda shared=shared: not shared.hubs)
        await live.wait_for_subscribers(0)


async def test_a_member_that_falls_behind_is_dropped_and_told_so():
    member = Member(queue_size=2)
    member.active = True
    for payload in ("a", "b", "c"):
        member.offer(payload)
    assert member.overflowed
    # What it had not sent is replaced by the end: it is told SLOW_CONSUMER at once.
    assert await member.next() is None
    member.offer("d")
    assert not member._frames
