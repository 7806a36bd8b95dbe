"""Bad input of every kind answers a 400 or a payload error with a code: never HTTP 500,
never "Unexpected error.". The text-input sweep walks the schema itself, so an argument or
input field added later is covered without a new test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cross_web import HTTPException
from graphql import (
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    get_named_type,
    is_composite_type,
)
from hypothesis import given
from hypothesis import strategies as st

from amicable.schema import build_schema
from amicable.schema.http_edge import decode_body
from amicable.schema.inputs import MULTILINE, max_length, text_error
from amicable.settings import Settings
from tests.conftest import GraphQLClient

SCHEMA = build_schema(Settings(_env_file=None))._schema  # type: ignore[call-arg]
CONTROL_CHARACTERS = ["\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u2029"]


# --- the HTTP edge ------------------------------------------------------------------------

BAD_BODIES = [
    (b'\xff\xfe{"query": "{ me { email } }"}', "application/json"),
    (b'{"query": "{ __typename }", "x": "\xc3\x28"}', "application/json"),
    (b'{"query": "{ __typename \xed\xa0\x80 }"}', "application/json"),  # encoded surrogate
    (b"\x00\x00\x00", "application/json"),
    (b"", "application/json"),
    (b"{not json", "application/json"),
    (b"42", "application/json"),
    (b"-1.5e3", "application/json"),
    (b'"{ __typename }"', "application/json"),
    (b"null", "application/json"),
    (b"true", "application/json"),
    (b"[]", "application/json"),
    (b'[{"query": "{ __typename }"}]', "application/json"),
    (b"[" * 50_000 + b"]" * 50_000, "application/json"),
    (b'{"query": 5}', "application/json"),
    (b'{"query": ["{ __typename }"]}', "application/json"),
    (b'{"query": {"a": 1}}', "application/json"),
    (b'{"query": "{ __typename }", "variables": [1]}', "application/json"),
    (b'{"query": "{ __typename }", "variables": "{}"}', "application/json"),
    (b'{"query": "{ __typename }", "variables": 3}', "application/json"),
    (b'{"query": "{ __typename }", "operationName": 5}', "application/json"),
    (b'{"query": "{ __typename }", "operationName": {}}', "application/json"),
    (b'{"query": "{ __typename }", "extensions": []}', "application/json"),
    (b'{"query": "{ __typename }"}', "text/plain"),
    (b'{"query": "{ __typename }"}', "application/x-www-form-urlencoded"),
    (b'{"query": "{ __typename }"}', "application/xml"),
    (b'{"query": "{ __typename }"}', ""),
    (b"--b\r\n\r\n--b--", "multipart/form-data; boundary=b"),
]


@pytest.mark.parametrize(("body", "content_type"), BAD_BODIES)
async def test_broken_bodies_answer_400_with_a_code(gql: GraphQLClient, body, content_type):
    headers = {"content-type": content_type} if content_type else {}
    if content_type.startswith("multipart/"):
        # Past the cross-site check (a multipart request needs a preflight header), so the
        # body itself is what is refused.
        headers["GraphQL-Require-Preflight"] = "1"
    response = await gql.http.post("/graphql", content=body, headers=headers)
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert error["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"query": ""},
        {"query": None},
        {},
        {"query": "{ __typename", "variables": None},
        {"query": "{ __typename }", "operationName": "Missing"},
        {"query": "mutation { nosuch }"},
        {"query": "{ complaints(first: 99999999999) { totalCount } }"},
        {
            "query": "query($n: Int) { complaints(first: $n) { totalCount } }",
            "variables": {"n": "x"},
        },
    ],
)
async def test_unusable_operations_answer_400_with_a_code(gql: GraphQLClient, body):
    response = await gql.http.post("/graphql", json=body)
    assert response.status_code == 400, response.text
    for error in response.json()["errors"]:
        assert error["extensions"]["code"], error


@given(st.binary(max_size=200))
def test_any_bytes_decode_to_an_object_or_a_400(data: bytes):
    try:
        body = decode_body(data)
    except HTTPException as error:
        assert error.status_code == 400
    else:
        assert isinstance(body, dict | list)


@given(st.text(max_size=300))
def test_text_rules_never_fail_otherwise_than_with_a_code(value: str):
    for name in ("title", "body", "id", "after", "search"):
        error = text_error(name, value)
        if error is not None:
            assert error.extensions is not None
            assert error.extensions["code"] == "INVALID_INPUT"
            assert error.extensions["field"] == name


# --- every text input, found in the schema -----------------------------------------------


def _declare(kind: GraphQLInputType) -> str:
    return str(kind)


def _text_paths(
    kind: GraphQLInputType, path: tuple[str, ...], depth: int = 0
) -> Iterator[tuple[tuple[str, ...], bool]]:
    """Every (path, is a list) under an input type where a String or ID goes."""
    inner = kind.of_type if isinstance(kind, GraphQLNonNull) else kind
    is_list = isinstance(inner, GraphQLList)
    named = get_named_type(kind)
    if isinstance(named, GraphQLScalarType) and named.name in ("String", "ID"):
        yield path, is_list
    elif isinstance(named, GraphQLInputObjectType) and depth < 4 and not is_list:
        for name, field in named.fields.items():
            yield from _text_paths(field.type, (*path, name), depth + 1)


def _sweep() -> Iterator[tuple[str, str, tuple[str, ...], bool]]:
    """(document, argument, path inside the variable, is a list) for every text input."""
    roots = [("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type)]
    roots.append(("subscription", SCHEMA.subscription_type))
    for operation, root in roots:
        assert root is not None
        for field_name, field in root.fields.items():
            for argument_name, argument in field.args.items():
                for path, is_list in _text_paths(argument.type, (argument_name,)):
                    yield (
                        _document(operation, field_name, field, argument_name, argument.type),
                        field_name,
                        path,
                        is_list,
                    )


def _document(
    operation: str, field_name: str, field: GraphQLField, argument: str, kind: GraphQLInputType
) -> str:
    selection = " { __typename }" if is_composite_type(get_named_type(field.type)) else ""
    return f"{operation}($v: {_declare(kind)}) {{ {field_name}({argument}: $v){selection} }}"


SWEEP = list(_sweep())


def _variable(path: tuple[str, ...], is_list: bool, value: str) -> Any:
    leaf: Any = [value] if is_list else value
    for name in reversed(path[1:]):
        leaf = {name: leaf}
    return leaf


def test_the_sweep_covers_the_schemas_text_inputs():
    covered = {path[-1] for _, _, path, _ in SWEEP}
    assert {"title", "body", "fullName", "search", "after", "id", "complaintId", "slug"} <= covered
    assert len(SWEEP) > 60


@pytest.mark.parametrize(("document", "field", "path", "is_list"), SWEEP)
async def test_every_text_input_refuses_control_characters_and_length(
    gql: GraphQLClient, document: str, field: str, path: tuple[str, ...], is_list: bool
):
    name = path[-1]
    bad_values = [f"a{char}b" for char in CONTROL_CHARACTERS]
    bad_values.append("x" * (max_length(name) + 1))
    bad_values.append("a\rb")  # a lone CR is a line break in no field
    if name not in MULTILINE:
        bad_values += ["one\ntwo", "one\r\ntwo", "one\ttwo"]
    for value in bad_values:
        response = await gql.http.post(
            "/graphql",
            json={"query": document, "variables": {"v": _variable(path, is_list, value)}},
        )
        assert response.status_code == 400, (field, path, repr(value), response.text)
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "INVALID_INPUT", error
        assert error["extensions"]["field"] == name


async def test_literal_text_in_the_document_obeys_the_same_rules(gql: GraphQLClient):
    result = await gql.execute('{ companies(search: "a\\u2028b") { totalCount } }')
    assert result["errors"][0]["extensions"]["field"] == "search"
    long_id = "Q" * 500
    result = await gql.execute(f'{{ node(id: "{long_id}") {{ id }} }}')
    assert result["errors"][0]["extensions"]["reason"] == "TOO_LONG"


async def test_multi_line_fields_keep_tabs_and_line_breaks(gql: GraphQLClient, services):
    from tests.factories import make_user

    consumer = await make_user(services)
    client = GraphQLClient(gql.http, consumer.token)
    filed = await client.data(
        """mutation($input: ComplaintCreateInput!) { complaintCreate(input: $input) {
            complaint { description } errors { code field } } }""",
        input={
            "companyName": "Fietsen Vandamme",
            "companyEmail": "info@fietsenvandamme.example",
            "title": "Fiets nog steeds defect",
            "description": "Na de herstelling:\n\twerkt de motor niet.\r\nNog altijd niet.",
            "visibility": "PUBLIC",
        },
    )
    assert filed["complaintCreate"]["errors"] == []


# --- malformed IDs and cursors ------------------------------------------------------------

JUNK = [
    "",
    " ",
    "!!!",
    "Q29tcGxhaW50Om5vdC1hLXV1aWQ=",
    "=" * 40,
    "Y29tcGxhaW50Og==",
    "%00",
    "é",
    "A" * 17,
    "a" * 65,
    "a" * 121,
    "b" * 199,
]


@pytest.mark.parametrize("junk", JUNK)
async def test_malformed_ids_and_cursors_never_fail_unexpectedly(gql: GraphQLClient, junk: str):
    queries = [
        ("query($v: ID!) { node(id: $v) { id } }", None),
        ("query($v: ID) { complaint(id: $v) { id } }", None),
        ("query($v: String) { complaint(reference: $v) { id } }", None),
        ("query($v: String!) { company(slug: $v) { name } }", None),
        ("query($v: String) { companies(search: $v) { totalCount } }", None),
        ("query($v: ID) { complaints(filter: {company: $v}) { totalCount } }", None),
        ("query($v: String) { complaints(after: $v) { totalCount } }", "INVALID"),
        ("query($v: String) { companies(after: $v) { totalCount } }", "INVALID"),
    ]
    for query, code in queries:
        response = await gql.http.post("/graphql", json={"query": query, "variables": {"v": junk}})
        assert response.status_code in (200, 400), response.text
        body = response.json()
        for error in body.get("errors") or []:
            assert error["message"] != "Unexpected error.", (query, junk)
            assert error["extensions"]["code"], error
        if code and junk and body.get("errors"):
            assert body["errors"][0]["extensions"]["code"] == code
