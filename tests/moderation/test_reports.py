"""contentReport: anyone flags a published item; reports of one item are grouped; what the
reporter cannot see answers NOT_FOUND, exactly as what does not exist."""

from __future__ import annotations

import pytest

from amicable.models import ContentReport, ModerationItem
from amicable.models.enums import Visibility
from amicable.models.moderation import ModerationItemKind
from amicable.resolvers import messages
from tests.factories import gid, make_complaint
from tests.moderation.conftest import ROLES, as_role
from tests.moderation.test_screening_flow import INSULT

REPORT = """mutation($input: ContentReportInput!) { contentReport(input: $input) {
  reported errors { code field message } } }"""


@pytest.mark.parametrize("role", ROLES)
async def test_anyone_reports_a_published_complaint_and_reports_are_grouped(
    services, cast, gql, role
):
    complaint = await make_complaint(services, cast.owner, cast.company)
    target = {"complaintId": gid("Complaint", complaint.id), "reason": "Dit is laster."}
    for _ in range(2):
        data = await as_role(gql, cast, role).data(REPORT, input=target)
        assert data["contentReport"] == {"reported": True, "errors": []}
    await gql.data(REPORT, input={**target, "contact": "iemand@example.org"})
    item = await ModerationItem.get(kind=ModerationItemKind.CONTENT_REPORT)
    assert item.report_count == 3
    assert await ContentReport.filter(item_id=item.id).count() == 3


async def test_moderators_see_reports_with_their_count(services, cast, gql):
    complaint = await make_complaint(services, cast.owner, cast.company)
    message = await messages.post(services, cast.agent.viewer, complaint.id, "Wij bekijken het.")
    for reason in ("Spam", "Reclame"):
        await gql.data(REPORT, input={"messageId": gid("Message", message.id), "reason": reason})
    data = await as_role(gql, cast, "moderator").data(
        "query { moderationQueue(kind: [CONTENT_REPORT]) { nodes { reportCount"
        " reports { reason } message { body } } } }"
    )
    node = data["moderationQueue"]["nodes"][0]
    assert node["reportCount"] == 2
    assert [r["reason"] for r in node["reports"]] == ["Spam", "Reclame"]
    assert node["message"]["body"] == "Wij bekijken het."


@pytest.mark.parametrize("role", ["anonymous", "other", "other_agent", "lawyer", "partner"])
async def test_hidden_items_answer_not_found_like_missing_ones(services, cast, gql, role):
    private = await make_complaint(
        services, cast.owner, cast.company, visibility=Visibility.PRIVATE
    )
    pending = await make_complaint(services, cast.owner, cast.company, description=INSULT)
    client = as_role(gql, cast, role)
    missing = await client.data(
        REPORT, input={"complaintId": gid("Complaint", cast.owner.user.id), "reason": "x"}
    )
    for hidden in (private, pending):
        data = await client.data(
            REPORT, input={"complaintId": gid("Complaint", hidden.id), "reason": "x"}
        )
        assert data["contentReport"] == missing["contentReport"]
        assert data["contentReport"]["errors"][0]["code"] == "NOT_FOUND"
    assert not await ModerationItem.exists(kind=ModerationItemKind.CONTENT_REPORT)


async def test_held_messages_cannot_be_reported(services, cast, gql):
    complaint = await make_complaint(services, cast.owner, cast.company)
    held = await messages.post(services, cast.agent.viewer, complaint.id, "Idioot.")
    data = await gql.data(REPORT, input={"messageId": gid("Message", held.id), "reason": "x"})
    assert data["contentReport"]["errors"][0]["code"] == "NOT_FOUND"


async def test_reports_are_rate_limited(services, cast, gql, settings):
    complaint = await make_complaint(services, cast.owner, cast.company)
    target = {"complaintId": gid("Complaint", complaint.id), "reason": "x"}
    codes = []
    for _ in range(settings.rate_limit_content_report + 1):
        data = await gql.data(REPORT, input=target)
        codes.append([e["code"] for e in data["contentReport"]["errors"]])
    assert codes[-1] == ["RATE_LIMITED"]
    assert codes[0] == []


async def test_a_reason_is_required(services, cast, gql):
    complaint = await make_complaint(services, cast.owner, cast.company)
    data = await gql.data(
        REPORT, input={"complaintId": gid("Complaint", complaint.id), "reason": ""}
    )
    assert data["contentReport"]["errors"][0]["field"] == "reason"
