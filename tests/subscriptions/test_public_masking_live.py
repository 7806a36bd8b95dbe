"""Subscription payloads carry the public version of text to those who read the public
version: a company reply greeting the consumer by name reaches the public masked."""

from __future__ import annotations

from contextlib import AsyncExitStack

import pytest

from amicable.models.enums import Role, Visibility
from amicable.resolvers import messages
from tests.factories import gid, make_company, make_complaint, make_user
from tests.subscriptions.wsclient import connect

pytestmark = pytest.mark.e2e

MESSAGE_ADDED = "subscription($id: ID!) { messageAdded(complaintId: $id) { body isRedacted } }"


async def test_message_added_is_masked_for_the_public_and_original_for_the_thread(live):
    services = live.services
    moderator = await make_user(services, Role.MODERATOR, name="Mona Moderator")
    company = await make_company(moderator.viewer)
    owner = await make_user(services, name="Jan Desmet")
    agent = await make_user(services, Role.AGENT, company=company, name="Sofie Peeters")
    other = await make_user(services, name="Piet Peeters")
    complaint = await make_complaint(services, owner, company, visibility=Visibility.PUBLIC)
    readers = {"anonymous": None, "other": other, "owner": owner, "agent": agent}
    reply = "Beste heer DESMÉT,\nJan, uw klantnummer KL-778899 is genoteerd."
    async with AsyncExitStack() as stack:
        clients = {}
        for role, actor in readers.items():
            ws = await stack.enter_async_context(
                connect(live.ws_url, token=actor.token if actor else None)
            )
            await ws.subscribe(MESSAGE_ADDED, id=gid("Complaint", complaint.id))
            clients[role] = ws
        await live.wait_for_subscribers(len(clients))
        await messages.post(services, agent.viewer, complaint.id, reply)
        received = {role: await ws.next() for role, ws in clients.items()}
    public = {
        # "DESMÉT,\nJan" is the name written family name first: one marker.
        "body": "Beste heer [naam verwijderd], uw klantnummer [klantnummer verwijderd] is "
        "genoteerd.",
        "isRedacted": True,
    }
    original = {"body": reply, "isRedacted": True}
    assert {role: got["data"]["messageAdded"] for role, got in received.items()} == {
        "anonymous": public,
        "other": public,
        "owner": original,
        "agent": original,
    }
