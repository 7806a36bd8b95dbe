"""The visibility matrix for attachments: every kind of viewer x public/private file x
public/private/escalated complaint x published/held/rejected message x erased account,
through GraphQL (listed? `url`?) and through the download route itself (a link signed for
this viewer to a file they may not have answers exactly as a missing file).

Expected answers are written out by hand from the rules, not derived from the policy.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from amicable.infra import attachment_links
from amicable.models import Attachment, Complaint, Message
from amicable.models.enums import AuthorKind, Channel, ModerationState, Role
from amicable.models.enums import Visibility as V
from amicable.resolvers import accounts, data_rights
from amicable.resolvers.attachments import holder_of
from tests.conftest import GraphQLClient
from tests.factories import gid, make_company, make_complaint, make_user
from tests.test_policy_matrix import ROLES

EVERYONE = set(ROLES)
PRIVATE_READERS = {"owner", "agent", "moderator"}

# Each file: where it hangs, and who may list it and who may download it.
LISTED: dict[str, set[str]] = {
    "public_file_on_public": EVERYONE,
    "private_file_on_public": PRIVATE_READERS,
    "public_file_on_private": {"owner", "agent", "moderator"},
    "private_file_on_private": PRIVATE_READERS,
    "public_file_on_escalated": {"owner", "agent", "moderator", "lawyer"},
    "private_file_on_escalated": PRIVATE_READERS | {"lawyer"},
    # On the owner's message waiting for moderation, and on one a moderator rejected.
    "public_file_on_held_message": {"owner", "moderator"},
    "private_file_on_held_message": {"owner", "moderator"},
    "public_file_on_rejected_message": {"owner", "moderator"},
    # A company's mailed file: private by default.
    "mailed_file": PRIVATE_READERS,
    # Mailed but refused (too big, type): listed with the reason, never downloadable.
    "mailed_refused_file": PRIVATE_READERS,
    # The erased consumer's files: the private one's bytes are gone.
    "erased_public_file": EVERYONE,
    "erased_private_file": {"agent", "moderator"},
}
DOWNLOADABLE = {
    **LISTED,
    "mailed_refused_file": set(),
    "erased_private_file": set(),
}


@dataclass
class World:
    tokens: dict[str, str | None]
    files: dict[str, Attachment]
    complaint_of: dict[str, str]  # file -> the global ID of its complaint


async def _file(services, complaint: Complaint, name: str, *, private: bool, message=None):
    key = f"attachments/{complaint.id}/{name}.txt"
    await services.attachments.put(key, f"contents of {name}".encode())
    return await Attachment.create(
        complaint_id=complaint.id,
        message_id=message.id if message else None,
        filename=f"{name}.txt",
        content_type="text/plain",
        size=len(name) + 12,
        private=private,
        storage_key=key,
    )


async def _message(complaint, state: ModerationState, owner, *, kind=AuthorKind.CONSUMER):
    return await Message.create(
        complaint=complaint,
        author_kind=kind,
        author_user_id=owner.user.id if kind is AuthorKind.CONSUMER else None,
        channel=Channel.WEB if kind is AuthorKind.CONSUMER else Channel.EMAIL,
        body=f"Bericht {state.value}",
        public_body=f"Bericht {state.value}",
        moderation_state=state,
        created_at=datetime.now(UTC),
    )


@pytest.fixture
async def world(services) -> World:
    moderator = await make_user(services, Role.MODERATOR, name="Mona Moderator")
    company = await make_company(moderator.viewer, "Telenova")
    other_company = await make_company(moderator.viewer, "Brusselse Energie")
    owner = await make_user(services, name="Jan De Smet")
    erased = await make_user(services, name="Piet Weg")
    other = await make_user(services, name="Els Peeters")
    agent = await make_user(services, Role.AGENT, name="Agent Telenova", company=company)
    other_agent = await make_user(services, Role.AGENT, name="Agent Energie", company=other_company)
    lawyer = await make_user(services, Role.LAWYER, name="Laura Advocaat")
    _, partner_key = await accounts.create_api_key(moderator.viewer, partner_name="Dashboards")

    public = await make_complaint(services, owner, company, visibility=V.PUBLIC)
    private = await make_complaint(services, owner, company, visibility=V.PRIVATE)
    escalated = await make_complaint(services, owner, company, visibility=V.PRIVATE)
    await Complaint.filter(id=escalated.id).update(escalated_at=datetime.now(UTC))
    of_erased = await make_complaint(services, erased, company, visibility=V.PUBLIC)
    held = await _message(public, ModerationState.PENDING, owner)
    rejected = await _message(public, ModerationState.REJECTED, owner)
    mailed = await _message(public, ModerationState.PUBLISHED, owner, kind=AuthorKind.COMPANY)

    files = {
        "public_file_on_public": await _file(services, public, "photo", private=False),
        "private_file_on_public": await _file(services, public, "invoice", private=True),
        "public_file_on_private": await _file(services, private, "photo2", private=False),
        "private_file_on_private": await _file(services, private, "invoice2", private=True),
        "public_file_on_escalated": await _file(services, escalated, "photo3", private=False),
        "private_file_on_escalated": await _file(services, escalated, "invoice3", private=True),
        "public_file_on_held_message": await _file(
            services, public, "held", private=False, message=held
        ),
        "private_file_on_held_message": await _file(
            services, public, "held2", private=True, message=held
        ),
        "public_file_on_rejected_message": await _file(
            services, public, "rejected", private=False, message=rejected
        ),
        "mailed_file": await _file(services, public, "creditnota", private=True, message=mailed),
        "mailed_refused_file": await Attachment.create(
            complaint_id=public.id,
            message_id=mailed.id,
            filename="factuur.exe",
            content_type="application/x-msdownload",
            size=64,
            private=True,
            rejected_reason="type application/x-msdownload is not accepted",
        ),
        "erased_public_file": await _file(services, of_erased, "photo4", private=False),
        "erased_private_file": await _file(services, of_erased, "invoice4", private=True),
    }
    await data_rights.erase(services, erased.viewer)
    files = {name: await Attachment.get(id=row.id) for name, row in files.items()}
    complaint_of = {name: gid("Complaint", row.complaint_id) for name, row in files.items()}
    tokens: dict[str, str | None] = {
        "anonymous": None,
        "owner": owner.token,
        "other_consumer": other.token,
        "agent": agent.token,
        "other_agent": other_agent.token,
        "moderator": moderator.token,
        "lawyer": lawyer.token,
        "partner": partner_key,
    }
    return World(tokens, files, complaint_of)


READ = """
query($id: ID!) { complaint(id: $id) {
  attachments { filename url rejectedReason private }
  messages(first: 50) { edges { node { attachments { filename url rejectedReason private } } } }
} }"""


async def _listed(client: GraphQLClient, complaint_id: str) -> dict[str, dict]:
    data = await client.data(READ, id=complaint_id)
    if data["complaint"] is None:
        return {}
    found = list(data["complaint"]["attachments"])
    for edge in data["complaint"]["messages"]["edges"]:
        found.extend(edge["node"]["attachments"])
    return {a["filename"]: a for a in found}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(LISTED))
async def test_attachment_listing_url_and_download(role, name, world, gql, services):
    client = GraphQLClient(gql.http, world.tokens[role])
    row = world.files[name]
    listed = await _listed(client, world.complaint_of[name])
    assert (row.filename in listed) == (role in LISTED[name])
    shown = listed.get(row.filename)
    if shown is not None:
        assert shown["private"] == row.private
        assert (shown["url"] is not None) == (role in DOWNLOADABLE[name])
    if name == "mailed_refused_file" and shown is not None:
        assert shown["rejectedReason"] == "type application/x-msdownload is not accepted"
    if name == "erased_private_file" and shown is not None:
        assert shown["rejectedReason"] == "removed with the consumer's account"

    if shown is not None and shown["url"] is not None:
        response = await gql.http.get(shown["url"].removeprefix("http://testserver"))
        assert response.status_code == 200
        assert response.content == f"contents of {row.filename[:-4]}".encode()
        return
    # A link correctly signed for this very viewer still gets nothing: the route asks the
    # policy again, and answers exactly as for a file that does not exist.
    viewer = (
        await accounts.authenticate(services, world.tokens[role]) if world.tokens[role] else None
    )
    holder = holder_of(viewer) if viewer is not None else ""
    expires = int(time.time()) + 300
    url = attachment_links.link(
        "", services.settings.resolved_secret_key(), row.id, expires, holder
    )
    response = await gql.http.get(url)
    assert (response.status_code, response.text) == (404, "Not found.")
