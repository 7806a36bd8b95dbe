"""Accounts and credentials: registration, sign-in, sign-out, partner keys, bad tokens."""

from __future__ import annotations

from amicable.models.enums import Role
from amicable.resolvers import accounts
from tests.conftest import GraphQLClient
from tests.factories import expired_token, make_user

REGISTER = """
mutation($email: String!, $password: String!) {
  accountRegister(input: {email: $email, password: $password, fullName: "Marie Dubois",
                          language: FR}) {
    token user { email fullName role language isMember } errors { field code message }
  }
}"""
LOGIN = """
mutation($email: String!, $password: String!) {
  tokenCreate(input: {email: $email, password: $password}) { token errors { code message } }
}"""
ME = "{ me { email role } }"


async def test_register_sign_in_and_sign_out(gql: GraphQLClient):
    data = await gql.data(REGISTER, email="Marie.Dubois@Example.org", password="un mot de passe")
    payload = data["accountRegister"]
    assert payload["errors"] == []
    assert payload["user"] == {
        "email": "marie.dubois@example.org",
        "fullName": "Marie Dubois",
        "role": "CONSUMER",
        "language": "FR",
        "isMember": False,
    }
    assert (await GraphQLClient(gql.http, payload["token"]).data(ME))["me"]["role"] == "CONSUMER"

    login = await gql.data(LOGIN, email="marie.dubois@example.org", password="un mot de passe")
    token = login["tokenCreate"]["token"]
    assert token.startswith("amt_")
    me = GraphQLClient(gql.http, token)
    assert (await me.data(ME))["me"]["email"] == "marie.dubois@example.org"
    revoked = await me.data("mutation { tokenRevoke { revoked errors { code } } }")
    assert revoked["tokenRevoke"] == {"revoked": True, "errors": []}
    after = await me.execute(ME)
    assert after == {
        "data": None,
        "errors": [{"message": "Unauthenticated", "extensions": {"code": "UNAUTHENTICATED"}}],
    }


async def test_registration_errors_are_payload_errors(gql: GraphQLClient):
    await gql.data(REGISTER, email="jan@example.org", password="long enough pw")
    dup = await gql.data(REGISTER, email="JAN@example.org", password="long enough pw")
    assert dup["accountRegister"]["errors"] == [
        {
            "field": "email",
            "code": "DUPLICATE",
            "message": "An account with this email already exists.",
        }
    ]
    bad = await gql.data(REGISTER, email="not-an-email", password="short")
    codes = {(e["field"], e["code"]) for e in bad["accountRegister"]["errors"]}
    assert codes == {("email", "INVALID"), ("password", "INVALID")}
    assert bad["accountRegister"]["token"] is None


async def test_wrong_password_and_unknown_account_answer_alike(gql: GraphQLClient):
    await gql.data(REGISTER, email="els@example.org", password="long enough pw")
    wrong = await gql.data(LOGIN, email="els@example.org", password="not the password")
    unknown = await gql.data(LOGIN, email="nobody@example.org", password="not the password")
    assert wrong == unknown
    assert wrong["tokenCreate"] == {
        "token": None,
        "errors": [{"code": "INVALID_CREDENTIALS", "message": "Email or password is incorrect."}],
    }


async def test_login_is_rate_limited_per_client(gql: GraphQLClient, services):
    services.settings.rate_limit_login = 3
    for _ in range(3):
        await gql.data(LOGIN, email="x@example.org", password="whatever123")
    limited = await gql.data(LOGIN, email="x@example.org", password="whatever123")
    assert limited["tokenCreate"]["errors"][0]["code"] == "RATE_LIMITED"


async def test_bad_expired_and_malformed_credentials_are_unauthenticated(gql, services):
    actor = await make_user(services)
    unauthenticated = {
        "data": None,
        "errors": [{"message": "Unauthenticated", "extensions": {"code": "UNAUTHENTICATED"}}],
    }
    for header in (
        "Bearer amt_forged",
        f"Bearer {await expired_token(actor.user)}",
        "Basic dXNlcjpwYXNz",
        "Bearer",
    ):
        response = await gql.http.post(
            "/graphql",
            json={"query": "{ complaints { totalCount } }"},
            headers={"Authorization": header},
        )
        assert response.json() == unauthenticated, header


async def test_missing_login_and_missing_role_are_top_level_errors(gql, services):
    create = 'mutation { companyCreate(input: {name: "X"}) { company { id } errors { code } } }'
    anonymous = await gql.execute(create)
    assert anonymous["errors"][0]["message"] == "Unauthenticated"
    assert anonymous["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    consumer = await make_user(services)
    forbidden = await GraphQLClient(gql.http, consumer.token).execute(create)
    assert forbidden["errors"][0]["message"] == "Forbidden"
    assert forbidden["errors"][0]["extensions"] == {"code": "FORBIDDEN"}
    assert forbidden["data"] is None


async def test_partner_key_reads_like_anonymous_and_cannot_write(gql, services):
    moderator = await make_user(services, Role.MODERATOR)
    created = await GraphQLClient(gql.http, moderator.token).data(
        'mutation { apiKeyCreate(input: {partnerName: "Dashboards BV"}) {'
        " key apiKey { partnerName } errors { code } } }"
    )
    key = created["apiKeyCreate"]["key"]
    assert key.startswith("amk_")
    assert created["apiKeyCreate"]["apiKey"] == {"partnerName": "Dashboards BV"}
    partner = GraphQLClient(gql.http, key)
    assert (await partner.data(ME)) == {"me": None}
    assert (await partner.data("{ complaints { totalCount } }"))["complaints"]["totalCount"] == 0
    write = await partner.execute(
        'mutation { complaintCreate(input: {title: "t", description: "d"}) { errors { code } } }'
    )
    assert write["errors"][0]["extensions"] == {"code": "FORBIDDEN"}
    revoke = await partner.execute("mutation { tokenRevoke { revoked } }")
    assert revoke["errors"][0]["extensions"] == {"code": "FORBIDDEN"}


async def test_password_is_hashed_with_argon2(services):
    user = await accounts.create_user(
        email="luc@example.org",
        password="een goed wachtwoord",
        full_name="Luc Lambert",
        role=Role.CONSUMER,
    )
    assert user.password_hash.startswith("$argon2")
    assert "een goed wachtwoord" not in user.password_hash
