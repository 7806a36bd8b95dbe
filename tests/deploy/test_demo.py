"""`amicable serve --demo` shows every feature, read through GraphQL as each role sees it."""

from __future__ import annotations

from tests.deploy.processes import Server


def token(server: Server, email: str) -> str:
    answer = server.graphql(
        'mutation($e: String!) { tokenCreate(input: {email: $e, password: "demo-password"})'
        " { token errors { code } } }",
        e=email,
    )
    result = answer["data"]["tokenCreate"]
    assert result["token"], result["errors"]
    return str(result["token"])


def test_several_companies_scored_with_different_labels(demo_server):
    # Rankings are a bulk read: partners' keys and moderators.
    moderator = token(demo_server, "moderator@example.org")
    answer = demo_server.graphql(
        "{ companies(orderBy: SCORE, first: 20) { nodes { slug score { value label } } } }",
        moderator,
    )
    scored = [c for c in answer["data"]["companies"]["nodes"] if c["score"]["value"] is not None]
    assert len(scored) >= 3, answer
    labels = {c["score"]["label"] for c in scored}
    assert len(labels) >= 3, scored
    values = [c["score"]["value"] for c in scored]
    assert values == sorted(values, reverse=True), "ranked best first"
    assert scored[0]["slug"] == "telenova" and scored[-1]["slug"] == "immo-namur"


def test_moderation_queue_has_every_kind(demo_server):
    moderator = token(demo_server, "moderator@example.org")
    answer = demo_server.graphql(
        "{ moderationQueue(status: [OPEN], first: 50) { nodes { kind reason } } }", moderator
    )
    kinds = {item["kind"] for item in answer["data"]["moderationQueue"]["nodes"]}
    expected = demo_server.graphql('{ __type(name: "ModerationItemKind") { enumValues { name } } }')
    every_kind = {v["name"] for v in expected["data"]["__type"]["enumValues"]}
    assert kinds == every_kind, (kinds, every_kind)


def test_escalation_with_a_lawyers_note(demo_server):
    lawyer = token(demo_server, "lawyer@example.org")
    answer = demo_server.graphql(
        "{ escalations { nodes { status complaint { title } assignedLawyer { __typename }"
        " notes { body } } } }",
        lawyer,
    )
    [escalation] = answer["data"]["escalations"]["nodes"]
    assert escalation["status"] == "IN_PROGRESS"
    assert escalation["notes"] and "Ingebrekestelling" in escalation["notes"][0]["body"]


def test_notifications_for_the_consumer(demo_server):
    jan = token(demo_server, "jan.desmet@example.org")
    answer = demo_server.graphql("{ notifications { nodes { kind text } } }", jan)
    kinds = {n["kind"] for n in answer["data"]["notifications"]["nodes"]}
    assert {"ESCALATION_CREATED", "ESCALATION_UPDATED", "MODERATION_REJECTED"} <= kinds, kinds


def test_held_reply_is_not_in_the_public_thread(demo_server):
    answer = demo_server.graphql(
        "{ complaints(first: 50) { nodes { title messages { edges { node { body } } } } } }"
    )
    bodies = [
        edge["node"]["body"]
        for node in answer["data"]["complaints"]["nodes"]
        for edge in node["messages"]["edges"]
    ]
    assert bodies, "the demo has public threads"
    assert not any("bankgegevens" in body for body in bodies)
