"""Error messages in the viewer's language: the account's, else the request's
Accept-Language (a websocket's in its connection_init payload), else English. Codes never
change; parameters travel beside the message."""

from __future__ import annotations

import pytest

from amicable.infra.languages import negotiate
from amicable.models import User
from amicable.models.enums import Language, Role
from tests.conftest import GraphQLClient
from tests.factories import gid, make_company, make_user

CREATE = """mutation($input: ComplaintCreateInput!) { complaintCreate(input: $input) {
  errors { field code message params { name value } } } }"""

REGISTER = """mutation($email: String!) { accountRegister(input: {email: $email,
  password: "kort", fullName: "Zoë Dubois"}) {
  errors { field code message params { name value } } } }"""


def _short_draft(company_id: str) -> dict:
    return {"companyId": company_id, "title": "Hm", "description": "Te kort"}


async def test_a_french_speaking_consumer_reads_french(gql, services):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer)
    consumer = await make_user(services, name="Zoë Dubois")
    await User.filter(id=consumer.user.id).update(language=Language.FR)
    # The account's language wins over the request's.
    client = GraphQLClient(gql.http, consumer.token, accept_language="en")
    data = await client.data(CREATE, input=_short_draft(gid("Company", company.id)))
    errors = {e["field"]: e for e in data["complaintCreate"]["errors"]}
    assert errors["title"] == {
        "field": "title",
        "code": "INVALID",
        "message": "Titre : au moins 5 caractères.",
        "params": [{"name": "minLength", "value": "5"}],
    }
    assert errors["description"]["message"] == "Description : au moins 20 caractères."
    assert errors["description"]["params"] == [{"name": "minLength", "value": "20"}]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "The password must be at least 10 characters."),
        ("fr-BE,fr;q=0.9", "Le mot de passe doit compter au moins 10 caractères."),
        ("nl-BE", "Het wachtwoord moet minstens 10 tekens lang zijn."),
        ("de-DE,nl;q=0.5,fr;q=0.8", "Le mot de passe doit compter au moins 10 caractères."),
        ("de-DE", "The password must be at least 10 characters."),
        ("fr;q=0, nl", "Het wachtwoord moet minstens 10 tekens lang zijn."),
        ("garbage;;q=x", "The password must be at least 10 characters."),
    ],
)
async def test_anonymous_visitors_read_their_accept_language(gql, header, expected):
    client = GraphQLClient(gql.http, accept_language=header)
    data = await client.data(REGISTER, email="zoe@example.org")
    error = data["accountRegister"]["errors"][0]
    assert (error["field"], error["code"], error["message"]) == ("password", "INVALID", expected)
    assert error["params"] == [{"name": "minLength", "value": "10"}]


async def test_top_level_errors_are_translated_and_bare_codes_are_not(gql, services):
    french = GraphQLClient(gql.http, accept_language="fr")
    bad = await french.execute('{ complaints(after: "nope") { totalCount } }')
    assert bad["errors"][0]["message"] == "Curseur non valide."
    assert bad["errors"][0]["extensions"] == {"code": "INVALID"}
    dutch = GraphQLClient(gql.http, accept_language="nl")
    negative = await dutch.execute("{ complaints(first: -1) { totalCount } }")
    assert negative["errors"][0]["message"] == "first mag niet negatief zijn."
    assert negative["errors"][0]["extensions"] == {
        "code": "INVALID",
        "params": [{"name": "argument", "value": "first"}],
    }
    # UNAUTHENTICATED and FORBIDDEN say nothing beyond their code, in every language.
    unauthenticated = await GraphQLClient(gql.http, "amt_nope", accept_language="fr").execute(
        "{ me { email } }"
    )
    assert unauthenticated["errors"][0]["message"] == "Unauthenticated"
    consumer = await make_user(services)
    forbidden = await GraphQLClient(gql.http, consumer.token, accept_language="fr").execute(
        "{ moderationQueue { totalCount } }"
    )
    assert forbidden["errors"][0]["message"] == "Forbidden"
    assert forbidden["errors"][0]["extensions"] == {"code": "FORBIDDEN"}


async def test_not_found_names_the_thing_in_the_viewers_words(gql, services):
    consumer = await make_user(services)
    await User.filter(id=consumer.user.id).update(language=Language.NL)
    client = GraphQLClient(gql.http, consumer.token)
    data = await client.data(
        """mutation($id: ID!) { complaintClose(input: {complaintId: $id, outcome: RESOLVED}) {
        errors { code message params { name value } } } }""",
        id=gid("Complaint", consumer.user.id),
    )
    assert data["complaintClose"]["errors"] == [
        {
            "code": "NOT_FOUND",
            "message": "Klacht niet gevonden.",
            "params": [{"name": "type", "value": "Complaint"}],
        }
    ]


async def test_rate_limits_say_the_limit(gql, services):
    services.settings.rate_limit_login = 1
    client = GraphQLClient(gql.http, accept_language="fr")
    login = """mutation { tokenCreate(input: {email: "x@example.org", password: "wrong-password"})
      { errors { code message params { name value } } } }"""
    await client.data(login)
    limited = (await client.data(login))["tokenCreate"]["errors"][0]
    assert limited["code"] == "RATE_LIMITED"
    assert limited["message"] == "Trop de tentatives ; réessayez plus tard."
    assert {p["name"] for p in limited["params"]} == {"limit", "windowSeconds"}


def test_accept_language_negotiation():
    assert negotiate(None) is None
    assert negotiate("") is None
    assert negotiate("en-GB,en;q=0.9") is Language.EN
    assert negotiate("da, fr;q=0.4, nl;q=0.6") is Language.NL
    assert negotiate("*") is None
    assert negotiate("FR-be") is Language.FR


async def test_an_oversized_body_is_refused_in_the_requests_words(gql):
    response = await gql.http.post(
        "/graphql",
        content=b'{"query": "{ me { email } }", "x": "' + b"a" * 300_000 + b'"}',
        headers={"content-type": "application/json", "accept-language": "nl-BE"},
    )
    assert response.status_code == 413
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "TOO_LARGE"}
    assert error["message"].startswith("De aanvraag is te groot (hoogstens ")
