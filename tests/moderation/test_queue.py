"""The queue and its decisions: who may use them, what each decision does, and the
statement of reasons reaching the author by mail and in their notifications."""

from __future__ import annotations

import pytest
from tortoise.transactions import in_transaction

from amicable.models import AuditEntry, Complaint, Message, ModerationItem, Notification, OutboxMail
from amicable.models.enums import AuthorKind, Channel, ComplaintStatus, ModerationState
from amicable.models.mail import OutboxKind
from amicable.models.moderation import ModerationItemKind, ModerationItemStatus
from amicable.resolvers import messages
from amicable.resolvers.complaints import get_for_update
from tests.factories import gid, make_complaint
from tests.moderation.conftest import ROLES, as_role
from tests.moderation.test_screening_flow import INSULT, WITH_PHONE

QUEUE = """query($kind: [ModerationItemKind!]) { moderationQueue(kind: $kind) { totalCount
  nodes { id kind status reason lexiconHits { category expression } personalData reportCount
          complaint { reference status } message { body } } } }"""

DECIDE = """mutation($input: ModerationDecideInput!) { moderationDecide(input: $input) {
  item { id status decision decisionReason } errors { code field message } } }"""


async def _item(complaint: Complaint) -> ModerationItem:
    return await ModerationItem.get(complaint_id=complaint.id, status=ModerationItemStatus.OPEN)


@pytest.mark.parametrize("role", ROLES)
async def test_only_moderators_read_the_queue(services, cast, gql, role):
    await make_complaint(services, cast.owner, cast.company, description=INSULT)
    result = await as_role(gql, cast, role).execute(QUEUE)
    if role == "moderator":
        queue = result["data"]["moderationQueue"]
        assert queue["totalCount"] == 1
        node = queue["nodes"][0]
        assert node["kind"] == "FLAGGED_COMPLAINT"
        assert {"category": "INSULT", "expression": "klootzakken"} in node["lexiconHits"]
        assert node["complaint"]["status"] == "PENDING_MODERATION"
        return
    code = "UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == code


@pytest.mark.parametrize("role", [r for r in ROLES if r != "moderator"])
async def test_only_moderators_decide(services, cast, gql, role):
    complaint = await make_complaint(services, cast.owner, cast.company, description=INSULT)
    item = await _item(complaint)
    result = await as_role(gql, cast, role).execute(
        DECIDE,
        input={"itemId": gid("ModerationItem", item.id), "decision": "APPROVE", "reason": "ok"},
    )
    code = "UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"
    assert result["errors"][0]["extensions"]["code"] == code
    assert (await Complaint.get(id=complaint.id)).status is ComplaintStatus.PENDING_MODERATION


async def test_the_queue_filters_by_kind(services, cast, gql):
    await make_complaint(services, cast.owner, cast.company, description=INSULT)
    await make_complaint(services, cast.owner, cast.company, description=WITH_PHONE)
    client = as_role(gql, cast, "moderator")
    data = await client.data(QUEUE, kind=["PERSONAL_DATA"])
    assert [n["kind"] for n in data["moderationQueue"]["nodes"]] == ["PERSONAL_DATA"]
    assert data["moderationQueue"]["nodes"][0]["personalData"] == ["phone"]


async def test_a_reason_is_always_required(services, cast, gql):
    complaint = await make_complaint(services, cast.owner, cast.company, description=INSULT)
    item = await _item(complaint)
    data = await as_role(gql, cast, "moderator").data(
        DECIDE,
        input={"itemId": gid("ModerationItem", item.id), "decision": "APPROVE", "reason": " "},
    )
    assert data["moderationDecide"]["errors"][0]["code"] == "REQUIRED"
    assert data["moderationDecide"]["errors"][0]["field"] == "reason"


async def test_approving_a_held_complaint_sends_it_and_tells_the_author(services, cast, gql):
    complaint = await make_complaint(services, cast.owner, cast.company, description=INSULT)
    item = await _item(complaint)
    data = await as_role(gql, cast, "moderator").data(
        DECIDE,
        input={
            "itemId": gid("ModerationItem", item.id),
            "decision": "APPROVE",
            "reason": "Scherp, maar geen belediging van een persoon.",
        },
    )
    assert data["moderationDecide"]["errors"] == []
    assert data["moderationDecide"]["item"]["status"] == "DONE"
    complaint = await Complaint.get(id=complaint.id)
    assert complaint.status is ComplaintStatus.WAITING_FOR_COMPANY
    assert complaint.sent_at is not None
    assert (
        await OutboxMail.filter(complaint_id=complaint.id, kind=OutboxKind.COMPLAINT).count() == 1
    )
    # The statement of reasons: a notice by mail (Auto-Submitted) and a notification.
    notice = await OutboxMail.get(kind=OutboxKind.NOTICE, recipient=cast.owner.user.email)
    assert "Auto-Submitted: auto-generated" in notice.content
    assert "geen belediging" in notice.content
    note = await Notification.get(user_id=cast.owner.user.id)
    assert note.kind == "moderation.approved"
    assert "Scherp, maar geen belediging van een persoon." in note.text
    owner_view = await as_role(gql, cast, "owner").data(
        "query { notifications { totalCount nodes { kind text complaint { reference } } } }"
    )
    assert owner_view["notifications"]["totalCount"] == 1
    assert owner_view["notifications"]["nodes"][0]["complaint"]["reference"] == complaint.reference
    entry = await AuditEntry.get(action="moderation.approve")
    assert entry.actor_user_id == cast.moderator.user.id
    assert entry.data["reason"] == "Scherp, maar geen belediging van een persoon."


async def test_rejecting_a_held_complaint_keeps_it_unsent(services, cast, gql):
    complaint = await make_complaint(services, cast.owner, cast.company, description=INSULT)
    item = await _item(complaint)
    data = await as_role(gql, cast, "moderator").data(
        DECIDE,
        input={
            "itemId": gid("ModerationItem", item.id),
            "decision": "REJECT",
            "reason": "Beledigend taalgebruik.",
        },
    )
    assert data["moderationDecide"]["item"]["decision"] == "REJECT"
    complaint = await Complaint.get(id=complaint.id)
    assert complaint.status is ComplaintStatus.REJECTED
    assert not await OutboxMail.filter(complaint_id=complaint.id).exists()
    note = await Notification.get(user_id=cast.owner.user.id)
    assert note.kind == "moderation.rejected" and "Beledigend taalgebruik." in note.text
    assert await OutboxMail.exists(kind=OutboxKind.NOTICE, recipient=cast.owner.user.email)
    assert await AuditEntry.exists(action="moderation.reject")


async def test_redacting_a_held_complaint_publishes_the_new_text(services, cast, gql):
    complaint = await make_complaint(services, cast.owner, cast.company, description=INSULT)
    item = await _item(complaint)
    data = await as_role(gql, cast, "moderator").data(
        DECIDE,
        input={
            "itemId": gid("ModerationItem", item.id),
            "decision": "REDACT",
            "reason": "Belediging verwijderd.",
            "redaction": {"description": "Ik wacht al drie weken op mijn geld."},
        },
    )
    assert data["moderationDecide"]["errors"] == []
    complaint = await Complaint.get(id=complaint.id)
    assert complaint.status is ComplaintStatus.WAITING_FOR_COMPANY
    assert complaint.public_description == "Ik wacht al drie weken op mijn geld."
    assert complaint.is_redacted
    anonymous = await gql.data(
        "query($id: ID!) { complaint(id: $id) { description isRedacted } }",
        id=gid("Complaint", complaint.id),
    )
    assert anonymous["complaint"] == {
        "description": "Ik wacht al drie weken op mijn geld.",
        "isRedacted": True,
    }
    assert (await Notification.get(user_id=cast.owner.user.id)).kind == "moderation.redacted"


async def test_redact_without_a_text_is_refused(services, cast, gql):
    complaint = await make_complaint(services, cast.owner, cast.company, description=INSULT)
    item = await _item(complaint)
    data = await as_role(gql, cast, "moderator").data(
        DECIDE,
        input={"itemId": gid("ModerationItem", item.id), "decision": "REDACT", "reason": "x"},
    )
    assert data["moderationDecide"]["errors"][0]["code"] == "REQUIRED"
    assert (await Complaint.get(id=complaint.id)).status is ComplaintStatus.PENDING_MODERATION


async def test_an_item_is_decided_once(services, cast, gql):
    complaint = await make_complaint(services, cast.owner, cast.company, description=INSULT)
    item = await _item(complaint)
    client = as_role(gql, cast, "moderator")
    decision = {"itemId": gid("ModerationItem", item.id), "decision": "REJECT", "reason": "Nee."}
    await client.data(DECIDE, input=decision)
    data = await client.data(DECIDE, input={**decision, "decision": "APPROVE"})
    assert data["moderationDecide"]["errors"][0]["code"] == "INVALID_STATE"
    assert (await Complaint.get(id=complaint.id)).status is ComplaintStatus.REJECTED


async def test_approving_a_held_mailed_reply_publishes_answers_and_relays(services, cast, gql):
    complaint = await make_complaint(services, cast.owner, cast.company)
    async with in_transaction():
        locked = await get_for_update(cast.moderator.viewer, complaint.id)
        message, _ = await messages.append_message(
            services,
            locked,
            author_kind=AuthorKind.COMPANY,
            author_user_id=None,
            channel=Channel.EMAIL,
            body="Wij storten het bedrag deze week terug.",
            sender_email="someone@elsewhere.example",
            moderation_state=ModerationState.PENDING,
        )
        item = await ModerationItem.create(
            kind=ModerationItemKind.HELD_REPLY,
            complaint_id=complaint.id,
            company_id=complaint.company_id,
            message_id=message.id,
            reason="Sender is not the address this thread was sent to.",
            created_at=services.now(),
        )
    assert not await OutboxMail.exists(message_id=message.id)
    data = await as_role(gql, cast, "moderator").data(
        DECIDE,
        input={
            "itemId": gid("ModerationItem", item.id),
            "decision": "APPROVE",
            "reason": "Afzender bevestigd als medewerker van Telenova.",
        },
    )
    assert data["moderationDecide"]["errors"] == []
    message = await Message.get(id=message.id)
    assert message.moderation_state is ModerationState.PUBLISHED
    complaint = await Complaint.get(id=complaint.id)
    assert complaint.status is ComplaintStatus.ANSWERED
    assert complaint.first_company_reply_at == message.created_at
    relay = await OutboxMail.get(message_id=message.id)
    assert relay.kind is OutboxKind.REPLY and relay.recipient == cast.owner.user.email
    # The company, without an account, hears the statement by mail.
    assert await OutboxMail.exists(kind=OutboxKind.NOTICE, recipient="someone@elsewhere.example")


async def test_rejecting_a_flagged_message_keeps_it_from_the_public(services, cast, gql):
    complaint = await make_complaint(services, cast.owner, cast.company)
    message = await messages.post(services, cast.agent.viewer, complaint.id, "Idioot.")
    item = await ModerationItem.get(message_id=message.id)
    await as_role(gql, cast, "moderator").data(
        DECIDE,
        input={"itemId": gid("ModerationItem", item.id), "decision": "REJECT", "reason": "Nee."},
    )
    assert (await Message.get(id=message.id)).moderation_state is ModerationState.REJECTED
    note = await Notification.get(user_id=cast.agent.user.id)
    assert note.kind == "moderation.rejected"
    public = await gql.data(
        "query($id: ID!) { complaint(id: $id) { messages { totalCount } } }",
        id=gid("Complaint", complaint.id),
    )
    assert public["complaint"]["messages"]["totalCount"] == 0


async def test_redacting_a_published_message_changes_its_public_text(services, cast, gql):
    complaint = await make_complaint(services, cast.owner, cast.company)
    message = await messages.post(
        services, cast.owner.viewer, complaint.id, "Mijn nummer is 0470 12 34 56, bel maar."
    )
    item = await ModerationItem.get(message_id=message.id)
    assert item.kind is ModerationItemKind.PERSONAL_DATA
    await as_role(gql, cast, "moderator").data(
        DECIDE,
        input={
            "itemId": gid("ModerationItem", item.id),
            "decision": "REDACT",
            "reason": "Telefoonnummer weggelaten.",
            "redaction": {"body": "Bel maar."},
        },
    )
    public = await gql.data(
        "query($id: ID!) { complaint(id: $id) { messages { nodes { body } } } }",
        id=gid("Complaint", complaint.id),
    )
    assert public["complaint"]["messages"]["nodes"] == [{"body": "Bel maar."}]


async def test_a_decision_settles_every_open_item_about_the_same_content(services, cast, gql):
    complaint = await make_complaint(services, cast.owner, cast.company, description=INSULT)
    first = await _item(complaint)
    second = await ModerationItem.create(
        kind=ModerationItemKind.CONTENT_REPORT,
        complaint_id=complaint.id,
        reason="Beledigend",
        report_count=1,
        created_at=services.now(),
    )
    await as_role(gql, cast, "moderator").data(
        DECIDE,
        input={"itemId": gid("ModerationItem", first.id), "decision": "REJECT", "reason": "Nee."},
    )
    assert (await ModerationItem.get(id=second.id)).status is ModerationItemStatus.DONE


async def test_unknown_item_ids_answer_not_found(cast, gql):
    data = await as_role(gql, cast, "moderator").data(
        DECIDE,
        input={
            "itemId": gid("ModerationItem", cast.owner.user.id),
            "decision": "APPROVE",
            "reason": "x",
        },
    )
    assert data["moderationDecide"]["errors"][0]["code"] == "NOT_FOUND"
