"""Pseudonyms never reveal an email address, a phone number or a whole name; registration
(and the operators' account command) refuses a full name that is or holds contact details."""

from __future__ import annotations

import pytest

from amicable.infra.errors import OperationFailed
from amicable.models import User
from amicable.models.enums import Role
from amicable.policy import pseudonym
from amicable.resolvers import accounts
from tests.conftest import GraphQLClient, unique_email
from tests.factories import gid, make_company, make_complaint, make_user

REGISTER = """
mutation($email: String!, $name: String!) {
  accountRegister(input: {email: $email, password: "long enough pw", fullName: $name}) {
    token user { fullName } errors { field code }
  }
}"""


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Jan De Smet", "Jan D."),
        ("Jan Desmet", "Jan D."),
        ("Jan", "J."),
        ("  jan  ", "J."),
        ("Marie-Claire d'Hondt", "Marie-Claire D."),
        ("Élodie Dupont", "Élodie D."),
        # Accounts made before the rules: contact details are never shown.
        ("jan.desmet@example.org", "Anonymous"),
        ("Jan jan.desmet@example.org", "J."),
        ("Jan 0470 12 34 56", "J."),
        ("+32470123456", "Anonymous"),
        ("Jan (0470/12.34.56) Desmet", "Jan D."),
        ("", "Anonymous"),
        ("Erased user", "Anonymous"),
    ],
)
def test_pseudonym(full_name, expected):
    assert pseudonym(full_name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "jan.desmet@example.org",
        "Jan Desmet jan.desmet@example.org",
        "Jan Desmet <jan@example.org>",
        "jan@localhost",
        "0470 12 34 56",
        "+32470123456",
        "Jan 0470/12.34.56",
        "Jan Desmet 06 12 34 56 78",
        "Jan +31 6 12345678",
        "Jan 0032 470 12 34 56",
        "Jan 555-123456",
    ],
)
async def test_registration_refuses_contact_details_in_the_name(gql: GraphQLClient, name):
    data = await gql.data(REGISTER, email=unique_email(), name=name)
    assert data["accountRegister"] == {
        "token": None,
        "user": None,
        "errors": [{"field": "fullName", "code": "NAME_HAS_CONTACT_DETAILS"}],
    }
    assert await User.filter(full_name=name).count() == 0


@pytest.mark.parametrize("name", ["Jan De Smet", "Jan", "Anne-Sophie van der Berg", "Zoë 2e"])
async def test_ordinary_names_are_accepted(gql: GraphQLClient, name):
    data = await gql.data(REGISTER, email=unique_email(), name=name)
    assert data["accountRegister"]["errors"] == []


async def test_the_account_command_refuses_them_too(services):
    with pytest.raises(OperationFailed) as failure:
        await accounts.create_user(
            email=unique_email(),
            password="long enough pw",
            full_name="Agent 0470123456",
            role=Role.MODERATOR,
        )
    assert failure.value.errors[0].code == "NAME_HAS_CONTACT_DETAILS"


async def test_every_place_a_pseudonym_shows(services, gql: GraphQLClient):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer)
    # An account from before the rules, with a one-word name: shown as its initial.
    consumer = await make_user(services, name="Madonna")
    complaint = await make_complaint(services, consumer, company)
    await GraphQLClient(gql.http, consumer.token).data(
        'mutation($id: ID!) { messagePost(input: {complaintId: $id, body: "Nog steeds niets '
        'gehoord van jullie."}) { errors { code } } }',
        id=gid("Complaint", complaint.id),
    )
    query = """query($id: ID!) { complaint(id: $id) { consumer { pseudonym fullName }
      messages { edges { node { authorName } } } recentMessages { authorName } } }"""
    for token in (None, (await make_user(services, name="Piet Peeters")).token):
        data = await GraphQLClient(gql.http, token).data(query, id=gid("Complaint", complaint.id))
        found = data["complaint"]
        assert found["consumer"] == {"pseudonym": "M.", "fullName": None}
        assert [e["node"]["authorName"] for e in found["messages"]["edges"]] == ["M."]
        assert [m["authorName"] for m in found["recentMessages"]] == ["M."]
    # The consumer and the company read the name itself.
    own = await GraphQLClient(gql.http, consumer.token).data(
        query, id=gid("Complaint", complaint.id)
    )
    assert own["complaint"]["consumer"]["fullName"] == "Madonna"
