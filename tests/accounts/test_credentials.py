"""Password reset and change, email change, profile, signing out everywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest

from amicable.models import AccessToken, AccountToken, OutboxMail, User
from amicable.models.enums import Role
from amicable.resolvers import accounts
from tests.accounts.mailed import complaint_link, last_token, mails_to
from tests.conftest import GraphQLClient, unique_email
from tests.factories import PASSWORD, make_company, make_complaint, make_user

RESET_REQUEST = """mutation($e: String!) { passwordResetRequest(input: {email: $e}) {
  ok errors { code field message } } }"""
RESET_CONFIRM = """mutation($t: String!, $p: String!) {
  passwordResetConfirm(input: {token: $t, newPassword: $p}) { ok errors { code field } } }"""
SIGN_IN = """mutation($e: String!, $p: String!) { tokenCreate(input: {email: $e, password: $p}) {
  token errors { code } } }"""
ME = "{ me { email fullName language emailVerified } }"


async def test_reset_request_answers_the_same_for_unknown_addresses(gql, services):
    known = await make_user(services)
    answers = []
    for address in (known.user.email, unique_email("nobody")):
        answers.append(await gql.data(RESET_REQUEST, e=address))
    assert answers[0] == answers[1] == {"passwordResetRequest": {"ok": True, "errors": []}}
    # Only the real account gets a mail (and a stored token).
    assert len(await mails_to(known.user.email)) == 1
    assert await OutboxMail.all().count() == 1
    assert await AccountToken.all().count() == 1


async def test_reset_request_checks_the_address_and_is_throttled_per_address(gql, services):
    bad = await gql.data(RESET_REQUEST, e="not an address")
    assert bad["passwordResetRequest"]["errors"][0]["code"] == "INVALID"
    address = unique_email("nobody")
    for _ in range(services.settings.rate_limit_account_mail):
        assert (await gql.data(RESET_REQUEST, e=address))["passwordResetRequest"]["ok"]
    limited = await gql.data(RESET_REQUEST, e=address)
    assert limited["passwordResetRequest"]["errors"][0]["code"] == "RATE_LIMITED"


async def test_reset_sets_the_password_ends_every_session_and_is_single_use(gql, services):
    user = await make_user(services)
    other_session = await accounts.issue_token(services, user.user)
    await gql.data(RESET_REQUEST, e=user.user.email)
    token = await last_token(user.user.email)
    weak = await gql.data(RESET_CONFIRM, t=token, p="short")
    assert weak["passwordResetConfirm"]["errors"] == [{"code": "INVALID", "field": "newPassword"}]
    done = await gql.data(RESET_CONFIRM, t=token, p="a new long password")
    assert done["passwordResetConfirm"] == {"ok": True, "errors": []}
    for session in (user.token, other_session):
        result = await GraphQLClient(gql.http, session).execute(ME)
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    again = await gql.data(RESET_CONFIRM, t=token, p="another long password")
    assert again["passwordResetConfirm"]["errors"][0]["code"] == "INVALID_TOKEN"
    signed_in = await gql.data(SIGN_IN, e=user.user.email, p="a new long password")
    assert signed_in["tokenCreate"]["token"]
    old = await gql.data(SIGN_IN, e=user.user.email, p=PASSWORD)
    assert old["tokenCreate"]["errors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_expired_reset_link_is_refused(gql, services):
    user = await make_user(services)
    await gql.data(RESET_REQUEST, e=user.user.email)
    token = await last_token(user.user.email)
    await AccountToken.all().update(expires_at=services.now() - timedelta(seconds=1))
    result = await gql.data(RESET_CONFIRM, t=token, p="a new long password")
    assert result["passwordResetConfirm"]["errors"][0]["code"] == "INVALID_TOKEN"


async def test_password_change_needs_the_current_one_and_ends_other_sessions(gql, services):
    user = await make_user(services)
    other = await accounts.issue_token(services, user.user)
    me = GraphQLClient(gql.http, user.token)
    change = """mutation($c: String!, $n: String!) {
      passwordChange(input: {currentPassword: $c, newPassword: $n}) { user { email }
      errors { code field } } }"""
    wrong = await me.data(change, c="not my password", n="a new long password")
    assert wrong["passwordChange"]["errors"] == [
        {"code": "INVALID_CREDENTIALS", "field": "password"}
    ]
    done = await me.data(change, c=PASSWORD, n="a new long password")
    assert done["passwordChange"]["errors"] == []
    assert (await me.data(ME))["me"]["email"] == user.user.email  # this session stays
    result = await GraphQLClient(gql.http, other).execute(ME)
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_email_change_is_confirmed_from_the_new_address(gql, services):
    user = await make_user(services)
    taken = await make_user(services)
    me = GraphQLClient(gql.http, user.token)
    request = """mutation($e: String!, $p: String!) {
      emailChangeRequest(input: {newEmail: $e, password: $p}) { errors { code field } } }"""
    confirm = """mutation($t: String!) { emailChangeConfirm(input: {token: $t}) {
      user { email emailVerified } errors { code } } }"""
    wrong = await me.data(request, e=unique_email("new"), p="not it")
    assert wrong["emailChangeRequest"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    invalid = await me.data(request, e="nope", p=PASSWORD)
    assert invalid["emailChangeRequest"]["errors"] == [{"code": "INVALID", "field": "newEmail"}]
    new = unique_email("new")
    assert (await me.data(request, e=new, p=PASSWORD))["emailChangeRequest"]["errors"] == []
    assert (await me.data(ME))["me"]["email"] == user.user.email  # unchanged until confirmed
    done = await gql.data(confirm, t=await last_token(new))
    assert done["emailChangeConfirm"] == {
        "user": {"email": new, "emailVerified": True},
        "errors": [],
    }
    # An address taken meanwhile cannot be confirmed.
    newer = unique_email("newer")
    await me.data(request, e=newer, p=PASSWORD)
    await User.filter(id=taken.user.id).update(email=newer)
    clash = await gql.data(confirm, t=await last_token(newer))
    assert clash["emailChangeConfirm"]["errors"][0]["code"] == "DUPLICATE"
    assert (await User.get(id=user.user.id)).email == new


async def test_account_update_and_sign_out_everywhere(gql, services):
    user = await make_user(services)
    other = await accounts.issue_token(services, user.user)
    me = GraphQLClient(gql.http, user.token)
    update = """mutation { accountUpdate(input: {fullName: "Jan Peeters", language: FR}) {
      user { fullName language } errors { code } } }"""
    assert (await me.data(update))["accountUpdate"] == {
        "user": {"fullName": "Jan Peeters", "language": "FR"},
        "errors": [],
    }
    empty = await me.data('mutation { accountUpdate(input: {fullName: " "}) { errors { code } } }')
    assert empty["accountUpdate"]["errors"][0]["code"] == "REQUIRED"
    out = await me.data("mutation { tokenRevokeAll { revokedCount errors { code } } }")
    assert out["tokenRevokeAll"] == {"revokedCount": 2, "errors": []}
    for session in (user.token, other):
        result = await GraphQLClient(gql.http, session).execute(ME)
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert not await AccessToken.exists(user_id=user.user.id, revoked_at__isnull=True)


OWN_ACCOUNT_MUTATIONS = [
    'passwordChange(input: {currentPassword: "x", newPassword: "y"}) { errors { code } }',
    'emailChangeRequest(input: {newEmail: "a@b.example", password: "x"}) { errors { code } }',
    'accountUpdate(input: {fullName: "X"}) { errors { code } }',
    "tokenRevokeAll { errors { code } }",
]


@pytest.mark.parametrize("mutation", OWN_ACCOUNT_MUTATIONS)
@pytest.mark.parametrize("role", ["anonymous", "partner", "link"])
async def test_own_account_mutations_need_a_person(mutation, role, gql, services):
    token = None
    if role == "link":
        moderator = await make_user(services, Role.MODERATOR)
        company = await make_company(moderator.viewer)
        complaint = await make_complaint(services, await make_user(services), company)
        token = await complaint_link(complaint.id)
    elif role == "partner":
        moderator = await make_user(services, Role.MODERATOR)
        _, token = await accounts.create_api_key(moderator.viewer, partner_name="P")
    result = await GraphQLClient(gql.http, token).execute(f"mutation {{ {mutation} }}")
    expected = "UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"
    assert result["errors"][0]["extensions"]["code"] == expected


@pytest.mark.parametrize("role", [Role.CONSUMER, Role.AGENT, Role.MODERATOR, Role.LAWYER])
async def test_every_person_manages_their_own_account(role, gql, services):
    company = None
    if role is Role.AGENT:
        moderator = await make_user(services, Role.MODERATOR)
        company = await make_company(moderator.viewer)
    user = await make_user(services, role, company=company)
    me = GraphQLClient(gql.http, user.token)
    done = await me.data("mutation { accountUpdate(input: {language: EN}) { errors { code } } }")
    assert done["accountUpdate"]["errors"] == []
    assert (await me.data(ME))["me"]["language"] == "EN"


async def test_export_and_erasure_cover_account_lifecycle_data(gql, services):
    user = await make_user(services, email="weg@example.org")
    await User.filter(id=user.user.id).update(member_number="TA-9")
    me = GraphQLClient(gql.http, user.token)
    await me.data(
        'mutation { emailChangeRequest(input: {newEmail: "nieuw@example.org",'
        f' password: "{PASSWORD}"}}) {{ errors {{ code }} }} }}'
    )
    assert await AccountToken.exists(user_id=user.user.id)
    exported = await me.data("mutation { accountExport { data errors { code } } }")
    account = exported["accountExport"]["data"]["account"]
    assert account["memberNumber"] == "TA-9" and account["emailVerifiedAt"]
    erased = await me.data(
        "mutation { accountErase(input: {confirm: true}) { erased errors { code } } }"
    )
    assert erased["accountErase"] == {"erased": True, "errors": []}
    assert not await AccountToken.exists(user_id=user.user.id)
    assert (await User.get(id=user.user.id)).member_number == ""
