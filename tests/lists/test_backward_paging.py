"""Every connection pages backward (`last`/`before`) through the one shared pagination,
with `hasPreviousPage` and `hasNextPage` true answers."""

from __future__ import annotations

import importlib
from datetime import timedelta

from tortoise import connections

from amicable.models import Complaint, Escalation, Notification
from amicable.models.moderation import EscalationBasis
from amicable.resolvers import messages
from tests.factories import gid, make_company, make_complaint
from tests.moderation.conftest import as_role


async def _walk_back(client, query: str, path: list[str], **variables) -> list[str]:
    """Every item, read from the end two at a time."""
    items: list[str] = []
    before = None
    while True:
        data = await client.data(query, last=2, before=before, **variables)
        for key in path:
            data = data[key]
        items = [edge["cursor"] for edge in data["edges"]] + items
        assert data["pageInfo"]["hasNextPage"] is (before is not None)
        if not data["pageInfo"]["hasPreviousPage"]:
            return items
        before = data["pageInfo"]["startCursor"]


async def _all_forward(client, query: str, path: list[str], **variables) -> list[str]:
    data = await client.data(query, first=100, **variables)
    for key in path:
        data = data[key]
    assert data["pageInfo"]["hasPreviousPage"] is False
    return [edge["cursor"] for edge in data["edges"]]


PAGE = "edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor }"


async def test_every_kind_of_connection_pages_backward(services, cast, gql):
    services.settings.rate_limit_complaint_create = 100
    extra = [await make_company(cast.moderator.viewer, name) for name in ("Aquaflow", "Lux")]
    targets = [cast.company, cast.other_company, *extra]
    complaints = []
    for n in range(5):
        company = targets[n % len(targets)]
        complaints.append(await make_complaint(services, cast.owner, company, title=f"Klacht {n}"))
    thread = complaints[0]
    for n in range(5):
        await messages.post(
            services, cast.owner.viewer, thread.id, f"Bericht {n}: bel me op 0470 12 34 5{n}"
        )
    # Dossiers and notifications, a minute apart, two with the same moment (ties by ID).
    for n, complaint in enumerate(complaints):
        at = complaint.created_at + timedelta(minutes=n // 2)
        await Escalation.create(
            complaint_id=complaint.id, basis=EscalationBasis.NO_REPLY, created_at=at, updated_at=at
        )
        await Notification.create(
            user_id=cast.owner.user.id, kind="escalation.created", text=f"Nummer {n}", created_at=at
        )
    moderator = as_role(gql, cast, "moderator")
    partner = as_role(gql, cast, "partner")
    cases = [
        (
            gql,
            f"query($last: Int, $before: String, $first: Int) {{ companies(last: $last, "
            f"before: $before, first: $first) {{ {PAGE} }} }}",
            ["companies"],
            {},
        ),
        (
            partner,
            f"query($last: Int, $before: String, $first: Int) {{ companies(orderBy: SCORE, "
            f"last: $last, before: $before, first: $first) {{ {PAGE} }} }}",
            ["companies"],
            {},
        ),
        (
            gql,
            f"query($id: ID!, $last: Int, $before: String, $first: Int) {{ complaint(id: $id) "
            f"{{ messages(last: $last, before: $before, first: $first) {{ {PAGE} }} }} }}",
            ["complaint", "messages"],
            {"id": gid("Complaint", thread.id)},
        ),
        (
            moderator,
            f"query($last: Int, $before: String, $first: Int) {{ moderationQueue("
            f"status: [OPEN, DONE], last: $last, before: $before, first: $first) {{ {PAGE} }} }}",
            ["moderationQueue"],
            {},
        ),
        (
            as_role(gql, cast, "owner"),
            f"query($last: Int, $before: String, $first: Int) {{ "
            f"me {{ complaints(last: $last, before: $before, first: $first) {{ {PAGE} }} }} }}",
            ["me", "complaints"],
            {},
        ),
    ]
    for client, query, path, variables in cases:
        forward = await _all_forward(client, query, path, **variables)
        assert len(forward) >= 3, query
        assert await _walk_back(client, query, path, **variables) == forward, query


async def test_the_migration_folds_free_text_categories_onto_the_closed_set(services, cast):
    migration = importlib.import_module("amicable.models.migrations.0010_lists")
    complaint = await make_complaint(services, cast.owner, cast.company)
    client = connections.get("default")
    for raw, expected in (
        ("  Delivery ", "delivery"),
        ("Facturation", "billing"),
        ("levering", "delivery"),
        ("Vie privée", "privacy"),
        ("something else", "other"),
        ("refund", "refund"),
    ):
        await client.execute_query(
            "UPDATE complaint SET category = "
            + ("$1" if client.capabilities.dialect == "postgres" else "?")
            + " WHERE id = "
            + ("$2" if client.capabilities.dialect == "postgres" else "?"),
            [raw, str(complaint.id)],
        )
        for statement in migration._CATEGORY_SQL:
            await client.execute_script(statement)
        rows = await client.execute_query_dict(
            "SELECT category FROM complaint WHERE id = "
            + ("$1" if client.capabilities.dialect == "postgres" else "?"),
            [str(complaint.id)],
        )
        assert rows[0]["category"] == expected, raw
    # And the last activity of a complaint without published messages is its filing.
    await client.execute_script(migration._LAST_ACTIVITY_SQL)
    stored = await Complaint.get(id=complaint.id)
    assert stored.last_activity_at == stored.created_at
