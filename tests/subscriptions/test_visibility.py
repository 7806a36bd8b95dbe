"""The policy on every event, as every role: anonymous, the owner, another consumer, an
agent of the company, an agent of another company, a moderator, a lawyer."""

from __future__ import annotations

import asyncio
import uuid
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from amicable.models import Complaint, Message, User
from amicable.models.enums import AuthorKind, Language, ModerationState, Role, Visibility
from amicable.resolvers import complaints, messages
from amicable.subscriptions.bus.events import ComplaintUpdated, MessageAdded
from tests.factories import Actor, gid, make_company, make_complaint, make_user
from tests.subscriptions.wsclient import GraphQLWebSocket, connect

pytestmark = pytest.mark.e2e

ROLES = ("anonymous", "owner", "other", "agent", "other_agent", "moderator", "lawyer")

MESSAGE_ADDED = "subscription($id: ID!) { messageAdded(complaintId: $id) { id body } }"
COMPLAINT_UPDATED = """subscription($id: ID!) {
  complaintUpdated(complaintId: $id) { id title isRedacted visibility status }
}"""


@dataclass
class Cast:
    actors: dict[str, Actor | None]
    complaint: Complaint
    agent: Actor
    owner: Actor
    moderator: Actor


async def _cast(live, visibility: Visibility) -> Cast:
    services = live.services
    moderator = await make_user(services, Role.MODERATOR, name="Mona Moderator")
    company = await make_company(moderator.viewer)
    other_company = await make_company(moderator.viewer, "Otherco")
    owner = await make_user(services)
    actors: dict[str, Actor | None] = {
        "anonymous": None,
        "owner": owner,
        "other": await make_user(services, name="Piet Peeters"),
        "agent": await make_user(services, Role.AGENT, company=company),
        "other_agent": await make_user(services, Role.AGENT, company=other_company),
        "moderator": moderator,
        "lawyer": await make_user(services, Role.LAWYER),
    }
    complaint = await make_complaint(services, owner, company, visibility=visibility)
    # Refusals are worded in each account's language; these accounts read English.
    accounts = [actor.user.id for actor in actors.values() if actor is not None]
    await User.filter(id__in=accounts).update(language=Language.EN)
    agent = actors["agent"]
    assert agent is not None
    return Cast(actors, complaint, agent, owner, moderator)


async def _subscribe_all(
    live, stack: AsyncExitStack, cast: Cast, query: str
) -> dict[str, GraphQLWebSocket]:
    clients = {}
    for role, actor in cast.actors.items():
        ws = await stack.enter_async_context(
            connect(live.ws_url, token=actor.token if actor else None)
        )
        await ws.subscribe(query, id=gid("Complaint", cast.complaint.id))
        clients[role] = ws
    return clients


async def _split_by_subscribe_outcome(
    live, clients: dict[str, GraphQLWebSocket]
) -> tuple[set[str], set[str]]:
    """(roles refused with NOT_FOUND, roles subscribed). Refusals arrive at once; the rest
    are live once the server holds that many subscriptions."""

    async def refusal(ws: GraphQLWebSocket) -> list[dict] | None:
        try:
            return await ws.error(within=0.3)
        except TimeoutError:
            return None

    outcomes = dict(
        zip(clients, await asyncio.gather(*map(refusal, clients.values())), strict=True)
    )
    refused = set()
    for role, errors in outcomes.items():
        if errors is not None:
            assert errors[0]["extensions"]["code"] == "NOT_FOUND", errors
            assert "not found" in errors[0]["message"].lower()
            refused.add(role)
    subscribed = set(clients) - refused
    await live.wait_for_subscribers(len(subscribed))
    return refused, subscribed


async def _receivers(clients: dict[str, GraphQLWebSocket], roles: set[str]) -> dict[str, dict]:
    """What each of `roles` receives next (a short wait; nothing is recorded as None)."""

    async def next_or_none(role: str) -> dict | None:
        try:
            return await clients[role].next(within=0.5)
        except TimeoutError:
            return None

    ordered = sorted(roles)
    return dict(zip(ordered, await asyncio.gather(*map(next_or_none, ordered)), strict=True))


async def test_public_complaint_reply_reaches_everyone(live):
    cast = await _cast(live, Visibility.PUBLIC)
    async with AsyncExitStack() as stack:
        clients = await _subscribe_all(live, stack, cast, MESSAGE_ADDED)
        refused, subscribed = await _split_by_subscribe_outcome(live, clients)
        assert refused == set()
        message = await messages.post(live.services, cast.agent.viewer, cast.complaint.id, "Hi")
        received = await _receivers(clients, subscribed)
    expected = {"data": {"messageAdded": {"id": gid("Message", message.id), "body": "Hi"}}}
    assert received == dict.fromkeys(ROLES, expected)


async def test_private_complaint_events_reach_only_those_who_may_see_it(live):
    cast = await _cast(live, Visibility.PRIVATE)
    async with AsyncExitStack() as stack:
        clients = await _subscribe_all(live, stack, cast, MESSAGE_ADDED)
        refused, subscribed = await _split_by_subscribe_outcome(live, clients)
        # Refused exactly as for a complaint that does not exist: no existence oracle.
        assert refused == {"anonymous", "other", "other_agent", "lawyer"}
        await messages.post(live.services, cast.agent.viewer, cast.complaint.id, "Private hi")
        received = await _receivers(clients, subscribed)
    assert {role for role, got in received.items() if got} == {"owner", "agent", "moderator"}


async def test_subscribing_to_a_missing_complaint_answers_like_a_private_one(live):
    async with connect(live.ws_url) as ws:
        await ws.subscribe(MESSAGE_ADDED, id=gid("Complaint", uuid.uuid4()))
        missing = await ws.error()
        await ws.subscribe(MESSAGE_ADDED, id="not-an-id")
        malformed = await ws.error()
    assert missing == malformed
    assert missing[0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_complaint_turned_private_while_subscribed_stops_its_events(live):
    cast = await _cast(live, Visibility.PUBLIC)
    services = live.services
    async with AsyncExitStack() as stack:
        clients = await _subscribe_all(live, stack, cast, MESSAGE_ADDED)
        _, subscribed = await _split_by_subscribe_outcome(live, clients)
        assert subscribed == set(ROLES)
        await complaints.set_visibility(
            services, cast.owner.viewer, cast.complaint.id, Visibility.PRIVATE
        )
        await messages.post(services, cast.owner.viewer, cast.complaint.id, "Now private")
        received = await _receivers(clients, subscribed)
        assert {role for role, got in received.items() if got} == {"owner", "agent", "moderator"}
        # ...and back to public: the very next event reaches everyone again.
        await complaints.set_visibility(
            services, cast.owner.viewer, cast.complaint.id, Visibility.PUBLIC
        )
        await messages.post(services, cast.agent.viewer, cast.complaint.id, "Public again")
        received = await _receivers(clients, subscribed)
    assert all(
        got and got["data"]["messageAdded"]["body"] == "Public again" for got in received.values()
    ), received


async def test_a_message_pending_moderation_reaches_only_its_author_and_moderators(live):
    cast = await _cast(live, Visibility.PUBLIC)
    async with AsyncExitStack() as stack:
        clients = await _subscribe_all(live, stack, cast, MESSAGE_ADDED)
        _, subscribed = await _split_by_subscribe_outcome(live, clients)
        # Held by screening (the moderation issue's operation will write this state).
        held = await Message.create(
            complaint=cast.complaint,
            author_kind=AuthorKind.CONSUMER,
            author_user_id=cast.owner.user.id,
            body="Bel me op 0470 12 34 56",
            public_body="Bel me op [verwijderd]",
            moderation_state=ModerationState.PENDING,
            created_at=datetime.now(UTC),
        )
        await live.services.events.publish(
            MessageAdded(str(cast.complaint.id), str(cast.complaint.company_id), str(held.id))
        )
        received = await _receivers(clients, subscribed)
        assert {role for role, got in received.items() if got} == {"owner", "moderator"}
        # Approved while subscribed: the next event about it reaches everyone.
        held.moderation_state = ModerationState.PUBLISHED
        await held.save()
        await live.services.events.publish(
            MessageAdded(str(cast.complaint.id), str(cast.complaint.company_id), str(held.id))
        )
        received = await _receivers(clients, subscribed)
    assert set(received) == set(ROLES) and all(received.values())


async def test_a_redaction_while_subscribed_shows_on_the_next_event(live):
    cast = await _cast(live, Visibility.PUBLIC)
    async with AsyncExitStack() as stack:
        clients = await _subscribe_all(live, stack, cast, COMPLAINT_UPDATED)
        _, subscribed = await _split_by_subscribe_outcome(live, clients)
        await Complaint.filter(id=cast.complaint.id).update(
            public_title="Internet valt [verwijderd] weg", is_redacted=True
        )
        await live.services.events.publish(
            ComplaintUpdated(str(cast.complaint.id), str(cast.complaint.company_id))
        )
        received = await _receivers(clients, subscribed)
    titles = {role: got["data"]["complaintUpdated"]["title"] for role, got in received.items()}
    original, redacted = cast.complaint.title, "Internet valt [verwijderd] weg"
    assert titles == {
        "anonymous": redacted,
        "owner": original,
        "other": redacted,
        "agent": original,
        "other_agent": redacted,
        "moderator": original,
        "lawyer": redacted,
    }
    assert all(got["data"]["complaintUpdated"]["isRedacted"] for got in received.values())


async def test_a_lawyer_follows_an_escalated_private_complaint(live):
    cast = await _cast(live, Visibility.PRIVATE)
    await Complaint.filter(id=cast.complaint.id).update(escalated_at=datetime.now(UTC))
    lawyer = cast.actors["lawyer"]
    assert lawyer is not None
    async with connect(live.ws_url, token=lawyer.token) as ws:
        await ws.subscribe(MESSAGE_ADDED, id=gid("Complaint", cast.complaint.id))
        await live.wait_for_subscribers(1)
        await messages.post(live.services, cast.agent.viewer, cast.complaint.id, "For counsel")
        result = await ws.next()
    assert result["data"]["messageAdded"]["body"] == "For counsel"
