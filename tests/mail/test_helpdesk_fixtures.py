"""Helpdesk notifications answering the complaint mail this test platform actually sent,
on a public complaint, through the whole pipeline: the agent's words are posted exactly,
and nothing of the digest (the consumer's name, customer number, our own text) is."""

from __future__ import annotations

import pytest

from amicable.mail.inbound.pipeline import receive
from amicable.models import InboundMail, Message, ModerationItem
from amicable.models.enums import ModerationState, Role, Visibility
from amicable.models.mail import InboundDoor, ModerationItemKind
from tests.factories import make_company, make_complaint, make_user
from tests.mail.conftest import fill, flush

HELPDESKS = {
    "helpdesk_zendesk_nl.eml": (
        "Beste klant,\n\nWij hebben de storing op uw lijn gevonden en hersteld. U ontvangt een "
        "creditnota van 15 euro.\n\nMet vriendelijke groet,\nSofie"
    ),
    "helpdesk_zendesk_html_only_en.eml": (
        "Hello,\n\nWe reset your line profile and the connection has been stable since "
        "Sunday. We will credit one month of your subscription.\n\nKind regards,\nSofie"
    ),
    "helpdesk_front_en.eml": (
        "Hi,\n\nThe evening drops came from a saturated node in your area. We split the node "
        "yesterday and will keep an eye on your line for two weeks.\n\nBest,\nSofie"
    ),
    "helpdesk_hubspot_nl.eml": (
        "Goedemiddag,\n\nOnze monteur heeft de aansluiting in de straatkast vervangen. Laat u "
        "ons weten of het probleem zich nog voordoet?\n\nVriendelijke groeten,\n"
        "Klantenservice Telenova"
    ),
    "helpdesk_helpscout_en.eml": (
        "Hello,\n\nThank you for your patience. A technician replaced the street cabinet card "
        "this morning; your connection should now stay up in the evening.\n\nKind regards,\n"
        "Sofie\nTelenova Support"
    ),
    "helpdesk_jira_service_management_en.eml": (
        "Hello,\n\nWe found a faulty line card in your street cabinet and replaced it today. "
        "Please let us know if the connection still drops in the evening.\n\nSofie"
    ),
    "helpdesk_salesforce_en.eml": (
        "Dear customer,\n\nYour complaint was passed to our network team. They will check the "
        "line on Thursday between 8:00 and 12:00.\n\nBest regards,\nCustomer Care Telenova"
    ),
    "helpdesk_zammad_de.eml": (
        "Guten Tag,\n\nwir haben die Störung an Ihrem Anschluss behoben und schreiben Ihnen "
        "25 Euro gut.\n\nMit freundlichen Grüßen\nLukas Weber\nTelenova Kundenservice"
    ),
    "helpdesk_freshdesk_fr.eml": (
        "Bonjour,\n\nNous avons remplacé votre modem à distance. La connexion devrait rester "
        "stable le soir.\n\nCordialement,\nSophie"
    ),
    "helpdesk_osticket_en.eml": (
        "Klachtenplatform,\n\nWe replaced the modem at the customer's address. The connection "
        "has been stable for two days now.\n\nSofie Peeters\nTelenova Support"
    ),
}

# What the complaint mail told the company in confidence, and our own wording.
NEVER_PUBLISHED = ("Jan De Smet", "KL-778899", "Kerkstraat", "470 12 34", "Klachtenplatform een")


@pytest.fixture
async def complaint(services, worker):
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services, email="jan.desmet@example.org", name="Jan De Smet")
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    made = await make_complaint(services, consumer, company, visibility=Visibility.PUBLIC)
    await flush(worker)
    return made


@pytest.mark.parametrize("name", sorted(HELPDESKS))
async def test_helpdesk_reply_posts_only_the_agents_words(name, services, complaint):
    verdict = await receive(services, await fill(name, complaint), door=InboundDoor.SMTP)
    assert verdict.outcome == "POSTED", verdict
    [message] = await Message.filter(complaint_id=complaint.id)
    assert message.body == HELPDESKS[name]
    assert message.moderation_state is ModerationState.PUBLISHED
    for private in NEVER_PUBLISHED:
        assert private not in message.body
    assert complaint.reference not in message.body


async def test_a_mail_that_only_reproduces_ours_is_held(services, complaint):
    verdict = await receive(
        services, await fill("forward_nothing_new_nl.eml", complaint), door=InboundDoor.SMTP
    )
    assert verdict.outcome == "EMPTY" and verdict.smtp_reply.startswith("250")
    assert await Message.filter(complaint_id=complaint.id).count() == 0
    record = await InboundMail.get(complaint_id=complaint.id)
    assert record.raw_message and record.outcome == "EMPTY"
    [item] = await ModerationItem.filter(complaint_id=complaint.id)
    assert item.kind is ModerationItemKind.EMPTY_REPLY
    assert item.inbound_mail_id == record.id


async def test_deciding_a_held_mail_leaves_the_complaint_alone(services, complaint):
    from amicable.models import Complaint
    from amicable.models.mail import ModerationDecision
    from amicable.resolvers import moderation

    await receive(
        services, await fill("forward_nothing_new_nl.eml", complaint), door=InboundDoor.SMTP
    )
    [item] = await ModerationItem.filter(complaint_id=complaint.id)
    before = await Complaint.get(id=complaint.id)
    moderator = await make_user(services, Role.MODERATOR, email="mod2@example.org")
    decided = await moderation.decide(
        services, moderator.viewer, item.id, ModerationDecision.REJECT, "Nothing new in it."
    )
    assert decided.status.value == "DONE"
    after = await Complaint.get(id=complaint.id)
    assert (after.status, after.visibility) == (before.status, before.visibility)
    assert (after.public_description, after.is_redacted) == (before.public_description, False)
