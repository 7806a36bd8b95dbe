"""The leak hunt's query check: every query path (a complaint by id, by reference and as a
node, its messages, the lists with their totalCount, search, each company's page, the
moderation queue and the escalations) as one viewer, against `amicable.policy` on rows
reloaded from the database. A denied complaint must answer exactly like a missing one."""

from __future__ import annotations

import json
import uuid
from typing import Any

from amicable import policy
from amicable.models import Company, Complaint, Escalation, Message
from amicable.schema.relay import global_id
from tests.reliability.leak_world import Seat, World

# The files ride along (`leak_files` reads them): one request per viewer asks about all.
PER_COMPLAINT = """
  n{i}: node(id: "{gid}") {{ id ... on Complaint {{
    messages(first: 100) {{ nodes {{ id attachments {{ id private url }} }} }} }} }}
  c{i}: complaint(id: "{gid}") {{
    id privateDetails {{ __typename }} attachments {{ id private url }} }}
  r{i}: complaint(reference: "{ref}") {{ id }}
"""
LISTS = """
  all: complaints(first: 100) { totalCount nodes { id } }
  found: complaints(first: 100, filter: {text: "Internet"}) { totalCount nodes { id } }
"""
PER_COMPANY = """
  p{i}: company(slug: "{slug}") {{ complaints(first: 100) {{ totalCount nodes {{ id }} }} }}
"""
DENIED_VS_MISSING = """query($id: ID!, $ref: String!) {
  node(id: $id) { id }
  complaint(id: $id) { id title }
  byRef: complaint(reference: $ref) { id }
}"""
STAFF_LISTS = """{
  moderationQueue(first: 100) { totalCount nodes { id } }
  escalations(first: 100) { totalCount nodes { id } }
}"""


async def check_queries(
    world: World,
    seat: Seat,
    rows: list[Complaint],
    all_messages: list[Message],
    companies: list[Company],
) -> dict[str, Any]:
    """The answers, for the file check to read the same request's files."""
    viewer = seat.viewer
    assert viewer is not None
    token = seat.credential
    visible = {global_id("Complaint", c.id) for c in rows if policy.can_see_complaint(viewer, c)}
    by_id = {global_id("Complaint", c.id): c for c in rows}
    parts = [
        PER_COMPLAINT.format(i=i, gid=global_id("Complaint", c.id), ref=c.reference)
        for i, c in enumerate(rows)
    ]
    parts += [PER_COMPANY.format(i=i, slug=c.slug) for i, c in enumerate(companies)]
    data = await world.query("{" + "".join(parts) + LISTS + "}", token)
    for i, complaint in enumerate(rows):
        gid = global_id("Complaint", complaint.id)
        allowed = gid in visible
        for key in (f"n{i}", f"c{i}", f"r{i}"):
            got = data[key]
            assert (got is not None) == allowed, (seat.label, key, complaint.visibility, got)
        if not allowed:
            continue
        details = data[f"c{i}"]["privateDetails"]
        assert (details is not None) == policy.can_see_private_details(viewer, complaint)
        seen = {node["id"] for node in data[f"n{i}"]["messages"]["nodes"]}
        allowed_messages = {
            global_id("Message", m.id)
            for m in all_messages
            if m.complaint_id == complaint.id and policy.can_see_message(viewer, complaint, m)
        }
        assert seen == allowed_messages, (seat.label, complaint.id)
    for key in ("all", "found"):
        listed = {node["id"] for node in data[key]["nodes"]}
        assert listed <= visible, (seat.label, key, listed - visible)
        assert data[key]["totalCount"] == len(data[key]["nodes"]), (seat.label, key)
    for i, company in enumerate(companies):
        page = data[f"p{i}"]
        if page is None:
            continue
        listed = {node["id"] for node in page["complaints"]["nodes"]}
        assert listed <= visible, (seat.label, company.slug, listed - visible)
        assert page["complaints"]["totalCount"] == len(listed)
        assert all(by_id[g].company_id == company.id for g in listed)
    denied = [c for c in rows if global_id("Complaint", c.id) not in visible]
    if denied:
        await _denied_looks_missing(world, token, denied[0])
    await _staff_lists(world, token, viewer)
    return data


async def _denied_looks_missing(world: World, token: str | None, complaint: Complaint) -> None:
    real = global_id("Complaint", complaint.id)
    fake = global_id("Complaint", uuid.uuid4())
    answer = await world.post_graphql(DENIED_VS_MISSING, token, id=real, ref=complaint.reference)
    missing = await world.post_graphql(DENIED_VS_MISSING, token, id=fake, ref="AM-ZZZZZZ")
    assert json.dumps(answer).replace(real, fake) == json.dumps(missing)


async def _staff_lists(world: World, token: str | None, viewer: policy.Viewer) -> None:
    answer: dict[str, Any] = await world.post_graphql(STAFF_LISTS, token)
    data = answer.get("data") or {}
    if not policy.can_moderate(viewer):
        assert not data.get("moderationQueue"), (viewer, answer)
    if not (policy.can_handle_escalations(viewer) or viewer.user_id):
        assert not data.get("escalations"), (viewer, answer)
    mine = data.get("escalations")
    if mine and not policy.can_handle_escalations(viewer):
        # A consumer's own escalations only.
        own = {
            global_id("Escalation", e.id)
            for e in await Escalation.filter(complaint__consumer_id=viewer.user_id)
        }
        assert {n["id"] for n in mine["nodes"]} <= own


async def check_withdrawn(world: World, seat: Seat) -> None:
    """A credential that no longer works opens nothing: UNAUTHENTICATED, not anonymous."""
    answer = await world.post_graphql("{ complaints(first: 1) { totalCount } }", seat.credential)
    assert answer.get("data") is None, (seat.label, answer)
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", answer
