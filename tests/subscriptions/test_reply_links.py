"""A company's web reply link on a websocket: the events of its one thread, nothing else,
and its subscriptions end once the link is withdrawn."""

from __future__ import annotations

import uuid

import pytest

from amicable.models.enums import Role, Visibility
from amicable.resolvers import magic_links, messages
from tests.accounts.mailed import complaint_link
from tests.factories import gid, make_company, make_complaint, make_user
from tests.subscriptions.wsclient import connect

pytestmark = pytest.mark.e2e

MESSAGE_ADDED = "subscription($id: ID!) { messageAdded(complaintId: $id) { id body } }"


async def test_a_link_follows_its_thread_only(live):
    services = live.services
    services.settings.websocket_recheck_seconds = 0
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer)
    consumer = await make_user(services)
    mine = await make_complaint(services, consumer, company, visibility=Visibility.PRIVATE)
    other = await make_complaint(services, consumer, company, visibility=Visibility.PRIVATE)
    link = await complaint_link(mine.id)

    async with connect(live.ws_url, token=link) as ws:
        await ws.subscribe(MESSAGE_ADDED, id=gid("Complaint", other.id))
        refused = await ws.error()
    async with connect(live.ws_url) as ws:
        await ws.subscribe(MESSAGE_ADDED, id=gid("Complaint", uuid.uuid4()))
        missing = await ws.error()
    assert refused == missing  # another complaint of the same company is as if missing

    async with connect(live.ws_url, token=link) as ws:
        await ws.subscribe(MESSAGE_ADDED, id=gid("Complaint", mine.id))
        await live.wait_for_subscribers(1)
        message = await messages.post(services, consumer.viewer, mine.id, "Nog nieuws?")
        got = await ws.next()
        assert got == {
            "data": {"messageAdded": {"id": gid("Message", message.id), "body": "Nog nieuws?"}}
        }
        await magic_links.revoke(services, moderator.viewer, mine.id, None)
        await messages.post(services, consumer.viewer, mine.id, "Hallo?")
        # Withdrawn: the subscription ends at the next event, as for a revoked token.
        ended = await ws.next()
        assert ended["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
        assert ended["data"] is None
