"""What the platform knows to be private is masked in every public text, for every role
that may not read the original: the thread's consumer's name (whole, reversed, in parts),
email address, phone number, postal address and customer reference, and the company
agents' addresses; in titles, descriptions, desired solutions, the consumer's own messages
and the company's replies; in lists, search and `node` as in `complaint`."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from amicable.models import Complaint, Message, User
from amicable.models.enums import Outcome, Role, Visibility
from amicable.resolvers import accounts, complaints, messages
from tests.conftest import GraphQLClient
from tests.factories import Actor, gid, make_company, make_user

NAME = "Jan Desmet"
EMAIL = "jan.desmet@example.org"
AGENT_EMAIL = "sofie.peeters@telenova.be"
PRIVATE = {
    "customer_reference": "KL-2024-55881",
    "phone": "0470 12 34 56",
    "postal_address": "Kerkstraat 12\n9000 Gent",
}
# Every way the facts come back in text, and what must never be readable publicly.
TITLE = "JAN DESMÉT wacht op terugbetaling"
DESCRIPTION = (
    "Ik ben desmet, jan (klant KL 2024 55881). Mijn adres: Kerkstraat 12, 9000 Gent.\n"
    "Bel me op +32470123456 of 0470/12.34.56, of mail jan.desmet (at) example (dot) org."
)
DESIRED = "Terugbetaling aan Jan\nDesmet op het adres kerkstraat  12."
CONSUMER_MESSAGE = "Nog steeds niets.\n\nGroeten,\nJAN\n  DESMET\nKerkstraat nr. 12"
AGENT_MESSAGE = (
    "Beste Jan,\n\nGeachte heer Desmet, wij storten het bedrag terug op klantnummer "
    "KL2024-55881.\n\nSofie (sofie.peeters (at) telenova (dot) be)"
)
SECRETS = [
    "jan",
    "desmet",
    "desmét",
    "55881",
    "kerkstraat",
    "9000 gent",
    "470",
    "sofie.peeters",
    "example",
]
READ_ORIGINAL = ("owner", "agent", "moderator", "lawyer_on_dossier")
READ_PUBLIC = ("anonymous", "other_consumer", "other_agent", "partner", "lawyer")

QUERY = """query($id: ID!) {
  complaint(id: $id) { title description desiredSolution isRedacted
    messages { edges { node { body isRedacted } } }
    recentMessages(count: 5) { body } }
  node(id: $id) { ... on Complaint { title description desiredSolution } }
  complaints(first: 10) { edges { node { title description
    recentMessages(count: 5) { body } } } }
}"""


@dataclass
class Thread:
    tokens: dict[str, str | None]
    complaint: Complaint
    owner: Actor
    agent: Actor


@pytest.fixture
async def thread(services) -> Thread:
    moderator = await make_user(services, Role.MODERATOR, name="Mona Moderator")
    company = await make_company(moderator.viewer)
    other_company = await make_company(moderator.viewer, "Otherco")
    owner = await make_user(services, name=NAME, email=EMAIL)
    agent = await make_user(
        services, Role.AGENT, company=company, name="Sofie Peeters", email=AGENT_EMAIL
    )
    complaint = await complaints.create(
        services,
        owner.viewer,
        complaints.ComplaintDraft(
            title=TITLE,
            description=DESCRIPTION,
            desired_solution=DESIRED,
            visibility=Visibility.PUBLIC,
            company_id=company.id,
            **PRIVATE,
        ),
    )
    await messages.post(services, owner.viewer, complaint.id, CONSUMER_MESSAGE)
    await messages.post(services, agent.viewer, complaint.id, AGENT_MESSAGE)
    _, partner_key = await accounts.create_api_key(moderator.viewer, partner_name="Partner")
    tokens = {
        "anonymous": None,
        "owner": owner.token,
        "agent": agent.token,
        "moderator": moderator.token,
        "other_consumer": (await make_user(services, name="Piet Peeters")).token,
        "other_agent": (
            await make_user(services, Role.AGENT, company=other_company, name="Ann Claes")
        ).token,
        "partner": partner_key,
        "lawyer": (await make_user(services, Role.LAWYER, name="Laura Advocaat")).token,
    }
    return Thread(tokens, complaint, owner, agent)


def _texts(data: dict) -> list[str]:
    found = data["complaint"]
    texts = [found["title"], found["description"], found["desiredSolution"]]
    texts += [e["node"]["body"] for e in found["messages"]["edges"]]
    texts += [m["body"] for m in found["recentMessages"]]
    node = data["node"]
    texts += [node["title"], node["description"], node["desiredSolution"]]
    for edge in data["complaints"]["edges"]:
        texts += [edge["node"]["title"], edge["node"]["description"]]
        texts += [m["body"] for m in edge["node"]["recentMessages"]]
    return texts


async def _read(gql: GraphQLClient, thread: Thread, role: str) -> dict:
    token = thread.tokens["lawyer" if role == "lawyer_on_dossier" else role]
    return await GraphQLClient(gql.http, token).data(
        QUERY, id=gid("Complaint", thread.complaint.id)
    )


@pytest.mark.parametrize("role", READ_PUBLIC)
async def test_the_public_never_reads_the_threads_private_facts(role, thread, gql):
    data = await _read(gql, thread, role)
    texts = _texts(data)
    assert len(texts) == 14
    for text in texts:
        for secret in SECRETS:
            assert secret not in text.lower(), (secret, text)
    found = data["complaint"]
    assert found["title"] == "[naam verwijderd] wacht op terugbetaling"
    assert found["isRedacted"] is True
    assert all(e["node"]["isRedacted"] for e in found["messages"]["edges"])
    bodies = [e["node"]["body"] for e in found["messages"]["edges"]]
    assert bodies[0].endswith("Groeten,\n[naam verwijderd]\n[adres verwijderd]")
    assert bodies[1].startswith("Beste [naam verwijderd],\n\nGeachte heer [naam verwijderd],")
    assert "[klantnummer verwijderd]" in bodies[1]
    assert "[e-mailadres verwijderd]" in bodies[1]
    assert "[telefoonnummer verwijderd]" in found["description"]


@pytest.mark.parametrize("role", READ_ORIGINAL)
async def test_the_author_company_moderators_and_lawyers_read_the_original(
    role, thread, gql, services
):
    if role == "lawyer_on_dossier":
        await Complaint.filter(id=thread.complaint.id).update(escalated_at=services.now())
    data = await _read(gql, thread, role)
    found = data["complaint"]
    assert (found["title"], found["description"], found["desiredSolution"]) == (
        TITLE,
        DESCRIPTION,
        DESIRED,
    )
    assert [e["node"]["body"] for e in found["messages"]["edges"]] == [
        CONSUMER_MESSAGE,
        AGENT_MESSAGE,
    ]
    # They are told the public version differs.
    assert found["isRedacted"] is True


async def test_text_stored_before_the_rule_is_masked_when_read(thread, gql, services):
    # As stored by an older version (or imported history): the public copy holds the name.
    await Complaint.filter(id=thread.complaint.id).update(
        public_title="Klacht van Jan Desmet", is_redacted=False
    )
    await Message.filter(complaint_id=thread.complaint.id).update(
        public_body="Groeten, Jan Desmet, Kerkstraat 12", is_redacted=False
    )
    data = await _read(gql, thread, "anonymous")
    assert data["complaint"]["title"] == "Klacht van [naam verwijderd]"
    assert data["complaint"]["isRedacted"] is True
    assert {e["node"]["body"] for e in data["complaint"]["messages"]["edges"]} == {
        "Groeten, [naam verwijderd], [adres verwijderd]"
    }


async def test_facts_changed_later_are_masked_too(thread, gql):
    await Message.filter(complaint_id=thread.complaint.id).update(
        public_body="Met vriendelijke groet, Janneke Vermeulen-Claes"
    )
    await User.filter(id=thread.owner.user.id).update(full_name="Janneke Vermeulen-Claes")
    data = await _read(gql, thread, "anonymous")
    bodies = {e["node"]["body"] for e in data["complaint"]["messages"]["edges"]}
    assert bodies == {"Met vriendelijke groet, [naam verwijderd]"}


SEARCH = """query($text: String!) { complaints(filter: {text: $text}) {
  totalCount edges { node { reference } } } }"""


@pytest.mark.parametrize(
    "text", ["Desmet", "desmét", "Jan Desmet", "JAN", "55881", "Kerkstraat 12", "jan.desmet"]
)
async def test_search_does_not_find_a_complaint_by_its_private_facts(text, thread, gql):
    # Even where the stored public copy predates masking.
    await Complaint.filter(id=thread.complaint.id).update(
        public_title=f"Klacht {TITLE}", public_description=DESCRIPTION
    )
    for role in READ_PUBLIC:
        client = GraphQLClient(gql.http, thread.tokens[role])
        data = await client.data(SEARCH, text=text)
        assert data["complaints"]["totalCount"] == 0, (role, text)
    # The public words still find it.
    data = await GraphQLClient(gql.http, None).data(SEARCH, text="terugbetaling")
    assert data["complaints"]["totalCount"] == 1


async def test_search_over_new_text_searches_the_masked_version(thread, gql):
    for text in ("Desmet", "JAN DESM", "KL 2024"):
        data = await GraphQLClient(gql.http, None).data(SEARCH, text=text)
        assert data["complaints"]["totalCount"] == 0, text


async def test_ordinary_words_that_contain_a_name_stay(services, gql):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer)
    owner = await make_user(services, name="An De Smet")
    complaint = await complaints.create(
        services,
        owner.viewer,
        complaints.ComplaintDraft(
            title="Levering in januari bleef uit",
            description="An order from Jansen Smeets an de Smetstraat kwam nooit aan, an error.",
            visibility=Visibility.PUBLIC,
            company_id=company.id,
        ),
    )
    data = await GraphQLClient(gql.http, None).data(
        "query($id: ID!) { complaint(id: $id) { title description isRedacted } }",
        id=gid("Complaint", complaint.id),
    )
    assert data["complaint"] == {
        "title": "Levering in januari bleef uit",
        # A two-letter given name is masked only where written with a capital.
        "description": "[naam verwijderd] order from Jansen Smeets an de Smetstraat kwam nooit "
        "aan, an error.",
        "isRedacted": True,
    }


async def test_any_address_in_old_public_text_is_masked_when_read(thread, gql):
    # Imported history with an agent's address in it, never through the arrival screening.
    await Message.filter(complaint_id=thread.complaint.id).update(
        public_body="Mail ons: sofie.peeters@telenova.be of bel 02 123 45 67."
    )
    data = await _read(gql, thread, "anonymous")
    assert {e["node"]["body"] for e in data["complaint"]["messages"]["edges"]} == {
        "Mail ons: [e-mailadres verwijderd] of bel [telefoonnummer verwijderd]."
    }


async def test_the_closing_comment_is_public_text_too(thread, gql, services):
    await complaints.close(
        services,
        thread.owner.viewer,
        thread.complaint.id,
        Outcome.RESOLVED,
        "Opgelost, dank je Sofie! Groeten, Jan Desmet (0470 12 34 56)",
    )
    query = "query($id: ID!) { complaint(id: $id) { feedbackComment } }"
    complaint_id = gid("Complaint", thread.complaint.id)
    public = await GraphQLClient(gql.http, None).data(query, id=complaint_id)
    assert public["complaint"]["feedbackComment"] == (
        "Opgelost, dank je Sofie! Groeten, [naam verwijderd] ([telefoonnummer verwijderd])"
    )
    own = await GraphQLClient(gql.http, thread.owner.token).data(query, id=complaint_id)
    assert own["complaint"]["feedbackComment"].endswith("Jan Desmet (0470 12 34 56)")
