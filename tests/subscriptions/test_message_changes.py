"""Every change to a message reaches `messageAdded` with the message's current state, and
every moderation item reaches the moderators' feed, through the real mail pipeline, the
real operations and real websockets under uvicorn."""

from __future__ import annotations

import pytest

from amicable.mail.inbound.pipeline import receive
from amicable.models import CompanyAddress, ModerationItem
from amicable.models.enums import Role
from amicable.models.mail import InboundDoor
from amicable.models.moderation import ModerationDecision, ModerationItemKind
from amicable.resolvers import messages, moderation, reports
from amicable.subscriptions.bus.events import complaint_channel, moderation_channel
from tests.factories import gid, make_company, make_complaint, make_user
from tests.mail.conftest import fill
from tests.subscriptions.test_feeds import NOTIFICATIONS
from tests.subscriptions.wsclient import connect

pytestmark = pytest.mark.e2e

WATCH = """subscription($id: ID!) {
  messageAdded(complaintId: $id) { id body isRedacted moderationState }
}"""


async def _thread(services):
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services, email="jan.desmet@example.org")
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    agent = await make_user(services, Role.AGENT, company=company)
    complaint = await make_complaint(services, consumer, company)
    return moderator, consumer, agent, complaint


async def test_a_held_reply_reaches_moderators_and_its_approval_reaches_everyone(live):
    services = live.services
    moderator, consumer, _agent, complaint = await _thread(services)
    channel = complaint_channel(str(complaint.id))
    async with (
        connect(live.ws_url, token=moderator.token) as watching_moderator,
        connect(live.ws_url, token=consumer.token) as watching_consumer,
    ):
        await watching_moderator.subscribe(WATCH, id=gid("Complaint", complaint.id))
        await watching_consumer.subscribe(WATCH, id=gid("Complaint", complaint.id))
        await live.wait_for_subscribers(2, channel)

        raw = await fill("stranger_spoofed.eml", complaint)
        verdict = await receive(services, raw, door=InboundDoor.SMTP)
        assert verdict.outcome == "HELD"
        held = (await watching_moderator.next())["data"]["messageAdded"]
        assert held["moderationState"] == "PENDING"
        assert held["body"] == "Wij betalen alles terug, stuur ons uw bankgegevens."
        await watching_consumer.nothing()

        item = await ModerationItem.get(kind=ModerationItemKind.HELD_REPLY)
        await moderation.decide(
            services, moderator.viewer, item.id, ModerationDecision.APPROVE, "Checked by phone."
        )
        for ws in (watching_moderator, watching_consumer):
            approved = (await ws.next())["data"]["messageAdded"]
            assert approved["id"] == held["id"]
            assert approved["moderationState"] == "PUBLISHED"


async def test_a_held_reply_is_announced_on_the_moderators_feed(live):
    services = live.services
    moderator, _consumer, _agent, complaint = await _thread(services)
    async with connect(live.ws_url, token=moderator.token) as ws:
        await ws.subscribe(NOTIFICATIONS)
        await live.wait_for_subscribers(1, moderation_channel())
        await receive(
            services, await fill("stranger_spoofed.eml", complaint), door=InboundDoor.SMTP
        )
        queued = (await ws.next())["data"]["notifications"]
    item = await ModerationItem.get(kind=ModerationItemKind.HELD_REPLY)
    assert queued["__typename"] == "ModerationItemAddedNotification"
    assert queued["itemId"] == gid("ModerationItem", item.id)
    assert queued["relatedMessage"] == {"id": gid("Message", item.message_id)}


async def test_redaction_and_rejection_of_a_published_message_reach_watchers(live):
    services = live.services
    moderator, consumer, agent, complaint = await _thread(services)
    message = await messages.post(services, agent.viewer, complaint.id, "Bel 0470 12 34 56.")
    await reports.report(
        services,
        consumer.viewer,
        reports.ReportDraft(reason="Not relevant.", message_id=message.id),
        client_key="test",
    )
    channel = complaint_channel(str(complaint.id))
    anonymous = await make_user(services, email="someone@example.org")
    async with (
        connect(live.ws_url, token=moderator.token) as watching_moderator,
        connect(live.ws_url, token=anonymous.token) as watching_public,
    ):
        await watching_moderator.subscribe(WATCH, id=gid("Complaint", complaint.id))
        await watching_public.subscribe(WATCH, id=gid("Complaint", complaint.id))
        await live.wait_for_subscribers(2, channel)

        item = await ModerationItem.get(kind=ModerationItemKind.CONTENT_REPORT)
        await moderation.decide(
            services,
            moderator.viewer,
            item.id,
            ModerationDecision.REDACT,
            "Phone number.",
            moderation.Redaction(body="Bel ons."),
        )
        redacted = (await watching_public.next())["data"]["messageAdded"]
        assert redacted == {
            "id": gid("Message", message.id),
            "body": "Bel ons.",
            "isRedacted": True,
            "moderationState": "PUBLISHED",
        }
        assert (await watching_moderator.next())["data"]["messageAdded"]["isRedacted"] is True

        await reports.report(
            services,
            consumer.viewer,
            reports.ReportDraft(reason="Still not relevant.", message_id=message.id),
            client_key="test",
        )
        again = await ModerationItem.get(
            kind=ModerationItemKind.CONTENT_REPORT, status="OPEN", message_id=message.id
        )
        await moderation.decide(
            services, moderator.viewer, again.id, ModerationDecision.REJECT, "Off topic."
        )
        # The public may no longer read it: a tombstone, so a client removes it by id.
        gone = (await watching_public.next())["data"]["messageAdded"]
        assert gone == {
            "id": gid("Message", message.id),
            "body": "",
            "isRedacted": False,
            "moderationState": "REJECTED",
        }
        # Moderators still see it, as it now is.
        kept = (await watching_moderator.next())["data"]["messageAdded"]
        assert kept["moderationState"] == "REJECTED"
        assert kept["body"] == "Bel 0470 12 34 56."  # moderators read the original


async def test_a_held_message_rejected_is_never_shown_to_the_public(live):
    services = live.services
    moderator, _consumer, _agent, complaint = await _thread(services)
    anonymous = await make_user(services, email="someone@example.org")
    async with connect(live.ws_url, token=anonymous.token) as watching_public:
        await watching_public.subscribe(WATCH, id=gid("Complaint", complaint.id))
        await live.wait_for_subscribers(1, complaint_channel(str(complaint.id)))
        await receive(
            services, await fill("stranger_spoofed.eml", complaint), door=InboundDoor.SMTP
        )
        item = await ModerationItem.get(kind=ModerationItemKind.HELD_REPLY)
        await moderation.decide(
            services, moderator.viewer, item.id, ModerationDecision.REJECT, "A stranger."
        )
        await watching_public.nothing()


async def test_a_complaint_without_a_working_address_is_announced_to_moderators(live):
    services = live.services
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services)
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    await CompanyAddress.filter(company_id=company.id).update(failing=True)
    async with connect(live.ws_url, token=moderator.token) as ws:
        await ws.subscribe(NOTIFICATIONS)
        await live.wait_for_subscribers(1, moderation_channel())
        complaint = await make_complaint(services, consumer, company)
        queued = (await ws.next())["data"]["notifications"]
    item = await ModerationItem.get(kind=ModerationItemKind.COMPANY_ADDRESS_FAILING)
    assert item.complaint_id == complaint.id
    assert queued == {
        "__typename": "ModerationItemAddedNotification",
        "itemId": gid("ModerationItem", item.id),
        "relatedComplaint": {"id": gid("Complaint", complaint.id)},
        "relatedMessage": None,
    }
