"""Mailed attachments on the thread: private by default, checked on their content like
uploads, images cleaned of location data, refused ones listed with the reason."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from amicable.mail.inbound.pipeline import receive
from amicable.models.enums import Role
from amicable.models.mail import InboundDoor
from tests.conftest import GraphQLClient
from tests.factories import gid, make_company, make_complaint, make_user
from tests.mail.conftest import fill, flush

READ = """query($id: ID!) { complaint(id: $id) { messages { edges { node {
  body attachments { filename contentType private url rejectedReason }
} } } } }"""


@pytest.fixture
async def thread(services, worker):
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services, email="jan.desmet@example.org")
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    agent = await make_user(services, Role.AGENT, company=company)
    complaint = await make_complaint(services, consumer, company)
    await flush(worker)
    return complaint, consumer, agent


async def _files(client, token, complaint) -> list[dict]:
    data = await GraphQLClient(client, token).data(READ, id=gid("Complaint", complaint.id))
    return [a for e in data["complaint"]["messages"]["edges"] for a in e["node"]["attachments"]]


async def test_mailed_files_are_private_and_refused_ones_listed(client, services, thread):
    complaint, consumer, agent = thread
    verdict = await receive(
        services, await fill("with_attachments.eml", complaint), door=InboundDoor.SMTP
    )
    assert verdict.outcome == "POSTED"
    pdf, exe = await _files(client, agent.token, complaint)
    assert (pdf["filename"], pdf["private"], pdf["rejectedReason"]) == (
        "creditnota.pdf",
        True,
        None,
    )
    assert pdf["url"] is not None
    assert (exe["url"], exe["rejectedReason"]) == (
        None,
        "type application/x-msdownload is not accepted",
    )
    assert [f["filename"] for f in await _files(client, consumer.token, complaint)] == [
        "creditnota.pdf",
        "factuur.exe",
    ]
    # The public complaint's thread shows the reply, not its private files.
    assert await _files(client, None, complaint) == []


async def test_a_disguised_file_is_refused_and_a_photo_loses_its_location(client, services, thread):
    complaint, _, agent = thread
    raw = await fill("attachment_disguised_as_pdf_and_photo_with_location.eml", complaint)
    assert (await receive(services, raw, door=InboundDoor.SMTP)).outcome == "POSTED"
    fake, photo = await _files(client, agent.token, complaint)
    assert fake["filename"] == "factuur.pdf" and fake["url"] is None
    assert (
        fake["rejectedReason"]
        == "type application/vnd.microsoft.portable-executable is not accepted"
    )
    assert photo["contentType"] == "image/jpeg"
    got = await client.get(photo["url"].removeprefix("http://testserver"))
    image = Image.open(io.BytesIO(got.content))
    assert dict(image.getexif()) == {} and image.size == (20, 40)


SET_PRIVATE = """mutation($id: ID!, $private: Boolean!) {
  attachmentSetPrivate(input: {attachmentId: $id, private: $private}) {
    attachment { filename private url } errors { code field }
  }
}"""
IDS = """query($id: ID!) { complaint(id: $id) { messages { edges { node {
  attachments { id filename }
} } } } }"""


async def test_a_moderator_publishes_a_mailed_file(client, services, thread):
    complaint, _, agent = thread
    await receive(services, await fill("with_attachments.eml", complaint), door=InboundDoor.SMTP)
    moderator = await make_user(services, Role.MODERATOR)
    as_moderator = GraphQLClient(client, moderator.token)
    data = await as_moderator.data(IDS, id=gid("Complaint", complaint.id))
    ids = {
        a["filename"]: a["id"]
        for e in data["complaint"]["messages"]["edges"]
        for a in e["node"]["attachments"]
    }
    # Agents may not publish (top-level FORBIDDEN), even their own company's file.
    refused = await GraphQLClient(client, agent.token).execute(
        SET_PRIVATE, id=ids["creditnota.pdf"], private=False
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await _files(client, None, complaint) == []

    published = await as_moderator.data(SET_PRIVATE, id=ids["creditnota.pdf"], private=False)
    assert published["attachmentSetPrivate"]["errors"] == []
    [public] = await _files(client, None, complaint)
    assert public["filename"] == "creditnota.pdf" and public["url"] is not None

    # A refused file has nothing to show; an unknown ID answers as missing.
    exe = await as_moderator.data(SET_PRIVATE, id=ids["factuur.exe"], private=False)
    assert exe["attachmentSetPrivate"]["errors"] == [
        {"code": "INVALID_STATE", "field": "attachmentId"}
    ]
    missing = await as_moderator.data(SET_PRIVATE, id=gid("Attachment", complaint.id), private=True)
    assert missing["attachmentSetPrivate"]["errors"] == [
        {"code": "NOT_FOUND", "field": "attachmentId"}
    ]
