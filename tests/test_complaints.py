"""Filing, answering, closing and choosing visibility: the lifecycle of PRODUCT.md section 2."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from amicable.models import Company, Complaint, OutboxMail
from amicable.models.enums import ComplaintStatus, Role
from amicable.models.mail import OutboxKind, OutboxStatus
from tests.conftest import GraphQLClient
from tests.factories import gid, make_company, make_complaint, make_user

CREATE = """
mutation($input: ComplaintCreateInput!) {
  complaintCreate(input: $input) {
    complaint { id reference status visibility title company { name listed slug }
                privateDetails { phone } sentAt }
    errors { field code message }
  }
}"""
POST = """
mutation($id: ID!, $body: String!) {
  messagePost(input: {complaintId: $id, body: $body}) {
    message { body authorKind channel authorName } complaint { status firstCompanyReplyAt }
    errors { code message }
  }
}"""
CLOSE = """
mutation($id: ID!, $outcome: Outcome!) {
  complaintClose(input: {complaintId: $id, outcome: $outcome, comment: "Snel opgelost"}) {
    complaint { status outcome feedbackComment closedAt } errors { code message }
  }
}"""
VISIBILITY = """
mutation($id: ID!, $v: Visibility!) {
  complaintSetVisibility(input: {complaintId: $id, visibility: $v}) {
    complaint { visibility } errors { code field message }
  }
}"""


def _draft(**overrides):
    draft = {
        "title": "Factuur twee keer betaald",
        "description": "Mijn eindafrekening van 212,40 euro werd twee keer afgeschreven.",
        "desiredSolution": "Terugbetaling",
        "category": "BILLING",
        "visibility": "PUBLIC",
        "privateDetails": {"customerReference": "KL-1", "phone": "0470 12 34 56"},
    }
    draft.update(overrides)
    return draft


async def test_file_against_listed_company_is_sent_at_once(gql, services):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer, "Telenova")
    consumer = await make_user(services)
    me = GraphQLClient(gql.http, consumer.token)
    data = await me.data(CREATE, input=_draft(companyId=gid("Company", company.id)))
    complaint = data["complaintCreate"]["complaint"]
    assert data["complaintCreate"]["errors"] == []
    assert complaint["status"] == "WAITING_FOR_COMPANY"
    # Queued for the company at once; `sentAt` waits for the relay to accept the mail.
    assert complaint["sentAt"] is None
    stored = await Complaint.get(reference=complaint["reference"])
    assert await OutboxMail.exists(
        complaint_id=stored.id, kind=OutboxKind.COMPLAINT, status=OutboxStatus.PENDING
    )
    assert complaint["reference"].startswith("AM-") and len(complaint["reference"]) == 9
    assert complaint["company"] == {"name": "Telenova", "listed": True, "slug": "telenova"}
    assert complaint["privateDetails"] == {"phone": "0470 12 34 56"}


async def test_file_against_unlisted_company_creates_an_unlisted_record(gql, services):
    consumer = await make_user(services)
    me = GraphQLClient(gql.http, consumer.token)
    data = await me.data(
        CREATE, input=_draft(companyName="Kapsalon Lotte", companyEmail="Info@Lotte.example")
    )
    complaint = data["complaintCreate"]["complaint"]
    # The filer sees the name they typed; the record's slug is random and not shown.
    assert complaint["company"] == {"name": "Kapsalon Lotte", "listed": False, "slug": None}
    company = await Company.get(addresses__email="info@lotte.example")
    assert company.name == "Kapsalon Lotte" and not company.listed
    assert company.slug.startswith("unlisted-") and "lotte" not in company.slug
    assert [a.email for a in await company.addresses.all()] == ["info@lotte.example"]
    # No public page until a moderator lists it, though the public complaint names it.
    assert (await gql.data('{ company(slug: "kapsalon-lotte") { name } }')) == {"company": None}
    # A second complaint to the same address reuses the record, invisibly to the filer.
    again = await me.data(
        CREATE, input=_draft(companyName="Lotte", companyEmail="info@lotte.example")
    )
    assert again["complaintCreate"]["complaint"]["company"] == {
        "name": "Lotte",
        "listed": False,
        "slug": None,
    }
    assert await Company.filter(addresses__email="info@lotte.example").count() == 1
    assert await Complaint.filter(company_id=company.id).count() == 2


async def test_invalid_drafts_are_payload_errors(gql, services):
    consumer = await make_user(services)
    me = GraphQLClient(gql.http, consumer.token)
    data = await me.data(CREATE, input=_draft(title="Hm", description=""))
    codes = {(e["field"], e["code"]) for e in data["complaintCreate"]["errors"]}
    assert codes == {
        ("title", "INVALID"),
        ("description", "REQUIRED"),
        ("companyId", "REQUIRED"),
    }
    # The category is an enum: a value outside the closed set never reaches the operation.
    unknown_category = await me.execute(CREATE, input=_draft(category="wat"))
    assert unknown_category["data"] is None
    assert "ComplaintCategory" in unknown_category["errors"][0]["message"]
    unknown = await me.data(CREATE, input=_draft(companyId=gid("Company", consumer.user.id)))
    assert unknown["complaintCreate"]["errors"][0]["code"] == "NOT_FOUND"
    assert await Complaint.all().count() == 0


async def test_only_consumers_file_complaints(gql, services):
    moderator = await make_user(services, Role.MODERATOR)
    result = await GraphQLClient(gql.http, moderator.token).execute(CREATE, input=_draft())
    assert result["errors"][0]["extensions"] == {"code": "FORBIDDEN"}
    anonymous = await gql.execute(CREATE, input=_draft())
    assert anonymous["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_first_company_reply_answers_and_later_replies_do_not_reopen(gql, services):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer, "Telenova")
    consumer = await make_user(services)
    agent = await make_user(services, Role.AGENT, company=company, name="Karel Agent")
    complaint = await make_complaint(services, consumer, company)
    cid = gid("Complaint", complaint.id)
    as_agent = GraphQLClient(gql.http, agent.token)
    as_consumer = GraphQLClient(gql.http, consumer.token)

    reply = (await as_agent.data(POST, id=cid, body="  Wij storten het terug.  "))["messagePost"]
    assert reply["errors"] == []
    assert reply["message"] == {
        "body": "Wij storten het terug.",
        "authorKind": "COMPANY",
        "channel": "WEB",
        "authorName": "Telenova",
    }
    assert reply["complaint"]["status"] == "ANSWERED"
    first_reply_at = reply["complaint"]["firstCompanyReplyAt"]

    closed = (await as_consumer.data(CLOSE, id=cid, outcome="RESOLVED"))["complaintClose"]
    assert closed["errors"] == []
    assert closed["complaint"]["status"] == "RESOLVED"
    assert closed["complaint"]["outcome"] == "RESOLVED"
    assert closed["complaint"]["feedbackComment"] == "Snel opgelost"

    late = (await as_agent.data(POST, id=cid, body="Nog een update."))["messagePost"]
    assert late["errors"] == []
    assert late["complaint"] == {"status": "RESOLVED", "firstCompanyReplyAt": first_reply_at}
    again = (await as_consumer.data(CLOSE, id=cid, outcome="UNRESOLVED"))["complaintClose"]
    assert again["errors"][0]["code"] == "INVALID_STATE"


async def test_only_the_consumer_closes_and_other_people_cannot_write(gql, services):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer)
    consumer = await make_user(services)
    other = await make_user(services, name="Els Peeters")
    complaint = await make_complaint(services, consumer, company)
    cid = gid("Complaint", complaint.id)
    as_other = GraphQLClient(gql.http, other.token)
    close = (await as_other.data(CLOSE, id=cid, outcome="RESOLVED"))["complaintClose"]
    assert close["errors"][0]["code"] == "NOT_ALLOWED"
    post = (await as_other.data(POST, id=cid, body="Ik ook!"))["messagePost"]
    assert post["errors"][0]["code"] == "NOT_ALLOWED"


async def test_feedback_window_closes_six_months_after_first_reply(gql, services):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer)
    consumer = await make_user(services)
    complaint = await make_complaint(services, consumer, company)
    long_ago = datetime.now(UTC) - timedelta(days=200)
    await Complaint.filter(id=complaint.id).update(
        status=ComplaintStatus.ANSWERED, first_company_reply_at=long_ago
    )
    as_consumer = GraphQLClient(gql.http, consumer.token)
    late = await as_consumer.data(CLOSE, id=gid("Complaint", complaint.id), outcome="RESOLVED")
    assert late["complaintClose"]["errors"][0]["code"] == "FEEDBACK_PERIOD_OVER"

    from amicable.resolvers.complaints import close_expired_feedback

    assert await close_expired_feedback(services) == 1
    closed = await Complaint.get(id=complaint.id)
    assert closed.status is ComplaintStatus.CLOSED and closed.outcome is None


async def test_visibility_private_to_public_and_back_only_before_an_answer(gql, services):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer)
    consumer = await make_user(services)
    agent = await make_user(services, Role.AGENT, company=company)
    from amicable.models.enums import Visibility

    complaint = await make_complaint(services, consumer, company, visibility=Visibility.PRIVATE)
    cid = gid("Complaint", complaint.id)
    me = GraphQLClient(gql.http, consumer.token)
    anonymous_view = "{ complaints { totalCount } }"
    assert (await gql.data(anonymous_view))["complaints"]["totalCount"] == 0
    public = (await me.data(VISIBILITY, id=cid, v="PUBLIC"))["complaintSetVisibility"]
    assert public == {"complaint": {"visibility": "PUBLIC"}, "errors": []}
    assert (await gql.data(anonymous_view))["complaints"]["totalCount"] == 1
    back = (await me.data(VISIBILITY, id=cid, v="PRIVATE"))["complaintSetVisibility"]
    assert back["errors"] == []
    await me.data(VISIBILITY, id=cid, v="PUBLIC")
    await GraphQLClient(gql.http, agent.token).data(POST, id=cid, body="Antwoord.")
    refused = (await me.data(VISIBILITY, id=cid, v="PRIVATE"))["complaintSetVisibility"]
    assert refused["errors"][0]["code"] == "INVALID_STATE"
    assert refused["errors"][0]["field"] == "visibility"


async def test_pages_follow_keyset_cursors_and_are_capped(gql, services):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer)
    consumer = await make_user(services)
    services.settings.rate_limit_complaint_create = 100
    services.settings.page_size_max = 4
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(7):
        services.clock = lambda i=i: base + timedelta(hours=i)
        await make_complaint(services, consumer, company, title=f"Klacht nummer {i}")
    query = """query($after: String) { complaints(first: 50, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { title } } } }"""
    first = (await gql.data(query))["complaints"]
    assert first["totalCount"] == 7
    assert [e["node"]["title"] for e in first["edges"]] == [
        f"Klacht nummer {i}" for i in (6, 5, 4, 3)
    ]
    assert first["pageInfo"]["hasNextPage"] is True
    second = (await gql.data(query, after=first["pageInfo"]["endCursor"]))["complaints"]
    assert [e["node"]["title"] for e in second["edges"]] == [
        f"Klacht nummer {i}" for i in (2, 1, 0)
    ]
    assert second["pageInfo"]["hasNextPage"] is False
    bad = await gql.execute(query, after="not-a-cursor")
    assert bad["errors"][0]["message"] == "Invalid cursor."
    assert bad["errors"][0]["extensions"] == {"code": "INVALID"}
