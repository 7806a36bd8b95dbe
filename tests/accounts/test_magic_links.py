"""The web reply link in complaint mail: a company reads and answers that one thread on the
web without an account, with the Reply-To token's rights and nothing more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from amicable.mail.outbound import links
from amicable.models import AuditEntry, Complaint, Message, OutboxMail
from amicable.models.enums import AuthorKind, ComplaintStatus, Language, Role, Visibility
from amicable.models.mail import OutboxKind
from tests.accounts.mailed import complaint_link, mails_to, reply_link, text_of
from tests.conftest import GraphQLClient
from tests.factories import gid, make_company, make_complaint, make_user

POST = """mutation($id: ID!, $body: String!) { messagePost(input: {complaintId: $id,
  body: $body}) { message { authorKind body senderAddress } errors { code } } }"""
READ = """query($id: ID!) { complaint(id: $id) { reference status
  consumer { fullName email } privateDetails { phone } } }"""


class LinkClient(GraphQLClient):
    """Sends the link as `Authorization: Link <token>`."""

    async def execute(self, query: str, **variables):
        headers = {"Authorization": f"Link {self.token}"}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code in (200, 400), response.text
        return response.json()


@pytest.fixture
async def world(services):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer, "Telenova", email="klachten@telenova.be")
    other_company = await make_company(moderator.viewer, "Energie", email="info@energie.be")
    consumer = await make_user(services, name="Jan De Smet")
    private = await make_complaint(services, consumer, company, visibility=Visibility.PRIVATE)
    other = await make_complaint(services, consumer, company, visibility=Visibility.PRIVATE)
    elsewhere = await make_complaint(services, consumer, other_company)
    return moderator, company, consumer, private, other, elsewhere


async def test_complaint_mail_carries_the_link_in_every_language(services, world):
    moderator, *_ = world
    consumer = await make_user(services)
    for language, words in (
        (Language.NL, "persoonlijke link"),
        (Language.FR, "lien personnel"),
        (Language.EN, "personal link"),
    ):
        company = await make_company(
            moderator.viewer, f"Firma {language.value}", email=f"info@{language.value}.example"
        )
        company.language = language
        await company.save()
        await make_complaint(services, consumer, company)
        (mail,) = await mails_to(f"info@{language.value}.example")
        assert words in text_of(mail) and words in text_of(mail, "html")
        assert "/reply/aml_" in text_of(mail) and "/reply/aml_" in text_of(mail, "html")
        assert "Auto-Submitted" not in mail  # the complaint is still a person's words


async def test_link_reads_and_answers_its_thread_as_the_company(gql, services, world):
    _, _, consumer, private, _, _ = world
    assert (await reply_link("klachten@telenova.be")).startswith("aml_")
    token = await complaint_link(private.id)
    link = LinkClient(gql.http, token)
    seen = await link.data(READ, id=gid("Complaint", private.id))
    assert seen["complaint"]["consumer"]["fullName"] == "Jan De Smet"
    assert seen["complaint"]["privateDetails"] == {"phone": "+32 470 12 34 56"}
    posted = await link.data(POST, id=gid("Complaint", private.id), body="Wij lossen dit op.")
    assert posted["messagePost"] == {
        "message": {
            "authorKind": "COMPANY",
            "body": "Wij lossen dit op.",
            "senderAddress": "klachten@telenova.be",
        },
        "errors": [],
    }
    # The same lifecycle as a mailed reply: the complaint is answered, the consumer gets it.
    complaint = await Complaint.get(id=private.id)
    assert complaint.status is ComplaintStatus.ANSWERED
    assert await OutboxMail.exists(
        complaint_id=private.id, kind=OutboxKind.REPLY, recipient=consumer.user.email
    )
    message = await Message.get(complaint_id=private.id)
    assert message.author_kind is AuthorKind.COMPANY and message.author_user_id is None
    entry = await AuditEntry.get(action="message.post", target_id=message.id)
    assert entry.actor_kind == "company_link" and entry.company_id == private.company_id
    assert entry.data["link_recipient"] == "klachten@telenova.be"


async def test_a_link_opens_no_other_complaint_and_no_account_data(gql, services, world):
    *_, private, other, elsewhere = world
    link = LinkClient(gql.http, await complaint_link(private.id))
    for hidden in (other, elsewhere):
        data = await link.data(
            "query($id: ID!, $ref: String!) { complaint(id: $id) { id }"
            " byRef: complaint(reference: $ref) { id } node(id: $id) { id } }",
            id=gid("Complaint", hidden.id),
            ref=hidden.reference,
        )
        assert data == {"complaint": None, "byRef": None, "node": None}
        posted = await link.data(POST, id=gid("Complaint", hidden.id), body="Hallo")
        assert posted["messagePost"]["errors"][0]["code"] == "NOT_FOUND"
    listed = await link.data("{ complaints(first: 50) { totalCount } me { email } }")
    assert listed == {"complaints": {"totalCount": 1}, "me": None}
    # Company search finds its own company only (to name it), never the listed others.
    search = await link.data('{ companies(search: "e") { edges { node { name } } } }')
    assert search["companies"]["edges"] == [{"node": {"name": "Telenova"}}]
    for forbidden in (
        "{ notifications { totalCount } }",
        'mutation { accountUpdate(input: {fullName: "X"}) { errors { code } } }',
        "mutation { tokenRevokeAll { errors { code } } }",
        'mutation { complaintCreate(input: {companyName: "X", companyEmail: "x@x.example",'
        ' title: "Titel hier", description: "Een beschrijving van twintig tekens."}) {'
        " errors { code } } }",
    ):
        result = await link.execute(forbidden)
        assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN", forbidden


async def test_expired_revoked_and_forged_links_answer_alike(gql, services, world):
    moderator, _, _, private, other, _ = world
    token = await complaint_link(private.id)
    expired = links.make(
        services.settings,
        private.id,
        "klachten@telenova.be",
        services.now() - timedelta(days=services.settings.reply_link_days + 1),
    )
    body, _, signature = token.rpartition(".")
    forged = f"{body}.{'0' * len(signature)}"
    other_token = await complaint_link(other.id)
    # A signature from one link does not fit another's claims.
    swapped = f"{other_token.rpartition('.')[0]}.{signature}"
    mod = GraphQLClient(gql.http, moderator.token)
    revoke = """mutation($id: ID!, $link: String) { replyLinkRevoke(input: {complaintId: $id,
      link: $link}) { complaint { reference } errors { code field } } }"""
    wrong = await mod.data(revoke, id=gid("Complaint", private.id), link=other_token)
    assert wrong["replyLinkRevoke"]["errors"] == [{"code": "INVALID", "field": "link"}]
    done = await mod.data(revoke, id=gid("Complaint", private.id), link=token)
    assert done["replyLinkRevoke"]["errors"] == []
    answers = []
    for bad in (expired, token, forged, swapped, "aml_", "aml_x.y", "Link"):
        result = await LinkClient(gql.http, bad).execute(READ, id=gid("Complaint", private.id))
        answers.append(result)
    assert all(a == answers[0] for a in answers), answers
    assert answers[0]["errors"][0]["message"] == "Unauthenticated"
    assert answers[0]["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    # The other complaint's link still works, until its complaint's links are all withdrawn.
    assert await LinkClient(gql.http, other_token).data(READ, id=gid("Complaint", other.id))
    await mod.data(revoke, id=gid("Complaint", other.id), link=None)
    gone = await LinkClient(gql.http, other_token).execute(READ, id=gid("Complaint", other.id))
    assert gone == answers[0]
    # Also as a bearer credential.
    bearer = await GraphQLClient(gql.http, other_token).execute(READ, id=gid("Complaint", other.id))
    assert bearer == answers[0]


async def test_links_mailed_after_a_revocation_work(gql, services, world):
    moderator, company, consumer, *_ = world
    mod = GraphQLClient(gql.http, moderator.token)
    complaint = await make_complaint(services, consumer, company)
    await mod.data(
        "mutation($id: ID!) { replyLinkRevoke(input: {complaintId: $id}) { errors { code } } }",
        id=gid("Complaint", complaint.id),
    )
    # A link issued after the revocation (as the next mail on the thread carries).
    later = datetime.now(UTC) + timedelta(seconds=2)
    fresh = links.make(services.settings, complaint.id, "klachten@telenova.be", later)
    seen = await LinkClient(gql.http, fresh).data(READ, id=gid("Complaint", complaint.id))
    assert seen["complaint"]["reference"] == complaint.reference


async def test_a_link_quoted_into_a_reply_is_never_published(gql, services, world):
    _, _, _, private, _, _ = world
    token = await complaint_link(private.id)
    link = LinkClient(gql.http, token)
    body = f"Opgelost.\n\nOrigineel: http://testserver/reply/{token}\n"
    posted = await link.data(POST, id=gid("Complaint", private.id), body=body)
    assert posted["messagePost"]["message"]["body"] == (
        "Opgelost.\n\nOrigineel: http://testserver/reply/[link removed]"
    )
    message = await Message.get(complaint_id=private.id)
    assert token not in message.body and token not in message.public_body
