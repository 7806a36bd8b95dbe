"""The words each outbox mail keeps for the sent-text defence compare exactly like the mail
they were taken from: the index built from kept words equals the index built by parsing
the mails again (which stays the path for mail queued before words were kept)."""

from __future__ import annotations

from amicable.mail.inbound.sent_texts import sent_on_thread
from amicable.models import OutboxMail
from amicable.models.enums import Role
from amicable.models.mail import OutboxKind
from amicable.resolvers import messages
from tests.factories import make_company, make_complaint, make_user


async def test_kept_words_index_like_the_parsed_mails(services):
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services)
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    agent = await make_user(services, Role.AGENT, company=company, name="Sofie Peeters")
    complaint = await make_complaint(services, consumer, company)
    await messages.post(services, agent.viewer, complaint.id, "Wij bellen u morgen, Jan.")
    await messages.post(services, consumer.viewer, complaint.id, "Graag vóór 12 uur, dank u.")
    rows = await OutboxMail.filter(complaint_id=complaint.id)
    assert {row.kind for row in rows} == {OutboxKind.COMPLAINT, OutboxKind.REPLY}
    assert all(row.sent_words is not None for row in rows)

    kept = await sent_on_thread(complaint.id)
    await OutboxMail.filter(complaint_id=complaint.id).update(sent_words=None)
    parsed = await sent_on_thread(complaint.id)

    assert kept.grams and kept.grams == parsed.grams
    assert kept.senders == parsed.senders
    assert ("wij", "bellen", "u", "morgen", "jan") in kept.grams
    assert ("graag", "voor", "12", "uur", "dank") in kept.grams
