"""Screening on arrival: abusive language waits unmailed, personal data is masked at once,
for every role, on the web and by mail alike."""

from __future__ import annotations

import pytest

from amicable.models import Complaint, Message, ModerationItem, OutboxMail
from amicable.models.enums import AuthorKind, Channel, ComplaintStatus, Language, ModerationState
from amicable.models.mail import OutboxKind
from amicable.models.moderation import ModerationItemKind
from amicable.resolvers import messages
from amicable.resolvers.complaints import get_for_update
from tests.factories import gid, make_complaint
from tests.moderation.conftest import ROLES, as_role

INSULT = "Jullie zijn een bende klootzakken, ik wacht al drie weken op mijn geld."
WITH_PHONE = "Bel me terug op 0470 12 34 56 want niemand neemt ooit op bij jullie."
WITH_IBAN = "Stort het bedrag terug op BE68 5390 0754 7034 zoals beloofd in de mail."


async def test_a_complaint_with_an_insult_waits_and_is_not_mailed(services, cast):
    complaint = await make_complaint(services, cast.owner, cast.company, description=INSULT)
    assert complaint.status is ComplaintStatus.PENDING_MODERATION
    assert complaint.sent_at is None
    assert not await OutboxMail.exists(complaint_id=complaint.id)
    item = await ModerationItem.get(complaint_id=complaint.id)
    assert item.kind is ModerationItemKind.FLAGGED_COMPLAINT
    lexicon = item.details["lexicon"]
    assert isinstance(lexicon, list)
    assert {"category": "insult", "expression": "klootzakken", "language": "nl"} in lexicon


async def test_obfuscated_insults_are_caught_too(services, cast):
    complaint = await make_complaint(
        services, cast.owner, cast.company, description="Wat een k.l.o.o.t.z.a.k is die man"
    )
    assert complaint.status is ComplaintStatus.PENDING_MODERATION


async def test_a_clean_complaint_is_mailed_at_once(services, cast):
    complaint = await make_complaint(services, cast.owner, cast.company)
    assert complaint.status is ComplaintStatus.WAITING_FOR_COMPANY
    assert (
        await OutboxMail.filter(complaint_id=complaint.id, kind=OutboxKind.COMPLAINT).count() == 1
    )
    assert not await ModerationItem.exists(complaint_id=complaint.id)


@pytest.mark.parametrize(
    ("text", "label"),
    [(WITH_PHONE, "[telefoonnummer verwijderd]"), (WITH_IBAN, "[rekeningnummer verwijderd]")],
)
async def test_personal_data_is_masked_publicly_at_once(services, cast, text, label):
    complaint = await make_complaint(services, cast.owner, cast.company, description=text)
    # Published and sent right away: masking does not hold anything back.
    assert complaint.status is ComplaintStatus.WAITING_FOR_COMPANY
    assert complaint.is_redacted
    assert label in complaint.public_description
    assert complaint.description == text
    item = await ModerationItem.get(complaint_id=complaint.id)
    assert item.kind is ModerationItemKind.PERSONAL_DATA


async def test_masking_labels_follow_the_authors_language(services, cast):
    cast.owner.user.language = Language.FR
    await cast.owner.user.save()
    complaint = await make_complaint(services, cast.owner, cast.company, description=WITH_PHONE)
    assert "[numéro de téléphone supprimé]" in complaint.public_description


# Who reads the original text of a public complaint.
ORIGINAL_READERS = {"owner", "agent", "moderator"}


@pytest.mark.parametrize("role", ROLES)
async def test_masked_versus_original_text_for_every_role(services, cast, gql, role):
    complaint = await make_complaint(services, cast.owner, cast.company, description=WITH_PHONE)
    await messages.post(services, cast.owner.viewer, complaint.id, "Of mail me: jan@example.org")
    data = await as_role(gql, cast, role).data(
        "query($id: ID!) { complaint(id: $id) { description isRedacted"
        " messages { nodes { body isRedacted originalBody } } } }",
        id=gid("Complaint", complaint.id),
    )
    found = data["complaint"]
    assert found["isRedacted"] is True
    message = found["messages"]["nodes"][0]
    assert message["isRedacted"] is True
    if role in ORIGINAL_READERS:
        assert found["description"] == WITH_PHONE
        assert message["body"] == "Of mail me: jan@example.org"
        assert message["originalBody"] == "Of mail me: jan@example.org"
    else:
        assert "0470" not in found["description"]
        assert "[telefoonnummer verwijderd]" in found["description"]
        assert message["body"] == "Of mail me: [e-mailadres verwijderd]"
        assert message["originalBody"] is None


@pytest.mark.parametrize("role", ROLES)
async def test_a_held_complaint_is_seen_by_its_author_and_moderators_only(
    services, cast, gql, role
):
    complaint = await make_complaint(services, cast.owner, cast.company, description=INSULT)
    data = await as_role(gql, cast, role).data(
        "query($id: ID!) { complaint(id: $id) { status } }", id=gid("Complaint", complaint.id)
    )
    if role in ("owner", "moderator"):
        assert data["complaint"] == {"status": "PENDING_MODERATION"}
    else:
        assert data["complaint"] is None


async def test_a_message_with_an_insult_is_held_and_not_relayed(services, cast):
    complaint = await make_complaint(services, cast.owner, cast.company)
    message = await messages.post(
        services, cast.agent.viewer, complaint.id, "U bent een idioot, wij betalen niets."
    )
    assert message.moderation_state is ModerationState.PENDING
    assert not await OutboxMail.exists(message_id=message.id)
    complaint = await Complaint.get(id=complaint.id)
    # A held reply does not answer the complaint.
    assert complaint.status is ComplaintStatus.WAITING_FOR_COMPANY
    assert complaint.first_company_reply_at is None
    item = await ModerationItem.get(message_id=message.id)
    assert item.kind is ModerationItemKind.FLAGGED_MESSAGE


async def test_mailed_replies_are_screened_through_the_shared_path(services, cast):
    from tortoise.transactions import in_transaction

    complaint = await make_complaint(services, cast.owner, cast.company)
    async with in_transaction():
        locked = await get_for_update(cast.moderator.viewer, complaint.id)
        message, _ = await messages.append_message(
            services,
            locked,
            author_kind=AuthorKind.COMPANY,
            author_user_id=None,
            channel=Channel.EMAIL,
            body="Stop met zeuren, idioot. Bel 0470 12 34 56.",
            sender_email="support@telenova.example",
        )
    stored = await Message.get(id=message.id)
    assert stored.moderation_state is ModerationState.PENDING
    assert "[telefoonnummer verwijderd]" in stored.public_body
