"""Email verification: nothing a consumer files is mailed (or published) before their
address is verified by the mailed link; verifying queues what waited, in that transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest

from amicable.models import (
    AccountToken,
    Complaint,
    ModerationItem,
    Notification,
    OutboxMail,
    User,
)
from amicable.models.enums import ComplaintStatus, Role
from amicable.models.mail import ModerationDecision, OutboxKind
from amicable.resolvers import accounts, complaints, moderation
from tests.accounts.mailed import last_token, mails_to, text_of
from tests.conftest import GraphQLClient, unique_email
from tests.factories import Actor, gid, make_company, make_user

REGISTER = """mutation($email: String!, $lang: Language!) {
  accountRegister(input: {email: $email, password: "een lang wachtwoord",
    fullName: "Anna Janssens", language: $lang}) {
    token user { emailVerified } errors { code } } }"""
VERIFY = """mutation($t: String!) { accountVerifyEmail(input: {token: $t}) {
  user { emailVerified } errors { code message field } } }"""
FILE = """mutation($company: ID!) { complaintCreate(input: {companyId: $company,
  title: "Factuur klopt niet", description: "Mijn factuur van maart telt twee keer hetzelfde.",
  visibility: PUBLIC}) { complaint { id reference unsentReason sentAt } errors { code } } }"""


async def _register(gql: GraphQLClient, services, language: str = "NL") -> tuple[Actor, str]:
    address = unique_email("anna")
    data = await gql.data(REGISTER, email=address, lang=language)
    payload = data["accountRegister"]
    assert payload["errors"] == [] and payload["user"] == {"emailVerified": False}
    viewer = await accounts.authenticate(services, payload["token"])
    assert viewer is not None
    return Actor(await User.get(email=address), viewer, payload["token"]), address


@pytest.fixture
async def company(services):
    moderator = await make_user(services, Role.MODERATOR)
    return await make_company(moderator.viewer, "Energie Plus", email="klachten@energieplus.be")


async def test_register_mails_a_verification_link_in_the_account_language(gql, services):
    for language, words in (("NL", "Bevestig"), ("FR", "Confirmez"), ("EN", "Confirm")):
        _, address = await _register(gql, services, language)
        (mail,) = await mails_to(address)
        assert mail["Auto-Submitted"] == "auto-generated"
        assert mail["Subject"].startswith(words)
        assert mail["Content-Language"] == language.lower()
        assert "token=amv_" in text_of(mail) and "token=amv_" in text_of(mail, "html")
    # Only the hash is stored: the mailed secret is nowhere in the database.
    token = await last_token(address)
    assert not await AccountToken.exists(token_hash=token)


async def test_unverified_consumer_complaint_waits_unsent_then_goes_on_verification(
    gql, services, company
):
    consumer, address = await _register(gql, services)
    me = GraphQLClient(gql.http, consumer.token)
    filed = (await me.data(FILE, company=gid("Company", company.id)))["complaintCreate"]
    assert filed["errors"] == []
    assert filed["complaint"]["unsentReason"] == "EMAIL_NOT_VERIFIED"
    assert filed["complaint"]["sentAt"] is None
    complaint = await Complaint.get(reference=filed["complaint"]["reference"])
    assert not await OutboxMail.exists(complaint_id=complaint.id, kind=OutboxKind.COMPLAINT)
    # The consumer is told why, in their feed.
    note = await Notification.get(user_id=consumer.user.id, kind="complaint.unverified")
    assert complaint.reference in note.text
    # Until then nobody but its consumer (and moderators) sees it: not the public, not the
    # company's agents.
    agent = await make_user(services, Role.AGENT, company=company)
    for token in (None, agent.token):
        seen = await GraphQLClient(gql.http, token).data(
            "query($id: ID!) { complaint(id: $id) { id } }", id=filed["complaint"]["id"]
        )
        assert seen == {"complaint": None}

    verified = await gql.data(VERIFY, t=await last_token(address))
    assert verified["accountVerifyEmail"] == {"user": {"emailVerified": True}, "errors": []}
    complaint = await Complaint.get(id=complaint.id)
    assert complaint.sent_at is not None and complaint.unsent_reason == ""
    assert await OutboxMail.exists(
        complaint_id=complaint.id, kind=OutboxKind.COMPLAINT, recipient="klachten@energieplus.be"
    )
    seen = await gql.data(
        "query($id: ID!) { complaint(id: $id) { unsentReason sentAt } }",
        id=filed["complaint"]["id"],
    )
    assert seen["complaint"]["unsentReason"] is None  # private field: null to the public
    # Once verified, a new complaint is mailed at once.
    again = (await me.data(FILE, company=gid("Company", company.id)))["complaintCreate"]
    assert again["complaint"]["unsentReason"] is None
    # Queued at once; its `sentAt` waits for the relay to accept the mail.
    assert again["complaint"]["sentAt"] is None
    assert await OutboxMail.exists(
        complaint__reference=again["complaint"]["reference"], kind=OutboxKind.COMPLAINT
    )


async def test_verification_link_is_single_use_and_expires(gql, services):
    _, address = await _register(gql, services)
    token = await last_token(address)
    assert (await gql.data(VERIFY, t=token))["accountVerifyEmail"]["errors"] == []
    used = (await gql.data(VERIFY, t=token))["accountVerifyEmail"]
    forged = (await gql.data(VERIFY, t="amv_" + "x" * 43))["accountVerifyEmail"]
    short = (await gql.data(VERIFY, t="x"))["accountVerifyEmail"]
    _, second = await _register(gql, services)
    fresh = await last_token(second)
    await AccountToken.filter(email=second).update(expires_at=services.now() - timedelta(seconds=1))
    expired = (await gql.data(VERIFY, t=fresh))["accountVerifyEmail"]
    # Used, forged, malformed and expired links answer alike.
    assert used == forged == short == expired
    assert used["user"] is None and used["errors"][0]["code"] == "INVALID_TOKEN"


async def test_a_reset_token_does_not_verify(gql, services):
    _, address = await _register(gql, services)
    await gql.data(
        "mutation($e: String!) { passwordResetRequest(input: {email: $e}) { ok } }", e=address
    )
    reset = await last_token(address)
    result = (await gql.data(VERIFY, t=reset))["accountVerifyEmail"]
    assert result["errors"][0]["code"] == "INVALID_TOKEN"


async def test_resend_verification_is_throttled_and_refused_once_verified(gql, services):
    consumer, address = await _register(gql, services)
    me = GraphQLClient(gql.http, consumer.token)
    resend = "mutation { accountResendVerification { user { email } errors { code } } }"
    limit = services.settings.rate_limit_account_mail
    for _ in range(limit):
        assert (await me.data(resend))["accountResendVerification"]["errors"] == []
    limited = (await me.data(resend))["accountResendVerification"]
    assert limited["errors"][0]["code"] == "RATE_LIMITED"
    # A newer link supersedes the older ones.
    tokens = await AccountToken.filter(email=address, used_at__isnull=True)
    assert len(tokens) == 1
    await gql.data(VERIFY, t=await last_token(address))
    services.rate_limiter = type(services.rate_limiter)()
    done = (await me.data(resend))["accountResendVerification"]
    assert done["errors"][0]["code"] == "INVALID_STATE"


@pytest.mark.parametrize("role", ["anonymous", "partner"])
async def test_resend_needs_a_person(role, gql, services):
    token = None
    if role == "partner":
        moderator = await make_user(services, Role.MODERATOR)
        _, token = await accounts.create_api_key(moderator.viewer, partner_name="P")
    result = await GraphQLClient(gql.http, token).execute(
        "mutation { accountResendVerification { errors { code } } }"
    )
    expected = "UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"
    assert result["errors"][0]["extensions"]["code"] == expected


async def test_accounts_made_by_operators_count_as_verified(services):
    user = await accounts.create_user(
        email=unique_email("mod"), password="een lang wachtwoord", full_name="M", role=Role.LAWYER
    )
    assert user.email_verified_at is not None


async def test_a_complaint_approved_by_a_moderator_still_waits_for_verification(
    gql, services, company
):
    consumer, address = await _register(gql, services)
    draft = complaints.ComplaintDraft(
        title="Onbeschofte klantendienst",
        description="Jullie zijn een bende klootzakken, ik wacht al drie weken op mijn geld.",
        company_id=company.id,
    )
    complaint = await complaints.create(services, consumer.viewer, draft)
    assert complaint.status is ComplaintStatus.PENDING_MODERATION
    moderator = await make_user(services, Role.MODERATOR)
    item = await ModerationItem.get(complaint_id=complaint.id)
    await moderation.decide(
        services, moderator.viewer, item.id, ModerationDecision.APPROVE, "Scherp maar terecht."
    )
    complaint = await Complaint.get(id=complaint.id)
    assert complaint.status is ComplaintStatus.WAITING_FOR_COMPANY
    assert complaint.sent_at is None and complaint.unsent_reason == "EMAIL_NOT_VERIFIED"
    await gql.data(VERIFY, t=await last_token(address))
    complaint = await Complaint.get(id=complaint.id)
    assert complaint.sent_at is not None
    assert await OutboxMail.exists(complaint_id=complaint.id, kind=OutboxKind.COMPLAINT)
