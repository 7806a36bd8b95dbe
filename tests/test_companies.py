"""Companies: moderators create and correct them; everyone finds the listed ones."""

from __future__ import annotations

from amicable.models import AuditEntry, User
from amicable.models.enums import Language, Role
from tests.conftest import GraphQLClient
from tests.factories import gid, make_user

CREATE = """
mutation($input: CompanyCreateInput!) {
  companyCreate(input: $input) {
    company { id name slug listed aliases language contactPerson complaintAddresses { email } }
    errors { field code message }
  }
}"""
UPDATE = """
mutation($input: CompanyUpdateInput!) {
  companyUpdate(input: $input) { company { name slug listed complaintAddresses { email } }
                                 errors { field code } }
}"""


async def test_moderator_creates_and_corrects_a_company(gql, services):
    moderator = await make_user(services, Role.MODERATOR)
    mod = GraphQLClient(gql.http, moderator.token)
    created = await mod.data(
        CREATE,
        input={
            "name": "Électro Liège",
            "aliases": ["EL", "Electro Liege"],
            "language": "FR",
            "complaintAddresses": ["SAV@electroliege.example"],
            "contactPerson": "M. Dupont",
        },
    )
    company = created["companyCreate"]["company"]
    assert created["companyCreate"]["errors"] == []
    assert company["slug"] == "electro-liege"
    assert company["complaintAddresses"] == [{"email": "sav@electroliege.example"}]
    updated = await mod.data(
        UPDATE,
        input={
            "companyId": company["id"],
            "name": "Électro Liège SA",
            "complaintAddresses": ["plaintes@electroliege.example"],
        },
    )
    assert updated["companyUpdate"]["company"] == {
        "name": "Électro Liège SA",
        "slug": "electro-liege",
        "listed": True,
        "complaintAddresses": [{"email": "plaintes@electroliege.example"}],
    }
    actions = await AuditEntry.all().order_by("created_at").values_list("action", flat=True)
    assert list(actions) == ["company.create", "company.update"]

    # Search by alias; contacts are private to the company and moderators.
    found = await gql.data(
        '{ companies(search: "electro liege") { totalCount nodes { name '
        "contactPerson complaintAddresses { email } } } }"
    )
    assert found["companies"] == {
        "totalCount": 1,
        "nodes": [{"name": "Électro Liège SA", "contactPerson": None, "complaintAddresses": []}],
    }


async def test_company_errors(gql, services):
    moderator = await make_user(services, Role.MODERATOR)
    # Messages come in the account's language; this one reads English.
    await User.filter(id=moderator.user.id).update(language=Language.EN)
    mod = GraphQLClient(gql.http, moderator.token)
    await mod.data(CREATE, input={"name": "Telenova"})
    taken = await mod.data(CREATE, input={"name": "Other", "slug": "telenova"})
    assert taken["companyCreate"]["errors"] == [
        {"field": "slug", "code": "DUPLICATE", "message": "This slug is taken."}
    ]
    bad = await mod.data(CREATE, input={"name": "", "complaintAddresses": ["nope"]})
    assert {(e["field"], e["code"]) for e in bad["companyCreate"]["errors"]} == {
        ("name", "REQUIRED"),
        ("addresses", "INVALID"),
    }
    missing = await mod.data(UPDATE, input={"companyId": gid("Company", moderator.user.id)})
    assert missing["companyUpdate"]["errors"] == [{"field": "companyId", "code": "NOT_FOUND"}]


async def test_unlisted_companies_are_found_only_by_moderators_and_their_agents(gql, services):
    moderator = await make_user(services, Role.MODERATOR)
    mod = GraphQLClient(gql.http, moderator.token)
    created = await mod.data(CREATE, input={"name": "Stille Firma", "listed": False})
    company_id = created["companyCreate"]["company"]["id"]
    from amicable.models import Company

    company = await Company.get(slug="stille-firma")
    agent = await make_user(services, Role.AGENT, company=company)
    query = '{ company(slug: "stille-firma") { name contactPerson } }'
    assert (await gql.data(query)) == {"company": None}
    assert (await GraphQLClient(gql.http, agent.token).data(query))["company"][
        "name"
    ] == "Stille Firma"
    assert (await mod.data(query))["company"]["contactPerson"] == ""
    node = f'{{ node(id: "{company_id}") {{ id }} }}'
    assert (await gql.data(node)) == {"node": None}
