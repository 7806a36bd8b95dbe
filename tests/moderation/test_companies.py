"""Company corrections (agents ask, moderators accept or refuse) and merges of duplicates."""

from __future__ import annotations

import pytest

from amicable.models import Company, CompanyAddress, Complaint, CorrectionRequest, Notification
from amicable.models.moderation import CorrectionStatus
from amicable.resolvers import messages
from amicable.resolvers import scores as score_ops
from tests.factories import gid, make_company, make_complaint
from tests.moderation.conftest import ROLES, as_role

REQUEST = """mutation($input: CompanyCorrectionRequestInput!) { companyCorrectionRequest(
  input: $input) { correctionRequest { status name addresses } errors { code field } } }"""
DECIDE = """mutation($input: ModerationDecideInput!) { moderationDecide(input: $input) {
  item { status } errors { code } } }"""
MERGE = """mutation($s: ID!, $d: ID!) { companyMerge(input: {survivorId: $s, duplicateId: $d})
  { company { slug aliases } errors { code field } } }"""


async def _request(gql, cast, **changes):
    return await as_role(gql, cast, "agent").data(
        REQUEST, input={"companyId": gid("Company", cast.company.id), **changes}
    )


async def _queue_item_id(gql, cast) -> str:
    data = await as_role(gql, cast, "moderator").data(
        "query { moderationQueue(kind: [CORRECTION_REQUEST]) { nodes { id"
        " correction { name addresses } company { name } } } }"
    )
    [node] = data["moderationQueue"]["nodes"]
    assert node["company"]["name"] == "Telenova"
    return str(node["id"])


async def test_an_accepted_correction_changes_the_company(services, cast, gql):
    data = await _request(
        gql, cast, name="Telenova NV", complaintAddresses=["Service@Telenova.example"]
    )
    assert data["companyCorrectionRequest"]["correctionRequest"] == {
        "status": "OPEN",
        "name": "Telenova NV",
        "addresses": ["service@telenova.example"],
    }
    item_id = await _queue_item_id(gql, cast)
    result = await as_role(gql, cast, "moderator").data(
        DECIDE, input={"itemId": item_id, "decision": "APPROVE", "reason": "Klopt met KBO."}
    )
    assert result["moderationDecide"]["errors"] == []
    company = await Company.get(id=cast.company.id)
    assert company.name == "Telenova NV"
    emails = await CompanyAddress.filter(company_id=company.id).values_list("email", flat=True)
    assert emails == ["service@telenova.example"]
    assert (await CorrectionRequest.get()).status is CorrectionStatus.ACCEPTED
    note = await Notification.get(user_id=cast.agent.user.id)
    assert note.kind == "correction.accepted" and "Klopt met KBO." in note.text


async def test_a_refused_correction_changes_nothing(services, cast, gql):
    await _request(gql, cast, name="Iets Anders")
    item_id = await _queue_item_id(gql, cast)
    await as_role(gql, cast, "moderator").data(
        DECIDE, input={"itemId": item_id, "decision": "REJECT", "reason": "Geen bewijs."}
    )
    assert (await Company.get(id=cast.company.id)).name == "Telenova"
    assert (await CorrectionRequest.get()).status is CorrectionStatus.REFUSED
    assert (await Notification.get(user_id=cast.agent.user.id)).kind == "correction.refused"


@pytest.mark.parametrize("role", ["owner", "other_agent", "lawyer"])
async def test_only_the_companys_agents_ask(services, cast, gql, role):
    data = await as_role(gql, cast, role).data(
        REQUEST, input={"companyId": gid("Company", cast.company.id), "name": "X"}
    )
    assert data["companyCorrectionRequest"]["errors"][0]["code"] == "NOT_ALLOWED"


async def test_an_unlisted_company_of_someone_else_is_not_found(services, cast, gql):
    hidden = await make_company(cast.moderator.viewer, "Verborgen BV", listed=False)
    data = await as_role(gql, cast, "agent").data(
        REQUEST, input={"companyId": gid("Company", hidden.id), "name": "X"}
    )
    assert data["companyCorrectionRequest"]["errors"][0]["code"] == "NOT_FOUND"


async def test_merge_moves_complaints_and_scores_and_redirects_the_slug(services, cast, gql):
    duplicate = await make_company(
        cast.moderator.viewer, "Tele Nova", email="info@telenova2.example"
    )
    moved = await make_complaint(services, cast.owner, duplicate)
    await messages.post(services, cast.owner.viewer, moved.id, "Nog iets.")
    await make_complaint(services, cast.owner, cast.company)
    old_slug = duplicate.slug
    data = await as_role(gql, cast, "moderator").data(
        MERGE, s=gid("Company", cast.company.id), d=gid("Company", duplicate.id)
    )
    assert data["companyMerge"]["errors"] == []
    assert "Tele Nova" in data["companyMerge"]["company"]["aliases"]
    assert (await Complaint.get(id=moved.id)).company_id == cast.company.id
    assert not await Company.exists(id=duplicate.id)
    board = await score_ops.dashboard(services, cast.company.id)
    assert board.totals.received == 2
    redirected = await gql.data(
        "query($slug: String!) { company(slug: $slug) { slug complaints { totalCount } } }",
        slug=old_slug,
    )
    assert redirected["company"] == {"slug": cast.company.slug, "complaints": {"totalCount": 2}}
    assert await CompanyAddress.exists(company_id=cast.company.id, email="info@telenova2.example")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "moderator"])
async def test_only_moderators_merge(services, cast, gql, role):
    result = await as_role(gql, cast, role).execute(
        MERGE, s=gid("Company", cast.company.id), d=gid("Company", cast.other_company.id)
    )
    code = "UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"
    assert result["errors"][0]["extensions"]["code"] == code
    assert await Company.exists(id=cast.other_company.id)


async def test_merging_into_itself_is_refused(cast, gql):
    data = await as_role(gql, cast, "moderator").data(
        MERGE, s=gid("Company", cast.company.id), d=gid("Company", cast.company.id)
    )
    assert data["companyMerge"]["errors"][0]["code"] == "INVALID"
