"""How the GraphQL layer logs what clients get wrong: one line, no traceback."""

from __future__ import annotations

import logging

import pytest

from tests.conftest import GraphQLClient


@pytest.fixture
def records(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="amicable.graphql")
    caplog.set_level(logging.DEBUG, logger="strawberry")
    return caplog


def _ours(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    names = ("amicable.graphql", "strawberry.execution")
    return [r for r in caplog.get_records("call") if r.name in names]


async def test_a_client_mistake_is_one_info_line_without_traceback(gql: GraphQLClient, records):
    await gql.execute("query Typo { complaintz { totalCount } }")
    await gql.execute("query Private { moderationQueue { totalCount } }")
    lines = _ours(records)
    assert [(r.levelname, r.exc_info) for r in lines] == [("INFO", None), ("INFO", None)]
    assert (
        lines[0]
        .getMessage()
        .startswith("refused Typo: GRAPHQL_VALIDATION_FAILED Cannot query field")
    )
    assert (
        lines[1].getMessage() == "refused Private: UNAUTHENTICATED moderationQueue Unauthenticated"
    )


async def test_hitting_a_limit_on_hostile_queries_is_a_warning(gql: GraphQLClient, records):
    aliases = " ".join(f"a{i}: me {{ email }}" for i in range(40))
    await gql.execute(f"query Flood {{ {aliases} }}")
    [line] = _ours(records)
    assert line.levelname == "WARNING" and line.exc_info is None
    assert "aliases found" in line.getMessage()


async def test_a_bad_variable_value_is_not_quoted(gql: GraphQLClient, records):
    await gql.execute(
        "query Page($first: Int) { complaints(first: $first) { totalCount } }",
        first="hunter2-secret",
    )
    [line] = _ours(records)
    assert line.getMessage() == "refused Page: INVALID_REQUEST invalid variable value"
