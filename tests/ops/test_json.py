"""GraphQL answers carry UTF-8 as it is, not as \\u escapes."""

from __future__ import annotations

from amicable.models.enums import Role
from tests.factories import gid, make_company, make_user


async def test_answers_keep_non_ascii_characters(services, gql):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer, name="Société Générale Ωmega 😀")
    response = await gql.http.post(
        "/graphql",
        json={
            "query": "query($id: ID!) { node(id: $id) { ... on Company { name } } }",
            "variables": {"id": gid("Company", company.id)},
        },
    )
    assert response.headers["content-type"].startswith("application/json")
    assert "Société Générale Ωmega 😀".encode() in response.content
    assert b"\\u" not in response.content
    assert response.json()["data"]["node"]["name"] == "Société Générale Ωmega 😀"
