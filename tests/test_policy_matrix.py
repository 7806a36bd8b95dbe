"""The visibility matrix: every role x public/private x published/pending x every read path.

Each role asks the same questions through the GraphQL API; the expected answers come from
PRODUCT.md section 3, written out here by hand, not derived from the policy under test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from amicable.mail.outbound import links
from amicable.models import CompanyAddress, Complaint, Message
from amicable.models.enums import (
    AuthorKind,
    Channel,
    ComplaintStatus,
    Language,
    ModerationState,
    Role,
)
from amicable.models.enums import Visibility as V
from amicable.policy import ViewerKind
from amicable.resolvers import accounts, magic_links, messages, onboarding
from tests.accounts.mailed import complaint_link, last_token
from tests.conftest import GraphQLClient
from tests.factories import gid, make_company, make_complaint, make_user

# Each kind of viewer, in the situations it is tried in (a consumer as the complaint's owner
# and as a stranger, an agent of the company and of another one, agents who came through
# onboarding, who see exactly what an agent made otherwise sees). The rows are read from
# the enum itself: a new kind of viewer without its situations here fails at collection.
SITUATIONS: dict[ViewerKind, list[str]] = {
    ViewerKind.ANONYMOUS: ["anonymous"],
    ViewerKind.CONSUMER: ["owner", "other_consumer"],
    ViewerKind.AGENT: ["agent", "other_agent", "invited_agent", "claimed_agent"],
    ViewerKind.MODERATOR: ["moderator"],
    ViewerKind.LAWYER: ["lawyer"],
    ViewerKind.PARTNER: ["partner"],
    # The reply link in the "public" complaint's mail to the company.
    ViewerKind.COMPANY_LINK: ["link"],
}
ROLES = [name for kind in ViewerKind for name in SITUATIONS[kind]]

# Which complaints each role may know exist.
SEES = {
    "anonymous": {"public", "public_redacted"},
    "owner": {
        "public",
        "public_redacted",
        "private",
        "public_pending",
        "private_pending",
        "private_escalated",
    },
    "other_consumer": {"public", "public_redacted"},
    "agent": {"public", "public_redacted", "private", "private_escalated"},
    "other_agent": {"public", "public_redacted"},
    "moderator": {
        "public",
        "public_redacted",
        "private",
        "public_pending",
        "private_pending",
        "private_escalated",
    },
    "lawyer": {"public", "public_redacted", "private_escalated"},
    "partner": {"public", "public_redacted"},
    "invited_agent": {"public", "public_redacted", "private", "private_escalated"},
    "claimed_agent": {"public", "public_redacted", "private", "private_escalated"},
    # Its own complaint and nothing else, not even the other public ones.
    "link": {"public"},
}

# Who reads the consumer's identity, the private part and original (unmasked) text.
PRIVATE_READERS = {"owner", "agent", "moderator", "invited_agent", "claimed_agent", "link"}
# Lawyers read private details only on escalated dossiers.
ESCALATED_PRIVATE_READERS = PRIVATE_READERS | {"lawyer"}
# Who sees a message waiting for moderation, written by the owner.
PENDING_MESSAGE_READERS = {"owner", "moderator"}
# Who sees the address a mailed reply came from.
SENDER_ADDRESS_READERS = {"agent", "moderator", "invited_agent", "claimed_agent", "link"}

ALL = [
    "public",
    "public_redacted",
    "private",
    "public_pending",
    "private_pending",
    "private_escalated",
]


@dataclass
class World:
    tokens: dict[str, str | None]
    complaints: dict[str, Complaint]
    pending_message: Message
    mailed_reply: Message
    company_slug: str


@pytest.fixture
async def world(services) -> World:
    moderator = await make_user(services, Role.MODERATOR, name="Mona Moderator")
    company = await make_company(moderator.viewer, "Telenova")
    other_company = await make_company(moderator.viewer, "Brusselse Energie")
    owner = await make_user(services, name="Jan De Smet")
    other = await make_user(services, name="Els Peeters")
    agent = await make_user(services, Role.AGENT, name="Agent Telenova", company=company)
    other_agent = await make_user(services, Role.AGENT, name="Agent Energie", company=other_company)
    lawyer = await make_user(services, Role.LAWYER, name="Laura Advocaat")
    _, partner_key = await accounts.create_api_key(moderator.viewer, partner_name="Dashboards")

    made: dict[str, Complaint] = {}
    for key in ALL:
        visibility = V.PUBLIC if key.startswith("public") else V.PRIVATE
        made[key] = await make_complaint(
            services, owner, company, visibility=visibility, title=f"Complaint {key}"
        )
    # States that later issues reach through moderation and escalation, set directly here.
    for key in ("public_pending", "private_pending"):
        await Complaint.filter(id=made[key].id).update(status=ComplaintStatus.PENDING_MODERATION)
    await Complaint.filter(id=made["private_escalated"].id).update(escalated_at=datetime.now(UTC))
    await Complaint.filter(id=made["public_redacted"].id).update(
        public_description="Bel me op [telefoonnummer verwijderd].",
        is_redacted=True,
        description="Bel me op 0470 12 34 56.",
    )
    for key in made:
        made[key] = await Complaint.get(id=made[key].id)

    public = made["public"]
    await messages.post(services, agent.viewer, public.id, "Wij bekijken uw klacht.")
    pending = await Message.create(
        complaint=public,
        author_kind=AuthorKind.CONSUMER,
        author_user_id=owner.user.id,
        channel=Channel.WEB,
        body="Nog een vraag.",
        public_body="Nog een vraag.",
        moderation_state=ModerationState.PENDING,
        created_at=datetime.now(UTC),
    )
    mailed = await Message.create(
        complaint=public,
        author_kind=AuthorKind.COMPANY,
        channel=Channel.EMAIL,
        body="Per mail: opgelost.",
        public_body="Per mail: opgelost.",
        sender_email="support@telenova.example",
        created_at=datetime.now(UTC),
    )
    invited, claimed = await _onboarded_agents(services, moderator.viewer, company)
    tokens: dict[str, str | None] = {
        "invited_agent": invited,
        "claimed_agent": claimed,
        "link": await complaint_link(made["public"].id),
        "anonymous": None,
        "owner": owner.token,
        "other_consumer": other.token,
        "agent": agent.token,
        "other_agent": other_agent.token,
        "moderator": moderator.token,
        "lawyer": lawyer.token,
        "partner": partner_key,
    }
    return World(tokens, made, pending, mailed, company.slug)


async def _onboarded_agents(services, moderator, company) -> tuple[str, str]:
    """An agent by invitation and one by an approved claim, through the real operations."""
    await onboarding.invite_agent(services, moderator, company.id, "invited@agents.example")
    invitation = await last_token("invited@agents.example")
    invited = await onboarding.accept_invitation(
        services, invitation, password="een lang wachtwoord", full_name="Ines", language=Language.NL
    )
    (address,) = await CompanyAddress.filter(company_id=company.id).values_list("email", flat=True)
    staff = await make_user(services, name="Cas Claim", email=f"cas@{str(address).split('@')[1]}")
    claim = await onboarding.claim(services, staff.viewer, company.id)
    await onboarding.confirm_claim(services, await last_token(staff.user.email))
    await onboarding.decide_claim(services, moderator, claim.id, approve=True)
    return invited.token, staff.token


COMPLAINT_FIELDS = """
  id reference title description isRedacted visibility status
  consumer { pseudonym fullName email }
  privateDetails { customerReference phone postalAddress }
  company { name }
"""


def _as(gql: GraphQLClient, world: World, role: str) -> GraphQLClient:
    return GraphQLClient(gql.http, world.tokens[role])


def _key_of(world: World, reference: str) -> str:
    return next(k for k, c in world.complaints.items() if c.reference == reference)


@pytest.mark.parametrize("role", ROLES)
async def test_lists_and_counts_show_exactly_the_visible_complaints(role, world, gql):
    client = _as(gql, world, role)
    data = await client.data(
        "query { complaints(first: 50) { totalCount edges { node { reference } } } }"
    )
    seen = {_key_of(world, e["node"]["reference"]) for e in data["complaints"]["edges"]}
    assert seen == SEES[role]
    assert data["complaints"]["totalCount"] == len(SEES[role])

    data = await client.data(
        "query($slug: String!) { company(slug: $slug) { complaints(first: 50) {"
        " totalCount edges { node { reference } } } } }",
        slug=world.company_slug,
    )
    company_list = data["company"]["complaints"]
    assert {_key_of(world, e["node"]["reference"]) for e in company_list["edges"]} == SEES[role]
    assert company_list["totalCount"] == len(SEES[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", ALL)
async def test_single_complaint_by_id_reference_and_node(role, key, world, gql):
    client = _as(gql, world, role)
    complaint = world.complaints[key]
    complaint_id = gid("Complaint", complaint.id)
    data = await client.data(
        f"query($id: ID!, $ref: String!) {{"
        f" byId: complaint(id: $id) {{ {COMPLAINT_FIELDS} }}"
        f" byRef: complaint(reference: $ref) {{ reference }}"
        f" node(id: $id) {{ ... on Complaint {{ reference }} }} }}",
        id=complaint_id,
        ref=complaint.reference,
    )
    if key not in SEES[role]:
        # Exactly as a complaint that does not exist: null, and no error to tell them apart.
        assert data == {"byId": None, "byRef": None, "node": None}
        return
    assert data["byRef"] == {"reference": complaint.reference}
    assert data["node"] == {"reference": complaint.reference}
    found = data["byId"]
    readers = ESCALATED_PRIVATE_READERS if key == "private_escalated" else PRIVATE_READERS
    assert found["consumer"]["pseudonym"] == "Jan D."
    if role in readers:
        assert found["consumer"] == {
            "pseudonym": "Jan D.",
            "fullName": "Jan De Smet",
            "email": found["consumer"]["email"],
        }
        assert found["consumer"]["email"].endswith("@example.org")
        assert found["privateDetails"] == {
            "customerReference": "KL-778899",
            "phone": "+32 470 12 34 56",
            "postalAddress": "Kerkstraat 1, 9000 Gent",
        }
    else:
        assert found["consumer"] == {"pseudonym": "Jan D.", "fullName": None, "email": None}
        assert found["privateDetails"] is None
    if key == "public_redacted":
        assert found["isRedacted"] is True
        expected = (
            "Bel me op 0470 12 34 56."
            if role in readers
            else "Bel me op [telefoonnummer verwijderd]."
        )
        assert found["description"] == expected


@pytest.mark.parametrize("role", ROLES)
async def test_thread_hides_pending_messages_and_private_addresses(role, world, gql):
    client = _as(gql, world, role)
    public = world.complaints["public"]
    data = await client.data(
        "query($id: ID!) { complaint(id: $id) {"
        " messages { totalCount edges { node { id body senderAddress authorName } } }"
        " recentMessages(count: 10) { id } } }",
        id=gid("Complaint", public.id),
    )
    thread = data["complaint"]["messages"]
    ids = {e["node"]["id"] for e in thread["edges"]}
    recent = {m["id"] for m in data["complaint"]["recentMessages"]}
    pending_id = gid("Message", world.pending_message.id)
    if role in PENDING_MESSAGE_READERS:
        assert pending_id in ids and pending_id in recent
        assert thread["totalCount"] == 3
    else:
        assert pending_id not in ids and pending_id not in recent
        assert thread["totalCount"] == 2
    assert ids == recent
    mailed = next(e["node"] for e in thread["edges"] if e["node"]["body"] == "Per mail: opgelost.")
    expected_address = "support@telenova.example" if role in SENDER_ADDRESS_READERS else None
    assert mailed["senderAddress"] == expected_address
    assert mailed["authorName"] == "Telenova"

    node = await client.data(
        "query($id: ID!) { node(id: $id) { ... on Message { body } } }", id=pending_id
    )
    assert (node["node"] is not None) == (role in PENDING_MESSAGE_READERS)


@pytest.mark.parametrize("role", ROLES)
async def test_text_search_never_matches_hidden_complaints_or_masked_text(role, world, gql):
    client = _as(gql, world, role)
    data = await client.data(
        'query { complaints(filter: {text: "Complaint"}) {'
        " totalCount edges { node { reference } } } }"
    )
    assert data["complaints"]["totalCount"] == len(SEES[role])
    # The masked phone number is not searchable, even for those who may read it.
    data = await client.data('query { complaints(filter: {text: "0470"}) { totalCount } }')
    assert data["complaints"]["totalCount"] == 0


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("anonymous", "partner")])
@pytest.mark.parametrize("key", ["private", "private_pending"])
async def test_mutations_on_hidden_complaints_answer_not_found(role, key, world, gql):
    client = _as(gql, world, role)
    complaint_id = gid("Complaint", world.complaints[key].id)
    result = await client.data(
        'mutation($id: ID!) { messagePost(input: {complaintId: $id, body: "Hallo?"}) {'
        " message { id } complaint { id } errors { code message field } } }",
        id=complaint_id,
    )
    payload = result["messagePost"]
    if key in SEES[role]:
        # Visible: either allowed, or refused for a reason that reveals nothing new.
        assert payload["errors"] == [] or payload["errors"][0]["code"] in (
            "NOT_ALLOWED",
            "INVALID_STATE",
        )
        return
    missing = await client.data(
        'mutation($id: ID!) { messagePost(input: {complaintId: $id, body: "Hallo?"}) {'
        " errors { code message field } } }",
        id=gid("Complaint", world.pending_message.id),
    )
    assert payload["message"] is None and payload["complaint"] is None
    assert payload["errors"] == missing["messagePost"]["errors"]
    assert payload["errors"][0]["code"] == "NOT_FOUND"


READ_PATHS = [
    "query($id: ID!) { complaint(id: $id) { reference } }",
    "query($id: ID!) { node(id: $id) { id } }",
    "query { complaints(first: 5) { totalCount } }",
    "query { me { email } }",
]


@pytest.mark.parametrize("kind", ["expired", "revoked", "forged", "other_secret", "mailed_token"])
async def test_dead_links_and_mailed_tokens_open_nothing_and_say_so_alike(
    kind, world, gql, services
):
    """An expired or withdrawn reply link, a forged one, and the single-use tokens of mailed
    account links (which are no credentials at all) answer exactly as an unknown token."""
    public = world.complaints["public"]
    link = world.tokens["link"]
    assert link is not None
    if kind == "expired":
        issued = datetime.now(UTC) - timedelta(days=services.settings.reply_link_days + 1)
        credential = links.make(services.settings, public.id, "x@telenova.example", issued)
    elif kind == "revoked":
        moderator = await accounts.authenticate(services, world.tokens["moderator"] or "")
        assert moderator is not None
        await magic_links.revoke(services, moderator, public.id, link)
        credential = link
    elif kind == "forged":
        credential = link[:-4] + ("0000" if not link.endswith("0000") else "1111")
    elif kind == "other_secret":
        credential = "aml_" + link[4:].upper()
    else:
        credential = await last_token("invited@agents.example")
    unknown = GraphQLClient(gql.http, "amt_unknown")
    client = GraphQLClient(gql.http, credential)
    for query in READ_PATHS:
        expected = await unknown.execute(query, id=gid("Complaint", public.id))
        assert expected["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
        assert await client.execute(query, id=gid("Complaint", public.id)) == expected
