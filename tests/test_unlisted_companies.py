"""No oracle through unlisted companies: filing against a typed name and address reveals
nothing about complaints others filed privately against the same address. The filer (and
the public, and every role but moderators and the company's own agents) sees the name typed
on that complaint, no slug and an id of the complaint's own, through every path; moderators
still see one record per address."""

from __future__ import annotations

from typing import Any

import pytest

from amicable.models import Company, Complaint, OutboxMail
from amicable.models.enums import Role, Visibility
from amicable.models.mail import RecipientKind
from amicable.resolvers import accounts, complaints, messages
from tests.conftest import GraphQLClient
from tests.factories import Actor, gid, make_company, make_user

CREATE = """mutation($input: ComplaintCreateInput!) { complaintCreate(input: $input) {
  complaint { id company { id name slug listed aliases language score { received }
    complaints { totalCount } } }
  errors { code } } }"""
COMPANY_FIELDS = "id name slug listed aliases complaints { totalCount edges { node { id } } }"
READ = f"""query($id: ID!) {{ complaint(id: $id) {{ company {{ {COMPANY_FIELDS} }}
  messages {{ edges {{ node {{ authorName }} }} }} }} }}"""
PROBE = """query($id: ID!, $slug: String!, $search: String!) {
  node(id: $id) { id }
  bySlug: company(slug: $slug) { id }
  companies(search: $search) { totalCount }
}"""

ADDRESS = "info@garage-janssens.example"


def _input(name: str, email: str, visibility: str = "PRIVATE") -> dict[str, Any]:
    return {
        "companyName": name,
        "companyEmail": email,
        "title": "Herstelling niet uitgevoerd",
        "description": "De garage rekende een herstelling aan die nooit werd uitgevoerd.",
        "visibility": visibility,
    }


async def _file(gql: GraphQLClient, actor: Actor, name: str, email: str, **kw: Any) -> dict:
    data = await GraphQLClient(gql.http, actor.token).data(CREATE, input=_input(name, email, **kw))
    assert data["complaintCreate"]["errors"] == []
    return data["complaintCreate"]["complaint"]


def _shape(company: dict) -> dict:
    return {k: v for k, v in company.items() if k != "id"}


async def test_filing_against_a_known_address_answers_as_against_a_new_one(services, gql):
    victim = await make_user(services, name="Els Peeters")
    attacker = await make_user(services, name="Piet Peeters")
    await _file(gql, victim, "Garage Janssens", ADDRESS)
    record = await Company.get(addresses__email=ADDRESS)

    matched = await _file(gql, attacker, "Autobedrijf X", ADDRESS.upper())
    fresh = await _file(gql, attacker, "Autobedrijf Y", "info@nobody-before.example")
    assert matched["company"]["name"] == "Autobedrijf X"
    assert matched["company"]["slug"] is None
    assert matched["company"]["id"] != gid("Company", record.id)
    # Same shape whether the address matched someone else's record or made a new one.
    assert _shape(matched["company"]) == {**_shape(fresh["company"]), "name": "Autobedrijf X"}
    assert matched["company"] == {
        "id": matched["company"]["id"],
        "name": "Autobedrijf X",
        "slug": None,
        "listed": False,
        "aliases": [],
        "language": "NL",
        "score": None,
        "complaints": {"totalCount": 1},
    }
    # Moderators still see one company per address.
    assert await Company.filter(addresses__email=ADDRESS).count() == 1
    assert await Complaint.filter(company_id=record.id).count() == 2

    # No other path gives the record away to the filer.
    me = GraphQLClient(gql.http, attacker.token)
    again = await me.data(READ, id=matched["id"])
    assert again["complaint"]["company"]["id"] == matched["company"]["id"]
    assert again["complaint"]["company"]["name"] == "Autobedrijf X"
    for probe in (
        {"id": gid("Company", record.id), "slug": record.slug, "search": "Garage"},
        {"id": matched["company"]["id"], "slug": "garage-janssens", "search": "Janssens"},
        {"id": matched["company"]["id"], "slug": "autobedrijf-x", "search": "Autobedrijf"},
    ):
        assert await me.data(PROBE, **probe) == {
            "node": None,
            "bySlug": None,
            "companies": {"totalCount": 0},
        }


async def test_unlisted_records_get_random_slugs(services, gql):
    consumer = await make_user(services)
    await _file(gql, consumer, "Kapsalon Lotte", "info@lotte.example")
    await _file(gql, consumer, "Kapsalon Lotte", "info@lotte-twee.example")
    slugs = [c.slug for c in await Company.filter(listed=False).order_by("created_at")]
    assert len(set(slugs)) == 2
    assert all(s.startswith("unlisted-") and "lotte" not in s for s in slugs)


ROLES = ("filer", "anonymous", "other_consumer", "other_agent", "partner", "lawyer")


@pytest.mark.parametrize("role", ROLES)
async def test_every_role_but_staff_and_the_company_sees_the_typed_name(role, services, gql):
    moderator = await make_user(services, Role.MODERATOR)
    first = await make_user(services, name="Els Peeters")
    filer = await make_user(services, name="Piet Peeters")
    await _file(gql, first, "Garage Janssens", ADDRESS)
    record = await Company.get(addresses__email=ADDRESS)
    agent = await make_user(services, Role.AGENT, company=record, name="Karel Janssens")
    filed = await _file(gql, filer, "Autobedrijf X", ADDRESS, visibility="PUBLIC")
    complaint = await Complaint.get(reference__isnull=False, consumer_id=filer.user.id)
    await messages.post(services, agent.viewer, complaint.id, "We bekijken uw dossier.")
    _, partner_key = await accounts.create_api_key(moderator.viewer, partner_name="Partner")
    tokens = {
        "filer": filer.token,
        "anonymous": None,
        "other_consumer": (await make_user(services, name="Ann Claes")).token,
        "other_agent": (
            await make_user(
                services, Role.AGENT, company=await make_company(moderator.viewer), name="Bo X"
            )
        ).token,
        "partner": partner_key,
        "lawyer": (await make_user(services, Role.LAWYER, name="Laura Advocaat")).token,
    }
    data = await GraphQLClient(gql.http, tokens[role]).data(READ, id=filed["id"])
    company = data["complaint"]["company"]
    assert company["name"] == "Autobedrijf X"
    assert company["slug"] is None
    assert company["id"] == filed["company"]["id"] != gid("Company", record.id)
    assert company["complaints"] == {"totalCount": 1, "edges": [{"node": {"id": filed["id"]}}]}
    assert data["complaint"]["messages"]["edges"] == [{"node": {"authorName": "Autobedrijf X"}}]


@pytest.mark.parametrize("role", ("moderator", "agent"))
async def test_moderators_and_the_companys_agents_see_the_record(role, services, gql):
    moderator = await make_user(services, Role.MODERATOR)
    first = await make_user(services, name="Els Peeters")
    filer = await make_user(services, name="Piet Peeters")
    await _file(gql, first, "Garage Janssens", ADDRESS)
    record = await Company.get(addresses__email=ADDRESS)
    agent = await make_user(services, Role.AGENT, company=record, name="Karel Janssens")
    filed = await _file(gql, filer, "Autobedrijf X", ADDRESS)
    token = moderator.token if role == "moderator" else agent.token
    data = await GraphQLClient(gql.http, token).data(READ, id=filed["id"])
    company = data["complaint"]["company"]
    assert company["id"] == gid("Company", record.id)
    assert (company["name"], company["slug"]) == ("Garage Janssens", record.slug)
    assert company["complaints"]["totalCount"] == 2


async def test_listing_the_company_shows_the_record_to_everyone(services, gql):
    moderator = await make_user(services, Role.MODERATOR)
    filer = await make_user(services)
    filed = await _file(gql, filer, "Garage Janssens", ADDRESS, visibility="PUBLIC")
    record = await Company.get(addresses__email=ADDRESS)
    data = await GraphQLClient(gql.http, moderator.token).data(
        """mutation($id: ID!) { companyUpdate(input: {companyId: $id, listed: true}) {
          company { slug listed } errors { code } } }""",
        id=gid("Company", record.id),
    )
    assert data["companyUpdate"] == {
        "company": {"slug": "garage-janssens", "listed": True},
        "errors": [],
    }
    public = await GraphQLClient(gql.http, None).data(READ, id=filed["id"])
    assert public["complaint"]["company"]["id"] == gid("Company", record.id)
    assert public["complaint"]["company"]["slug"] == "garage-janssens"


async def test_mail_and_export_to_the_filer_use_the_typed_name(services, gql):
    first = await make_user(services, name="Els Peeters")
    filer = await make_user(services, name="Piet Peeters")
    await _file(gql, first, "Garage Janssens", ADDRESS)
    record = await Company.get(addresses__email=ADDRESS)
    agent = await make_user(services, Role.AGENT, company=record, name="Karel Janssens")
    complaint = await complaints.create(
        services,
        filer.viewer,
        complaints.ComplaintDraft(
            title="Herstelling niet uitgevoerd",
            description="De garage rekende een herstelling aan die nooit werd uitgevoerd.",
            visibility=Visibility.PRIVATE,
            company_name="Autobedrijf X",
            company_email=ADDRESS,
        ),
    )
    await messages.post(services, agent.viewer, complaint.id, "We bekijken uw dossier.")
    mail = await OutboxMail.get(complaint_id=complaint.id, recipient_kind=RecipientKind.CONSUMER)
    assert "Autobedrijf X" in mail.content
    assert "Garage Janssens" not in mail.content
    data = await GraphQLClient(gql.http, filer.token).data(
        "mutation { accountExport { data errors { code } } }"
    )
    exported = data["accountExport"]["data"]
    assert [c["company"] for c in exported["complaints"]] == ["Autobedrijf X"]
    assert "Garage Janssens" not in str(exported)
