"""Escalation: members only, when the company ignored the complaint or it ended unresolved;
lawyers read the whole dossier, assign it, annotate it; the consumer is told."""

from __future__ import annotations

from datetime import timedelta

import pytest

from amicable.models import Complaint, Escalation, Notification, OutboxMail, User
from amicable.models.enums import Language, Outcome
from amicable.models.mail import OutboxKind
from amicable.resolvers import complaints
from tests.factories import gid, make_complaint
from tests.moderation.conftest import ROLES, as_role

ESCALATE = """mutation($id: ID!) { complaintEscalate(input: {complaintId: $id,
  requestText: "Help mij aub"}) { complaint { reference escalatedAt } errors { code message } } }"""

DOSSIERS = """query { escalations { totalCount nodes { id status basis requestText
  complaint { reference consumer { fullName email } privateDetails { phone } }
  assignedLawyer { fullName } notes { body author { fullName } } } } }"""


async def _ignored(services, actor, company) -> Complaint:
    complaint = await make_complaint(services, actor, company)
    await Complaint.filter(id=complaint.id).update(sent_at=services.now() - timedelta(days=31))
    return await Complaint.get(id=complaint.id)


async def test_a_member_escalates_an_ignored_complaint_and_a_lawyer_sees_the_dossier(
    services, cast, gql
):
    complaint = await _ignored(services, cast.member, cast.company)
    data = await as_role(gql, cast, "member").data(ESCALATE, id=gid("Complaint", complaint.id))
    payload = data["complaintEscalate"]
    assert payload["errors"] == []
    assert payload["complaint"]["escalatedAt"] is not None
    escalation = await Escalation.get(complaint_id=complaint.id)
    assert escalation.basis.value == "NO_REPLY"
    # The consumer is told by mail and in their notifications.
    assert await OutboxMail.exists(kind=OutboxKind.NOTICE, recipient=cast.member.user.email)
    assert (await Notification.get(user_id=cast.member.user.id)).kind == "escalation.created"

    dossiers = await as_role(gql, cast, "lawyer").data(DOSSIERS)
    node = dossiers["escalations"]["nodes"][0]
    assert node["complaint"]["reference"] == complaint.reference
    assert node["complaint"]["consumer"]["fullName"] == "Mia Lid"
    assert node["complaint"]["privateDetails"] == {"phone": "+32 470 12 34 56"}
    assert node["requestText"] == "Help mij aub"


async def test_an_unresolved_complaint_can_be_escalated(services, cast, gql):
    complaint = await make_complaint(services, cast.member, cast.company)
    await complaints.close(services, cast.member.viewer, complaint.id, Outcome.UNRESOLVED, "")
    data = await as_role(gql, cast, "member").data(ESCALATE, id=gid("Complaint", complaint.id))
    assert data["complaintEscalate"]["errors"] == []
    assert (await Escalation.get(complaint_id=complaint.id)).basis.value == "UNRESOLVED"


async def test_a_non_member_is_refused_with_a_reason(services, cast, gql):
    complaint = await _ignored(services, cast.owner, cast.company)
    await User.filter(id=cast.owner.user.id).update(language=Language.EN)  # words in English
    data = await as_role(gql, cast, "owner").data(ESCALATE, id=gid("Complaint", complaint.id))
    error = data["complaintEscalate"]["errors"][0]
    assert error["code"] == "MEMBERS_ONLY"
    assert "members" in error["message"]
    assert (await Complaint.get(id=complaint.id)).escalated_at is None


async def test_too_early_is_not_eligible_and_says_when(services, cast, gql):
    complaint = await make_complaint(services, cast.member, cast.company)
    await User.filter(id=cast.member.user.id).update(language=Language.EN)  # words in English
    data = await as_role(gql, cast, "member").data(ESCALATE, id=gid("Complaint", complaint.id))
    error = data["complaintEscalate"]["errors"][0]
    assert error["code"] == "NOT_ELIGIBLE"
    assert "30 days" in error["message"]


async def test_escalating_twice_is_refused(services, cast, gql):
    complaint = await _ignored(services, cast.member, cast.company)
    client = as_role(gql, cast, "member")
    await client.data(ESCALATE, id=gid("Complaint", complaint.id))
    data = await client.data(ESCALATE, id=gid("Complaint", complaint.id))
    assert data["complaintEscalate"]["errors"][0]["code"] == "INVALID_STATE"


@pytest.mark.parametrize("role", ["other", "agent", "other_agent", "moderator", "lawyer"])
async def test_only_the_owner_escalates_and_hidden_complaints_are_not_found(
    services, cast, gql, role
):
    from amicable.models.enums import Visibility

    complaint = await _ignored(services, cast.member, cast.company)
    await Complaint.filter(id=complaint.id).update(visibility=Visibility.PRIVATE)
    data = await as_role(gql, cast, role).data(ESCALATE, id=gid("Complaint", complaint.id))
    code = data["complaintEscalate"]["errors"][0]["code"]
    assert code == ("NOT_ALLOWED" if role in ("agent", "moderator") else "NOT_FOUND")


@pytest.mark.parametrize("role", ROLES)
async def test_escalations_are_for_lawyers_and_moderators(services, cast, gql, role):
    result = await as_role(gql, cast, role).execute("query { escalations { totalCount } }")
    if role in ("lawyer", "moderator"):
        assert result["data"]["escalations"]["totalCount"] == 0
    else:
        code = "UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"
        assert result["errors"][0]["extensions"]["code"] == code


async def test_lawyers_assign_annotate_and_close(services, cast, gql):
    complaint = await _ignored(services, cast.member, cast.company)
    await as_role(gql, cast, "member").data(ESCALATE, id=gid("Complaint", complaint.id))
    escalation = await Escalation.get(complaint_id=complaint.id)
    lawyer = as_role(gql, cast, "lawyer")
    data = await lawyer.data(
        "mutation($id: ID!, $lawyer: ID!) { escalationUpdate(input: {escalationId: $id,"
        " lawyerId: $lawyer}) { escalation { status assignedLawyer { fullName } }"
        " errors { code } } }",
        id=gid("Escalation", escalation.id),
        lawyer=gid("User", cast.lawyer.user.id),
    )
    assert data["escalationUpdate"]["escalation"] == {
        "status": "IN_PROGRESS",
        "assignedLawyer": {"fullName": "Laura Advocaat"},
    }
    data = await lawyer.data(
        "mutation($id: ID!) { escalationNoteAdd(input: {escalationId: $id, body: "
        '"Aangetekende brief verstuurd."}) { note { body author { fullName } } errors { code } } }',
        id=gid("Escalation", escalation.id),
    )
    assert data["escalationNoteAdd"]["note"]["author"] == {"fullName": "Laura Advocaat"}
    await lawyer.data(
        "mutation($id: ID!) { escalationUpdate(input: {escalationId: $id, status: CLOSED}) {"
        " errors { code } } }",
        id=gid("Escalation", escalation.id),
    )
    dossiers = await lawyer.data(DOSSIERS)
    node = dossiers["escalations"]["nodes"][0]
    assert node["status"] == "CLOSED"
    assert node["notes"] == [
        {"body": "Aangetekende brief verstuurd.", "author": {"fullName": "Laura Advocaat"}}
    ]
    kinds = await Notification.filter(user_id=cast.member.user.id).values_list("kind", flat=True)
    assert sorted(kinds) == ["escalation.created", "escalation.updated", "escalation.updated"]
    # Lawyers' notes never reach the consumer, not even through node().
    owner_view = await as_role(gql, cast, "member").data(
        "query($id: ID!) { node(id: $id) { id } }", id=gid("Escalation", escalation.id)
    )
    assert owner_view["node"] is None


async def test_assigning_someone_who_is_not_a_lawyer_is_not_found(services, cast, gql):
    complaint = await _ignored(services, cast.member, cast.company)
    await as_role(gql, cast, "member").data(ESCALATE, id=gid("Complaint", complaint.id))
    escalation = await Escalation.get(complaint_id=complaint.id)
    data = await as_role(gql, cast, "moderator").data(
        "mutation($id: ID!, $lawyer: ID!) { escalationUpdate(input: {escalationId: $id,"
        " lawyerId: $lawyer}) { errors { code field } } }",
        id=gid("Escalation", escalation.id),
        lawyer=gid("User", cast.agent.user.id),
    )
    assert data["escalationUpdate"]["errors"] == [{"code": "NOT_FOUND", "field": "lawyerId"}]
