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
