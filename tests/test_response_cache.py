"""The public response cache: answers shared by anonymous viewers, retired by any write to
public data in any process, and anonymous GET reads with persisted queries and ETags."""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import json
from pathlib import Path

import httpx
import pytest

from amicable.models.enums import Role
from amicable.resolvers import messages
from amicable.schema.relay import global_id
from amicable.settings import Settings
from tests.conftest import GraphQLClient
from tests.factories import make_company, make_complaint, make_user
from tests.test_e2e import _start, _stop
from tests.test_feed_queries import counting_sql

FEED = "{ complaints(first: 20) { edges { node { reference title } } } }"
HASH = hashlib.sha256(FEED.encode()).hexdigest()
SET_VISIBILITY = """mutation($id: ID!, $visibility: Visibility!) {
  complaintSetVisibility(input: {complaintId: $id, visibility: $visibility}) {
    errors { code } } }"""


def _references(answer: dict) -> list[str]:
    data = answer.get("data", answer)
    return [e["node"]["reference"] for e in data["complaints"]["edges"]]


async def _public_complaint(services):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer)
    consumer = await make_user(services, name="Anna Peeters")
    complaint = await make_complaint(services, consumer, company)
    return consumer, complaint


@pytest.mark.e2e
async def test_a_complaint_turned_private_leaves_every_process_cache(
    settings: Settings, services, tmp_path: Path
):
    consumer, complaint = await _public_complaint(services)
    complaint_id = global_id("Complaint", complaint.id)
    first = _start(settings, tmp_path / "one")
    second = _start(settings, tmp_path / "two")
    try:
        for server in (first, second):
            # Twice each: the second answer comes from the process's cache.
            for _ in range(3):
                assert _references(server.graphql(FEED)) == [complaint.reference]
        switched = first.graphql(
            SET_VISIBILITY, consumer.token, id=complaint_id, visibility="PRIVATE"
        )
        assert switched["data"]["complaintSetVisibility"]["errors"] == []
        assert _references(second.graphql(FEED)) == []
        assert _references(first.graphql(FEED)) == []
    finally:
        _stop(first)
        _stop(second)


async def test_cached_answers_follow_writes_in_process(gql: GraphQLClient, services):
    consumer, complaint = await _public_complaint(services)
    for _ in range(3):
        assert _references(await gql.data(FEED)) == [complaint.reference]
    second = await make_complaint(services, consumer, complaint.company)  # type: ignore[arg-type]
    assert _references(await gql.data(FEED)) == [second.reference, complaint.reference]


async def test_signed_in_viewers_are_never_served_from_the_shared_cache(
    client: httpx.AsyncClient, services
):
    consumer, _ = await _public_complaint(services)
    own = "{ me { fullName } }"
    for _ in range(3):
        anonymous = await client.post("/graphql", json={"query": own})
        assert anonymous.json() == {"data": {"me": None}}
    signed_in = await client.post(
        "/graphql", json={"query": own}, headers={"Authorization": f"Bearer {consumer.token}"}
    )
    assert signed_in.json() == {"data": {"me": {"fullName": "Anna Peeters"}}}


async def test_conditional_get_is_304_until_a_write_changes_the_answer(
    client: httpx.AsyncClient, services
):
    consumer, complaint = await _public_complaint(services)
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": HASH}})
    unknown = await client.get("/graphql", params={"extensions": extensions})
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

    registered = await client.get("/graphql", params={"query": FEED, "extensions": extensions})
    assert _references(registered.json()) == [complaint.reference]
    answer = await client.get("/graphql", params={"extensions": extensions})
    assert answer.status_code == 200
    assert answer.headers["cache-control"].startswith("public, max-age=")
    etag = answer.headers["etag"]
    for _ in range(2):
        again = await client.get(
            "/graphql", params={"extensions": extensions}, headers={"If-None-Match": etag}
        )
        assert again.status_code == 304
        assert again.content == b""

    await messages.post(services, consumer.viewer, complaint.id, "Nog altijd geen antwoord.")
    await make_complaint(services, consumer, complaint.company)  # type: ignore[arg-type]
    changed = await client.get(
        "/graphql", params={"extensions": extensions}, headers={"If-None-Match": etag}
    )
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert len(_references(changed.json())) == 2


async def test_persisted_query_with_a_wrong_hash_is_refused(client: httpx.AsyncClient, db):
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    response = await client.post("/graphql", json={"query": FEED, "extensions": extensions})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"


async def test_bad_variables_over_get_are_a_client_error(client: httpx.AsyncClient, db):
    response = await client.get("/graphql", params={"query": FEED, "variables": "{nope"})
    assert response.status_code == 400


async def test_mutations_over_get_are_refused(client: httpx.AsyncClient, db):
    response = await client.get(
        "/graphql",
        params={
            "query": 'mutation { accountLogin(input: {email: "a@b.c", password: "x"}) { token } }'
        },
    )
    assert response.status_code in (400, 405)


async def test_a_persisted_mutation_over_post_runs(client: httpx.AsyncClient, db):
    mutation = 'mutation { complaintCreate(input: {companyName: "X"}) { errors { code } } }'
    digest = hashlib.sha256(mutation.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    first = await client.post("/graphql", json={"query": mutation, "extensions": extensions})
    second = await client.post("/graphql", json={"extensions": extensions})
    assert second.json() == first.json()


async def test_a_cached_answer_costs_one_statement_until_it_ages(
    gql: GraphQLClient, services, settings: Settings
):
    await _public_complaint(services)
    for _ in range(2):
        await gql.data(FEED)
    with counting_sql() as counter:
        await gql.data(FEED)
    assert len(counter.statements) == 1, counter.statements  # the generation, nothing else
    # Answers that change with time alone (a deadline passing) are recomputed when old.
    services.settings.response_cache_ttl_seconds = 1e-9
    with counting_sql() as counter:
        await gql.data(FEED)
    assert len(counter.statements) > 1


async def test_cached_answers_are_kept_per_language(client: httpx.AsyncClient, db):
    # Words the viewer reads (a category's label) follow Accept-Language: a French visitor
    # must never be served the answer computed for a Dutch one.
    query = "{ categories { value label } }"
    labels: dict[str, list[str]] = {}
    for language in ("nl", "fr", "en", "nl-BE", "fr-BE,fr;q=0.9"):
        for _ in range(3):
            response = await client.post(
                "/graphql", json={"query": query}, headers={"Accept-Language": language}
            )
            assert response.status_code == 200
            labels.setdefault(language, [c["label"] for c in response.json()["data"]["categories"]])
            assert [c["label"] for c in response.json()["data"]["categories"]] == labels[language]
    assert labels["nl"] != labels["fr"] != labels["en"]
    assert labels["nl-BE"] == labels["nl"]
    assert labels["fr-BE,fr;q=0.9"] == labels["fr"]


async def test_a_public_get_answer_varies_by_language(client: httpx.AsyncClient, db):
    response = await client.get(
        "/graphql", params={"query": "{ categories { label } }"}, headers={"Accept-Language": "fr"}
    )
    assert response.status_code == 200
    assert "accept-language" in response.headers["vary"].lower()


async def test_readers_missing_together_share_one_computation(gql: GraphQLClient, services):
    # Right after a write every reader misses; they wait for the first one's answer instead
    # of each running the feed's statements again.
    consumer, complaint = await _public_complaint(services)
    for _ in range(2):
        await gql.data(FEED)
    await make_complaint(services, consumer, complaint.company)  # type: ignore[arg-type]
    with counting_sql() as one:
        await gql.data(FEED)
    per_miss = len(one.statements) - 1  # less its generation read
    assert per_miss >= 2, one.statements
    await make_complaint(services, consumer, complaint.company)  # type: ignore[arg-type]
    with counting_sql() as together:
        answers = await asyncio.gather(*(gql.data(FEED) for _ in range(10)))
    assert len({json.dumps(a, sort_keys=True) for a in answers}) == 1
    assert len(_references(answers[0])) == 3
    # Ten generation reads and one computation, not ten.
    assert len(together.statements) < 10 + 2 * per_miss, together.statements


async def test_every_public_table_keeps_its_generation_trigger(db):
    """A later migration that rebuilds a table (SQLite does for most column changes) drops
    its triggers; the cache would then miss that table's writes."""
    from tortoise import connections

    cache_migration = importlib.import_module("amicable.models.migrations.0011_response_cache")
    connection = connections.get("default")
    if connection.capabilities.dialect == "sqlite":
        query = "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = (
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE '%cache_generation%'"
        )
    _, rows = await connection.execute_query(query)
    with_trigger = {next(iter(dict(row).values())) for row in rows}
    assert set(cache_migration.PUBLIC_TABLES) | {"user_account"} <= with_trigger
