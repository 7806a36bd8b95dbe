"""A download link made for a viewer stops working the moment that viewer's right ends,
not when the link expires: the download asks the same question a bearer credential's
request does (signed out, suspended, taken off the company, erased, key withdrawn)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from amicable.models import ApiKey, User
from amicable.models.enums import Role
from amicable.resolvers import accounts, agents, data_rights
from amicable.services import Services
from tests.conftest import GraphQLClient
from tests.factories import Actor, gid, make_company, make_complaint, make_user
from tests.files import upload

POST = """
mutation($input: MessagePostInput!) {
  messagePost(input: $input) { message { id } errors { code } }
}"""

READ = """
query($id: ID!) { complaint(id: $id) {
  messages { edges { node { attachments { filename url } } } }
} }"""


async def _link_for(client, token: str, complaint_gid: str) -> str:
    data = await GraphQLClient(client, token).data(READ, id=complaint_gid)
    [url] = [
        a["url"] for e in data["complaint"]["messages"]["edges"] for a in e["node"]["attachments"]
    ]
    assert url
    return str(url).removeprefix("http://testserver")


@pytest.fixture
async def thread(client, services):
    """A public complaint with a public file on the company's answer: anybody may read it,
    so a refused link is refused for its holder alone."""
    moderator = await make_user(services, Role.MODERATOR, name="Mona Moderator")
    company = await make_company(moderator.viewer, "Telenova")
    owner = await make_user(services, name="Jan De Smet")
    agent = await make_user(services, Role.AGENT, name="Agent Telenova", company=company)
    complaint = await make_complaint(services, owner, company)
    complaint_gid = gid("Complaint", complaint.id)
    response = await upload(
        client,
        agent.token,
        POST,
        {
            "input": {
                "complaintId": complaint_gid,
                "body": "In bijlage de creditnota.",
                "attachments": [{"file": None, "private": False}],
            }
        },
        [("variables.input.attachments.0.file", "creditnota.txt", b"Creditnota 49,99")],
    )
    assert response.json()["data"]["messagePost"]["errors"] == []
    return {"moderator": moderator, "owner": owner, "agent": agent, "gid": complaint_gid}


async def _suspend(services: Services, thread: dict, holder: Actor) -> None:
    await agents.suspend(services, thread["moderator"].viewer, holder.user.id, True)


async def _remove(services: Services, thread: dict, holder: Actor) -> None:
    await agents.remove(services, thread["moderator"].viewer, holder.user.id)


async def _erase(services: Services, thread: dict, holder: Actor) -> None:
    await data_rights.erase(services, holder.viewer)


async def _sign_out(services: Services, thread: dict, holder: Actor) -> None:
    await accounts.revoke_token(services, holder.viewer)


async def _suspended_without_revocation(services: Services, thread: dict, holder: Actor) -> None:
    # However the suspension was written (an operator's update, a restored backup), the
    # suspension itself ends the right, as it does for a bearer token.
    await User.filter(id=holder.user.id).update(suspended_at=services.now())


Ending = Callable[[Services, dict, Actor], Awaitable[None]]
ENDINGS: list[tuple[str, str, Ending]] = [
    ("agent", "suspended", _suspend),
    ("agent", "suspended_without_revocation", _suspended_without_revocation),
    ("agent", "removed_from_company", _remove),
    ("owner", "erased", _erase),
    ("owner", "signed_out", _sign_out),
    ("agent", "signed_out", _sign_out),
]


@pytest.mark.parametrize(("who", "how", "end"), ENDINGS, ids=[f"{w}-{h}" for w, h, _ in ENDINGS])
async def test_a_link_dies_with_its_holders_right(client, services, thread, who, how, end):
    holder = thread[who]
    url = await _link_for(client, holder.token, thread["gid"])
    assert (await client.get(url)).status_code == 200
    await end(services, thread, holder)
    missing = await client.get("/attachments/00000000-0000-0000-0000-000000000000")
    refused = await client.get(url)
    assert (refused.status_code, refused.text) == (missing.status_code, missing.text)
    assert refused.status_code == 404


async def test_a_partners_link_dies_with_its_key(client, services, thread):
    key_row, key = await accounts.create_api_key(thread["moderator"].viewer, partner_name="Dash")
    url = await _link_for(client, key, thread["gid"])
    assert (await client.get(url)).status_code == 200
    # No operation withdraws a key yet: the operator's update is what there is.
    await ApiKey.filter(id=key_row.id).update(revoked_at=services.now())
    refused = await client.get(url)
    assert (refused.status_code, refused.text) == (404, "Not found.")
