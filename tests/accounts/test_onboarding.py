"""Companies getting agents: invitations, claims, registered domains, and moderators
listing, suspending and removing agents with the company's audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest

from amicable.models import AccountToken, CompanyClaim, User
from amicable.models.account_tokens import ClaimStatus
from amicable.models.enums import Role, Visibility
from amicable.resolvers import accounts
from tests.accounts.mailed import complaint_link, last_token, mails_to, text_of
from tests.conftest import GraphQLClient
from tests.factories import PASSWORD, gid, make_company, make_complaint, make_user

INVITE = """mutation($c: ID!, $e: String!) { agentInvite(input: {companyId: $c, email: $e}) {
  invitation { email company { name } } errors { code field } } }"""
ACCEPT = """mutation($t: String!) { agentInvitationAccept(input: {token: $t,
  password: "een lang wachtwoord", fullName: "Eva Agent"}) {
  token user { role emailVerified company { name } } errors { code field } } }"""
CLAIM = """mutation($c: ID!) { companyClaim(input: {companyId: $c}) {
  claim { id status } errors { code field } } }"""
CONFIRM = """mutation($t: String!) { companyClaimConfirm(input: {token: $t}) {
  claim { id status } errors { code } } }"""
DECIDE = """mutation($id: ID!, $a: Boolean!) { companyClaimDecide(input: {claimId: $id,
  approve: $a}) { claim { status } errors { code } } }"""


@pytest.fixture
async def setup(services):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer, "Telenova", email="klachten@telenova.be")
    return moderator, company


async def test_invited_agent_answers_on_the_web(gql, services, setup):
    moderator, company = setup
    consumer = await make_user(services)
    complaint = await make_complaint(services, consumer, company, visibility=Visibility.PRIVATE)
    mod = GraphQLClient(gql.http, moderator.token)
    invited = await mod.data(INVITE, c=gid("Company", company.id), e="Eva@Telenova.be")
    assert invited["agentInvite"] == {
        "invitation": {"email": "eva@telenova.be", "company": {"name": "Telenova"}},
        "errors": [],
    }
    (mail,) = await mails_to("eva@telenova.be")
    assert mail["Auto-Submitted"] == "auto-generated" and "Telenova" in mail["Subject"]
    token = await last_token("eva@telenova.be")
    accepted = (await gql.data(ACCEPT, t=token))["agentInvitationAccept"]
    assert accepted["errors"] == []
    assert accepted["user"] == {
        "role": "AGENT",
        "emailVerified": True,
        "company": {"name": "Telenova"},
    }
    agent = GraphQLClient(gql.http, accepted["token"])
    seen = await agent.data(
        "query($id: ID!) { complaint(id: $id) { privateDetails { phone } } }",
        id=gid("Complaint", complaint.id),
    )
    assert seen["complaint"]["privateDetails"]["phone"] == "+32 470 12 34 56"
    posted = await agent.data(
        'mutation($id: ID!) { messagePost(input: {complaintId: $id, body: "We bellen u."}) {'
        " message { authorKind } errors { code } } }",
        id=gid("Complaint", complaint.id),
    )
    assert posted["messagePost"] == {"message": {"authorKind": "COMPANY"}, "errors": []}
    # The invitation works once.
    again = (await gql.data(ACCEPT, t=token))["agentInvitationAccept"]
    assert again["errors"][0]["code"] == "INVALID_TOKEN"
    # The company's log shows who acted for it.
    log = await mod.data(
        "query($c: ID!) { auditLog(filter: {company: $c}) { edges { node {"
        " action actorKind actor { email } } } } }",
        c=gid("Company", company.id),
    )
    actions = [e["node"] for e in log["auditLog"]["edges"]]
    assert {
        "action": "message.post",
        "actorKind": "agent",
        "actor": {"email": "eva@telenova.be"},
    } in actions
    assert {"agent.invite", "agent.join", "message.post"} <= {a["action"] for a in actions}


async def test_invitation_checks(gql, services, setup):
    moderator, company = setup
    mod = GraphQLClient(gql.http, moderator.token)
    taken = await make_user(services)
    duplicate = await mod.data(INVITE, c=gid("Company", company.id), e=taken.user.email)
    assert duplicate["agentInvite"]["errors"] == [{"code": "DUPLICATE", "field": "email"}]
    bad = await mod.data(INVITE, c=gid("Company", company.id), e="nope")
    assert bad["agentInvite"]["errors"] == [{"code": "INVALID", "field": "email"}]
    missing = await mod.data(INVITE, c=gid("Complaint", company.id), e="x@telenova.be")
    assert missing["agentInvite"]["errors"][0]["code"] == "NOT_FOUND"
    await mod.data(INVITE, c=gid("Company", company.id), e="late@telenova.be")
    token = await last_token("late@telenova.be")
    await AccountToken.all().update(expires_at=services.now() - timedelta(seconds=1))
    expired = (await gql.data(ACCEPT, t=token))["agentInvitationAccept"]
    assert expired["errors"][0]["code"] == "INVALID_TOKEN"
    assert not await User.exists(email="late@telenova.be")


MODERATOR_ONLY = [
    'agentInvite(input: {companyId: "x", email: "a@b.example"}) { errors { code } }',
    'companyClaimDecide(input: {claimId: "x", approve: true}) { errors { code } }',
    'agentSuspend(input: {userId: "x"}) { errors { code } }',
    'agentRemove(input: {userId: "x"}) { errors { code } }',
    'companyDomainsSet(input: {companyId: "x", domains: []}) { errors { code } }',
    'replyLinkRevoke(input: {complaintId: "x"}) { errors { code } }',
]
MODERATOR_QUERIES = [
    "companyClaims { totalCount }",
    'companyAgents(companyId: "x") { email }',
    'companyDomains(companyId: "x")',
    'auditLog(filter: {company: "x"}) { totalCount }',
]


@pytest.mark.parametrize("operation", MODERATOR_ONLY + MODERATOR_QUERIES)
@pytest.mark.parametrize("role", ["anonymous", "consumer", "agent", "lawyer", "partner", "link"])
async def test_onboarding_is_for_moderators(operation, role, gql, services, setup):
    moderator, company = setup
    token: str | None = None
    if role == "link":
        complaint = await make_complaint(services, await make_user(services), company)
        token = await complaint_link(complaint.id)
    elif role == "partner":
        _, token = await accounts.create_api_key(moderator.viewer, partner_name="P")
    elif role == "agent":
        token = (await make_user(services, Role.AGENT, company=company)).token
    elif role != "anonymous":
        token = (await make_user(services, Role(role))).token
    kind = "mutation" if operation in MODERATOR_ONLY else "query"
    result = await GraphQLClient(gql.http, token).execute(f"{kind} {{ {operation} }}")
    expected = "UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"
    assert result["errors"][0]["extensions"]["code"] == expected


async def test_claim_needs_a_verified_address_at_a_registered_domain(gql, services, setup):
    moderator, company = setup
    company_id = gid("Company", company.id)
    outsider = await make_user(services, email="piet@gmail.com")
    refused = await GraphQLClient(gql.http, outsider.token).data(CLAIM, c=company_id)
    assert refused["companyClaim"]["errors"] == [{"code": "NOT_ALLOWED", "field": "email"}]
    staff = await make_user(services, email="jan@telenova.be")
    await User.filter(id=staff.user.id).update(email_verified_at=None)
    unverified = await GraphQLClient(gql.http, staff.token).data(CLAIM, c=company_id)
    assert unverified["companyClaim"]["errors"] == [{"code": "INVALID_STATE", "field": "email"}]
    # Default domains: the complaint addresses', public providers excepted.
    mod = GraphQLClient(gql.http, moderator.token)
    domains = await mod.data("query($c: ID!) { companyDomains(companyId: $c) }", c=company_id)
    assert domains == {"companyDomains": ["telenova.be"]}
    gmail_company = await make_company(moderator.viewer, "Bakkerij", email="bakker@gmail.com")
    none = await mod.data(
        "query($c: ID!) { companyDomains(companyId: $c) }", c=gid("Company", gmail_company.id)
    )
    assert none == {"companyDomains": []}


async def test_claim_confirmed_by_mail_then_approved_by_a_moderator(gql, services, setup):
    moderator, company = setup
    staff = await make_user(services, email="jan@telenova.be")
    me = GraphQLClient(gql.http, staff.token)
    asked = (await me.data(CLAIM, c=gid("Company", company.id)))["companyClaim"]
    assert asked["claim"]["status"] == "REQUESTED"
    mod = GraphQLClient(gql.http, moderator.token)
    early = await mod.data(DECIDE, id=asked["claim"]["id"], a=True)
    assert early["companyClaimDecide"]["errors"][0]["code"] == "INVALID_STATE"
    (mail,) = await mails_to("jan@telenova.be")
    assert "Telenova" in text_of(mail)
    confirmed = await gql.data(CONFIRM, t=await last_token("jan@telenova.be"))
    assert confirmed["companyClaimConfirm"]["claim"]["status"] == "CONFIRMED"
    listed = await mod.data(
        "{ companyClaims(status: CONFIRMED) { edges { node { id email"
        " claimant { email } company { name } } } } }"
    )
    assert listed["companyClaims"]["edges"] == [
        {
            "node": {
                "id": asked["claim"]["id"],
                "email": "jan@telenova.be",
                "claimant": {"email": "jan@telenova.be"},
                "company": {"name": "Telenova"},
            }
        }
    ]
    approved = await mod.data(DECIDE, id=asked["claim"]["id"], a=True)
    assert approved["companyClaimDecide"] == {"claim": {"status": "APPROVED"}, "errors": []}
    me_now = await me.data("{ me { role company { name } } }")
    assert me_now["me"] == {"role": "AGENT", "company": {"name": "Telenova"}}
    agents = await mod.data(
        "query($c: ID!) { companyAgents(companyId: $c) { email } }", c=gid("Company", company.id)
    )
    assert agents["companyAgents"] == [{"email": "jan@telenova.be"}]


async def test_claim_refused_and_auto_approved(gql, services, setup):
    moderator, company = setup
    mod = GraphQLClient(gql.http, moderator.token)
    first = await make_user(services, email="an@telenova.be")
    asked = (await GraphQLClient(gql.http, first.token).data(CLAIM, c=gid("Company", company.id)))[
        "companyClaim"
    ]
    await gql.data(CONFIRM, t=await last_token("an@telenova.be"))
    refused = await mod.data(DECIDE, id=asked["claim"]["id"], a=False)
    assert refused["companyClaimDecide"]["claim"] == {"status": "REFUSED"}
    assert (await User.get(id=first.user.id)).role is Role.CONSUMER

    services.settings.auto_approve_domain_claims = True
    second = await make_user(services, email="bo@telenova.be")
    await GraphQLClient(gql.http, second.token).data(CLAIM, c=gid("Company", company.id))
    confirmed = await gql.data(CONFIRM, t=await last_token("bo@telenova.be"))
    assert confirmed["companyClaimConfirm"]["claim"]["status"] == "APPROVED"
    user = await User.get(id=second.user.id)
    assert user.role is Role.AGENT and user.company_id == company.id
    claim = await CompanyClaim.get(user_id=user.id)
    assert claim.status is ClaimStatus.APPROVED and claim.decided_by_id is None


async def test_moderators_edit_registered_domains(gql, services, setup):
    moderator, company = setup
    mod = GraphQLClient(gql.http, moderator.token)
    edit = """mutation($c: ID!, $d: [String!]!) { companyDomainsSet(input: {companyId: $c,
      domains: $d}) { domains errors { code field } } }"""
    company_id = gid("Company", company.id)
    bad = await mod.data(edit, c=company_id, d=["gmail.com", "not a domain"])
    assert {e["code"] for e in bad["companyDomainsSet"]["errors"]} == {"NOT_ALLOWED", "INVALID"}
    done = await mod.data(edit, c=company_id, d=["Telenova.com", "@telenova.net"])
    assert done["companyDomainsSet"] == {
        "domains": ["telenova.com", "telenova.net"],
        "errors": [],
    }
    # The complaint address's domain no longer counts once the list is set.
    staff = await make_user(services, email="jan@telenova.be")
    refused = await GraphQLClient(gql.http, staff.token).data(CLAIM, c=company_id)
    assert refused["companyClaim"]["errors"][0]["code"] == "NOT_ALLOWED"


async def test_suspending_an_agent_ends_their_sessions(gql, services, setup):
    moderator, company = setup
    agent = await make_user(services, Role.AGENT, company=company)
    mod = GraphQLClient(gql.http, moderator.token)
    suspend = """mutation($id: ID!, $s: Boolean!) { agentSuspend(input: {userId: $id,
      suspended: $s}) { user { suspended } errors { code } } }"""
    done = await mod.data(suspend, id=gid("User", agent.user.id), s=True)
    assert done["agentSuspend"] == {"user": {"suspended": True}, "errors": []}
    result = await GraphQLClient(gql.http, agent.token).execute("{ me { email } }")
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    sign_in = """mutation($e: String!, $p: String!) { tokenCreate(input: {email: $e,
      password: $p}) { token errors { code } } }"""
    refused = await gql.data(sign_in, e=agent.user.email, p=PASSWORD)
    assert refused["tokenCreate"] == {"token": None, "errors": [{"code": "INVALID_CREDENTIALS"}]}
    await mod.data(suspend, id=gid("User", agent.user.id), s=False)
    assert (await gql.data(sign_in, e=agent.user.email, p=PASSWORD))["tokenCreate"]["token"]
    consumer = await make_user(services)
    not_agent = await mod.data(suspend, id=gid("User", consumer.user.id), s=True)
    assert not_agent["agentSuspend"]["errors"][0]["code"] == "NOT_FOUND"


async def test_removing_an_agent_takes_them_off_the_company(gql, services, setup):
    moderator, company = setup
    agent = await make_user(services, Role.AGENT, company=company)
    consumer = await make_user(services)
    complaint = await make_complaint(services, consumer, company, visibility=Visibility.PRIVATE)
    mod = GraphQLClient(gql.http, moderator.token)
    removed = await mod.data(
        "mutation($id: ID!) { agentRemove(input: {userId: $id}) { user { role company { name } }"
        " errors { code } } }",
        id=gid("User", agent.user.id),
    )
    assert removed["agentRemove"] == {"user": {"role": "CONSUMER", "company": None}, "errors": []}
    result = await GraphQLClient(gql.http, agent.token).execute("{ me { email } }")
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    token = await accounts.issue_token(services, await User.get(id=agent.user.id))
    seen = await GraphQLClient(gql.http, token).data(
        "query($id: ID!) { complaint(id: $id) { id } }", id=gid("Complaint", complaint.id)
    )
    assert seen == {"complaint": None}
    log = await mod.data(
        "query($c: ID!) { auditLog(filter: {company: $c}) { edges { node { action } } } }",
        c=gid("Company", company.id),
    )
    assert "agent.remove" in [e["node"]["action"] for e in log["auditLog"]["edges"]]


async def test_a_claimant_who_is_no_longer_a_consumer_is_not_made_an_agent(gql, services, setup):
    moderator, company = setup
    staff = await make_user(services, email="lot@telenova.be")
    asked = (await GraphQLClient(gql.http, staff.token).data(CLAIM, c=gid("Company", company.id)))[
        "companyClaim"
    ]
    await gql.data(CONFIRM, t=await last_token("lot@telenova.be"))
    await User.filter(id=staff.user.id).update(role=Role.LAWYER)
    decided = await GraphQLClient(gql.http, moderator.token).data(
        DECIDE, id=asked["claim"]["id"], a=True
    )
    assert decided["companyClaimDecide"]["errors"] == [{"code": "INVALID_STATE"}]
    assert (await User.get(id=staff.user.id)).role is Role.LAWYER
