"""Query cost: documents are measured with fragments expanded, before execution, in time
linear in their size; hostile ones are refused with QUERY_TOO_COSTLY and the figures."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    get_named_type,
    parse,
)
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from amicable.schema import build_schema
from amicable.schema.limits import PAGE_ARGUMENTS, DocumentMeter, Pages
from amicable.settings import Settings
from tests.conftest import GraphQLClient

SETTINGS = Settings(_env_file=None)  # type: ignore[call-arg]
SCHEMA = build_schema(SETTINGS)
PAGES = Pages(default=SETTINGS.page_size_default, cap=SETTINGS.partner_page_size_max)
# Generous (a shared machine): only says "does not hang"; an exponential walk of these
# documents would take hours.
NO_HANG = hypothesis_settings(
    deadline=timedelta(seconds=60),
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow],
)


def _naive_cost(document: str) -> int:
    """The cost by expanding every spread in place: exponential, for small documents only."""
    ast = parse(document)
    schema = SCHEMA._schema
    fragments = {d.name.value: d for d in ast.definitions if isinstance(d, FragmentDefinitionNode)}

    def cost(selections: Any, parent: Any) -> int:
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += 1
                if selection.selection_set is None:
                    continue
                field = parent.fields[selection.name.value]
                page = 1
                if any(name in field.args for name in PAGE_ARGUMENTS):
                    page = PAGES.default
                    for argument in selection.arguments:
                        if isinstance(argument.value, IntValueNode):
                            page = min(int(argument.value.value), PAGES.cap)
                total += page * cost(selection.selection_set, get_named_type(field.type))
            elif isinstance(selection, InlineFragmentNode):
                total += cost(selection.selection_set, parent)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments[selection.name.value]
                total += cost(
                    fragment.selection_set, schema.get_type(fragment.type_condition.name.value)
                )
        assert isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
        return total

    operation = next(d for d in ast.definitions if isinstance(d, OperationDefinitionNode))
    return cost(operation.selection_set, schema.query_type)


def _measure(document: str, variables: dict[str, Any] | None = None) -> int:
    meter = DocumentMeter(SCHEMA._schema, parse(document), PAGES, variables)
    operation = meter.operation(None)
    assert operation is not None
    return meter.measure(operation).cost


@st.composite
def small_documents(draw: st.DrawFn) -> str:
    """Complaint fragments spreading later ones, inside fields, connections and inline
    fragments: small enough to expand naively."""
    count = draw(st.integers(1, 4))
    fragments = []
    for index in range(count):
        later = [f"...F{j}" for j in range(index + 1, count)]
        pieces = ["id", "title", "company { name }", "recentMessages(count: 2) { id }"]
        if later:
            spread = draw(st.sampled_from(later))
            page = draw(st.integers(1, 4))
            pieces += [
                spread,
                f"... on Complaint {{ {spread} }}",
                f"company {{ complaints(first: {page}) {{ edges {{ node {{ {spread} }} }} }} }}",
            ]
        body = draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=4))
        fragments.append(f"fragment F{index} on Complaint {{ {' '.join(body)} }}")
    page = draw(st.integers(1, 5))
    operation = f"{{ complaints(first: {page}) {{ totalCount edges {{ node {{ ...F0 }} }} }} }}"
    return " ".join([operation, *fragments])


@given(small_documents())
@hypothesis_settings(deadline=None, max_examples=60)
def test_cost_matches_a_naive_expansion(document: str):
    assert _measure(document) == _naive_cost(document)


def test_page_sizes_come_from_literals_variables_defaults_and_are_capped():
    query = "query($n: Int = 7) { complaints(first: $n) { edges { node { id title } } } }"
    assert _measure(query) == 1 + 7 * (1 + 1 * (1 + 2))
    assert _measure(query, {"n": 50}) == 1 + 50 * 4
    assert _measure("{ complaints { edges { node { id } } } }") == 1 + PAGES.default * 3
    assert _measure("{ complaints(first: 100000) { edges { node { id } } } }") == 1 + 500 * 3


@st.composite
def hostile_documents(draw: st.DrawFn) -> str:
    """A few hundred tokens that expand to 2^levels fields or more: each level's fragment
    spreads the next several times, through plain spreads, inline fragments, merged fields
    or aliases."""
    levels = draw(st.integers(30, 60))
    fanout = draw(st.integers(2, 3))
    shape = draw(st.sampled_from(["spread", "inline", "field", "wrapper"]))
    if shape == "wrapper":
        fanout = 2  # within the token limit, which would refuse it first
    parts = ["query Hostile { ...F0 }"]
    for level in range(levels):
        nxt = f"...F{level + 1}"
        if shape == "spread":
            body = f"__typename {' '.join([f'...G{level}'] * fanout)}"
            parts.append(f"fragment G{level} on Query {{ {nxt} }}")
        elif shape == "inline":
            body = " ".join(f"... on Query {{ {nxt} }}" for _ in range(fanout))
        elif shape == "field":
            body = " ".join(f"__typename {nxt}" for _ in range(fanout))
        else:
            body = " ".join(f"... @include(if: true) {{ {nxt} }}" for _ in range(fanout))
        parts.append(f"fragment F{level} on Query {{ {body} }}")
    parts.append(f"fragment F{levels} on Query {{ __typename }}")
    return " ".join(parts)


@given(hostile_documents())
@NO_HANG
def test_hostile_documents_are_refused_before_execution(document: str):
    # The server executes asynchronously (its extensions have async hooks): so does this.
    result = asyncio.run(SCHEMA.execute(document))
    assert result.data is None and result.errors
    extensions = result.errors[0].extensions or {}
    assert extensions["code"] == "QUERY_TOO_COSTLY", result.errors
    assert extensions["cost"] > extensions["limit"] == SETTINGS.max_query_cost


@given(st.integers(2, 150))
@NO_HANG
def test_fragment_cycles_are_refused(length: int):
    cycle = " ".join(
        f"fragment F{i} on Query {{ __typename ...F{(i + 1) % length} ...F{(i + 1) % length} }}"
        for i in range(length)
    )
    result = asyncio.run(SCHEMA.execute(f"{{ ...F0 }} {cycle}"))
    assert result.errors
    assert {e.extensions["code"] for e in result.errors} == {"GRAPHQL_VALIDATION_FAILED"}
    assert any("within itself" in e.message for e in result.errors)


def test_a_long_chain_of_fragments_is_measured_without_recursion():
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(280))
    document = f"{{ ...F0 }} {chain} fragment F280 on Query {{ __typename }}"
    assert _measure(document) == 1


async def test_over_http_the_refusal_is_a_400_with_the_figures(gql: GraphQLClient, services):
    services.settings.max_query_cost = 100
    levels = " ".join(
        f"fragment F{i} on Query {{ __typename ...G{i} ...G{i} }} fragment G{i} on Query {{ ...F{i + 1} }}"  # noqa: E501
        for i in range(40)
    )
    response = await gql.http.post(
        "/graphql",
        json={"query": f"{{ ...F0 }} {levels} fragment F40 on Query {{ __typename }}"},
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 2**41 - 1, "limit": 100}
    # Within the limit, the same shape runs.
    small = "{ complaints(first: 3) { totalCount edges { node { id } } } }"
    assert (await gql.data(small))["complaints"]["totalCount"] == 0


async def test_cost_counts_variables_page_sizes(gql: GraphQLClient, services):
    services.settings.max_query_cost = 1_000
    query = (
        "query($n: Int!) { complaints(first: $n) { edges { node {"
        " messages(first: $n) { edges { node { id body } } } } } } }"
    )
    assert (await gql.execute(query, n=5)).get("errors") is None
    refused = await gql.execute(query, n=100)
    assert refused["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


async def test_requests_past_their_time_budget_answer_timeout(gql: GraphQLClient, services):
    # A budget no database round trip fits in: the request is cut at its first wait.
    services.settings.request_timeout_seconds = 1e-9
    response = await gql.http.post("/graphql", json={"query": "{ complaints { totalCount } }"})
    assert response.status_code == 503
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "TIMEOUT"
    # The next request runs normally (and, queued behind it on the database connection,
    # lets the cut query's work finish inside this test).
    services.settings.request_timeout_seconds = 30
    assert (await gql.data("{ complaints { totalCount } }"))["complaints"]["totalCount"] == 0


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }", "TOO_MANY_ALIASES"),
        (
            "{ complaints { edges { node { "
            + "company { complaints { edges { node { " * 3
            + "id"
            + " } } } }" * 3
            + " } } } }",
            "QUERY_TOO_DEEP",
        ),
    ],
)
async def test_depth_and_alias_refusals_carry_codes(gql: GraphQLClient, query: str, code: str):
    response = await gql.http.post("/graphql", json={"query": query})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == code
