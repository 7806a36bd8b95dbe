"""accountExport and accountErase: everything out; personal data gone, history kept."""

from __future__ import annotations

from amicable.mail.inbound.sent_texts import sent_on_thread
from amicable.models import AccessToken, Complaint, Message, OutboxMail, User
from amicable.models.enums import Outcome
from amicable.models.mail import OutboxStatus
from amicable.resolvers import complaints, messages
from amicable.resolvers import scores as score_ops
from tests.conftest import GraphQLClient
from tests.factories import gid, make_complaint
from tests.moderation.conftest import as_role

EXPORT = "mutation { accountExport { data errors { code } } }"
ERASE = "mutation { accountErase(input: {confirm: true}) { erased errors { code } } }"


async def test_export_holds_everything_about_the_consumer(services, cast, gql):
    complaint = await make_complaint(services, cast.owner, cast.company)
    await messages.post(services, cast.owner.viewer, complaint.id, "Nog steeds niets.")
    await gql.data(
        "mutation($id: ID!) { contentReport(input: {complaintId: $id, reason: 'x'}) "
        "{ reported } }".replace("'x'", '"Spam"'),
        id=gid("Complaint", complaint.id),
    )
    client = as_role(gql, cast, "owner")
    await client.data(
        'mutation($id: ID!) { contentReport(input: {complaintId: $id, reason: "Eigen melding"})'
        " { reported } }",
        id=gid("Complaint", complaint.id),
    )
    data = (await client.data(EXPORT))["accountExport"]["data"]
    assert data["account"]["email"] == cast.owner.user.email
    assert data["account"]["fullName"] == "Jan De Smet"
    [exported] = data["complaints"]
    assert exported["reference"] == complaint.reference
    assert exported["privateDetails"]["phone"] == "+32 470 12 34 56"
    assert exported["company"] == "Telenova"
    assert [m["body"] for m in data["messages"]] == ["Nog steeds niets."]
    assert [r["reason"] for r in data["reports"]] == ["Eigen melding"]
    assert data["notifications"] == []


async def test_export_needs_an_account(gql, cast):
    result = await gql.execute(EXPORT)
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    partner = await GraphQLClient(gql.http, cast.partner_key).execute(EXPORT)
    assert partner["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_erasure_removes_personal_data_and_keeps_the_history(services, cast, gql):
    answered = await make_complaint(services, cast.owner, cast.company)
    await messages.post(services, cast.agent.viewer, answered.id, "Wij lossen het op.")
    await messages.post(services, cast.owner.viewer, answered.id, "Bedankt, Jan De Smet.")
    await complaints.close(services, cast.owner.viewer, answered.id, Outcome.RESOLVED, "Top")
    await make_complaint(services, cast.owner, cast.company, title="Tweede klacht hier")
    before = await score_ops.dashboard(services, cast.company.id)
    count_before = await Complaint.filter(company_id=cast.company.id).count()

    client = as_role(gql, cast, "owner")
    assert (await client.data(ERASE))["accountErase"] == {"erased": True, "errors": []}

    user = await User.get(id=cast.owner.user.id)
    assert user.full_name == "Erased user" and user.erased_at is not None
    assert user.email.endswith("@erased.invalid") and user.email != cast.owner.user.email
    assert not await AccessToken.exists(user_id=user.id, revoked_at__isnull=True)
    # The token used is dead: the next request is unauthenticated.
    after_erase = await client.execute("query { me { email } }")
    assert after_erase["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    stored = await Complaint.get(id=answered.id)
    assert stored.phone == "" and stored.postal_address == "" and stored.customer_reference == ""
    assert stored.description.startswith("[removed")
    assert stored.status.value == "RESOLVED" and stored.outcome is Outcome.RESOLVED
    assert stored.first_company_reply_at is not None
    bodies = (
        await Message.filter(complaint_id=answered.id)
        .order_by("created_at")
        .values_list("body", flat=True)
    )
    assert bodies == ["Wij lossen het op.", "[removed at the author's request]"]

    # The company's record is unchanged: same complaints, same figures.
    assert await Complaint.filter(company_id=cast.company.id).count() == count_before
    after = await score_ops.dashboard(services, cast.company.id)
    assert (after.totals, after.eligible, after.result) == (
        before.totals,
        before.eligible,
        before.result,
    )
    public = await gql.data(
        "query($id: ID!) { complaint(id: $id) { consumer { pseudonym } status } }",
        id=gid("Complaint", answered.id),
    )
    assert public["complaint"] == {"consumer": {"pseudonym": "Anonymous"}, "status": "RESOLVED"}


async def test_erasure_empties_the_mail_sent_and_the_words_kept_from_it(services, cast, gql):
    complaint = await make_complaint(services, cast.owner, cast.company, title="Modem stuk")
    await messages.post(services, cast.agent.viewer, complaint.id, "Wij sturen een nieuwe.")
    await messages.post(services, cast.owner.viewer, complaint.id, "Mijn adres is Kerkstraat 9.")
    await OutboxMail.filter(complaint_id=complaint.id).update(status=OutboxStatus.SENT)
    assert await sent_on_thread(complaint.id)

    client = as_role(gql, cast, "owner")
    assert (await client.data(ERASE))["accountErase"] == {"erased": True, "errors": []}

    rows = await OutboxMail.filter(complaint_id=complaint.id).values("content", "sent_words")
    assert rows and all(row == {"content": "", "sent_words": None} for row in rows)
    # Nothing of the thread's mail is left to compare replies against.
    assert not await sent_on_thread(complaint.id)


async def test_erasure_needs_confirmation_and_is_for_consumers(cast, gql):
    data = await as_role(gql, cast, "owner").data(
        "mutation { accountErase(input: {confirm: false}) { erased errors { code } } }"
    )
    assert data["accountErase"] == {"erased": False, "errors": [{"code": "REQUIRED"}]}
    for role in ("agent", "moderator", "lawyer"):
        result = await as_role(gql, cast, role).execute(ERASE)
        assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
