"""Hostile and broken requests get a clear error and change nothing."""

from __future__ import annotations

from tests.conftest import GraphQLClient


async def test_deep_queries_are_refused(gql: GraphQLClient, services):
    services.settings.max_query_depth = 12
    nested = "company { complaints { edges { node { " * 4 + "id" + " } } } }" * 4
    result = await gql.execute(f"{{ complaints {{ edges {{ node {{ {nested} }} }} }} }}")
    assert result["errors"][0]["message"].startswith("'anonymous' exceeds maximum operation depth")


async def test_alias_floods_are_refused(gql: GraphQLClient):
    aliases = " ".join(f"a{i}: me {{ email }}" for i in range(40))
    result = await gql.execute(f"{{ {aliases} }}")
    assert "aliases found" in result["errors"][0]["message"]


async def test_token_floods_are_refused(gql: GraphQLClient):
    fields = " ".join("__typename" for _ in range(3000))
    result = await gql.execute(f"{{ {fields} }}")
    assert result["errors"][0]["message"] == (
        "Syntax Error: Document contains more than 2000 tokens. Parsing aborted."
    )


async def test_oversized_bodies_are_refused_before_parsing(gql: GraphQLClient):
    response = await gql.http.post(
        "/graphql",
        content=b'{"query": "{ me { email } }", "x": "' + b"a" * 300_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"] == {"code": "TOO_LARGE"}


async def test_validation_errors_stay_readable(gql: GraphQLClient):
    result = await gql.execute("{ complaints { nosuchfield } }")
    assert result["errors"][0]["message"] == (
        "Cannot query field 'nosuchfield' on type 'ComplaintConnection'."
    )
    broken = await gql.http.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400


async def test_page_size_is_capped_and_negative_refused(gql: GraphQLClient):
    result = await gql.execute("{ complaints(first: -1) { totalCount } }")
    assert result["errors"][0]["message"] == "first must not be negative."


async def test_malformed_ids_answer_like_missing_ones(gql: GraphQLClient):
    for bad in ("", "bm90IGEgZ2xvYmFsIGlk", "Q29tcGxhaW50Om5vdC1hLXV1aWQ=", "!!!"):
        data = await gql.data(
            "query($id: ID!) { node(id: $id) { id } complaint(id: $id) { id } }", id=bad
        )
        assert data == {"node": None, "complaint": None}


async def test_health(gql: GraphQLClient):
    response = await gql.http.get("/healthz")
    assert response.json() == {"status": "ok"}


async def test_partners_page_in_bulk_others_are_capped(gql: GraphQLClient, services):
    from amicable.models.enums import Role
    from amicable.resolvers import accounts
    from tests.factories import make_company, make_complaint, make_user

    services.settings.page_size_max = 3
    services.settings.partner_page_size_max = 5
    services.settings.rate_limit_complaint_create = 100
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer)
    consumer = await make_user(services)
    for _ in range(6):
        await make_complaint(services, consumer, company)
    _, key = await accounts.create_api_key(moderator.viewer, partner_name="Dashboards")
    query = "{ complaints(first: 50) { totalCount edges { node { id } } } }"
    anonymous = (await gql.data(query))["complaints"]
    partner = (await GraphQLClient(gql.http, key).data(query))["complaints"]
    assert (anonymous["totalCount"], len(anonymous["edges"])) == (6, 3)
    assert (partner["totalCount"], len(partner["edges"])) == (6, 5)
