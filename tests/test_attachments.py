"""Attachments through the API: multipart uploads on complaintCreate and messagePost,
checks on the content, metadata stripped, signed downloads the policy checks again."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from amicable.models import Attachment, Complaint
from amicable.models.enums import Role
from tests.conftest import GraphQLClient
from tests.factories import gid, make_company, make_complaint, make_user
from tests.files import FAKE_PHOTO, PDF_INVOICE, photo_with_location, png_with_text, upload

CREATE = """
mutation($input: ComplaintCreateInput!) {
  complaintCreate(input: $input) {
    complaint { id attachments { filename contentType size private url rejectedReason } }
    errors { code field message }
  }
}"""

POST = """
mutation($input: MessagePostInput!) {
  messagePost(input: $input) {
    message { id attachments { filename contentType private url } }
    errors { code field }
  }
}"""

READ = """
query($id: ID!) { complaint(id: $id) {
  attachments { filename contentType private url rejectedReason }
  messages { edges { node { attachments { filename private url rejectedReason } } } }
} }"""


@pytest.fixture
async def people(services):
    moderator = await make_user(services, Role.MODERATOR, name="Mona Moderator")
    company = await make_company(moderator.viewer, "Telenova")
    consumer = await make_user(services, name="Jan De Smet")
    agent = await make_user(services, Role.AGENT, name="Agent Telenova", company=company)
    stranger = await make_user(services, name="Els Peeters")
    return {
        "moderator": moderator,
        "company": company,
        "consumer": consumer,
        "agent": agent,
        "stranger": stranger,
    }


def _create_input(company_id: str) -> dict:
    return {
        "companyId": company_id,
        "title": "Factuur klopt niet",
        "description": "De factuur van maart rekent twee keer de installatie aan.",
        "visibility": "PUBLIC",
        "attachments": [{"file": None, "private": False}, {"file": None, "private": True}],
    }


async def _file_photo_and_invoice(client, people) -> dict:
    response = await upload(
        client,
        people["consumer"].token,
        CREATE,
        {"input": _create_input(gid("Company", people["company"].id))},
        [
            ("variables.input.attachments.0.file", "IMG_0042.jpg", photo_with_location()),
            ("variables.input.attachments.1.file", "factuur maart.pdf", PDF_INVOICE),
        ],
    )
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["complaintCreate"]
    assert payload["errors"] == []
    return payload["complaint"]


async def test_photo_public_invoice_private_neither_with_location(client, gql, people):
    filed = await _file_photo_and_invoice(client, people)
    photo, invoice = filed["attachments"]
    assert (photo["filename"], photo["contentType"], photo["private"]) == (
        "IMG_0042.jpg",
        "image/jpeg",
        False,
    )
    assert (invoice["contentType"], invoice["private"], invoice["rejectedReason"]) == (
        "application/pdf",
        True,
        None,
    )
    # The public sees the photo, not the invoice.
    public = await GraphQLClient(client).data(READ, id=filed["id"])
    [seen] = public["complaint"]["attachments"]
    assert seen["filename"] == "IMG_0042.jpg" and seen["url"]

    download = await client.get(seen["url"].removeprefix("http://testserver"))
    assert download.status_code == 200
    assert download.headers["content-type"] == "image/jpeg"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"].startswith('attachment; filename="IMG_0042.jpg"')
    image = Image.open(io.BytesIO(download.content))
    # No EXIF at all (no GPS, no camera), and the rotation was applied to the pixels.
    assert dict(image.getexif()) == {}
    assert b"Exif" not in download.content and b"Phone 12" not in download.content
    assert image.size == (20, 40)

    agent = await GraphQLClient(client, people["agent"].token).data(READ, id=filed["id"])
    invoice_seen = agent["complaint"]["attachments"][1]
    got = await client.get(invoice_seen["url"].removeprefix("http://testserver"))
    assert got.status_code == 200 and got.content == PDF_INVOICE
    assert got.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''factuur%20maart.pdf" in got.headers["content-disposition"]


async def test_png_text_chunks_are_dropped(client, settings, people):
    variables = {"input": _create_input(gid("Company", people["company"].id))}
    variables["input"]["attachments"] = [{"file": None, "private": False}]
    response = await upload(
        client,
        people["consumer"].token,
        CREATE,
        variables,
        [("variables.input.attachments.0.file", "scan.png", png_with_text())],
    )
    [kept] = response.json()["data"]["complaintCreate"]["complaint"]["attachments"]
    row = await Attachment.get()
    stored = (settings.data_dir / row.storage_key).read_bytes()
    assert kept["contentType"] == "image/png" and b"Kerkstraat" not in stored
    assert kept["size"] == len(stored)


async def test_type_is_read_from_the_content_not_the_name(client, people):
    response = await upload(
        client,
        people["consumer"].token,
        CREATE,
        {"input": _create_input(gid("Company", people["company"].id))},
        [
            ("variables.input.attachments.0.file", "photo.jpg", FAKE_PHOTO),
            ("variables.input.attachments.1.file", "factuur.pdf", PDF_INVOICE),
        ],
    )
    payload = response.json()["data"]["complaintCreate"]
    assert payload["complaint"] is None
    assert payload["errors"] == [
        {
            "code": "FILE_TYPE_NOT_ALLOWED",
            "field": "attachments.0",
            "message": "Dit soort bestand wordt niet aanvaard.",
        }
    ]
    # Nothing was filed, nothing was written.
    assert await Complaint.all().count() == 0 and await Attachment.all().count() == 0


async def test_too_large_and_too_many(client, people, settings):
    settings.attachment_max_bytes = 100
    settings.attachment_max_count = 1
    variables = {"input": _create_input(gid("Company", people["company"].id))}
    too_many = await upload(
        client,
        people["consumer"].token,
        CREATE,
        variables,
        [
            ("variables.input.attachments.0.file", "a.pdf", PDF_INVOICE[:50]),
            ("variables.input.attachments.1.file", "b.pdf", PDF_INVOICE[:50]),
        ],
    )
    assert too_many.json()["data"]["complaintCreate"]["errors"][0]["code"] == "TOO_MANY_FILES"
    variables["input"]["attachments"] = [{"file": None, "private": True}]
    too_big = await upload(
        client,
        people["consumer"].token,
        CREATE,
        variables,
        [("variables.input.attachments.0.file", "a.pdf", PDF_INVOICE + b" " * 200)],
    )
    errors = too_big.json()["data"]["complaintCreate"]["errors"]
    assert errors == [
        {
            "code": "FILE_TOO_LARGE",
            "field": "attachments.0",
            "message": "Een bestand mag hoogstens 100 bytes groot zijn.",
        }
    ]
    assert await Complaint.all().count() == 0


async def test_empty_file_is_refused(client, people):
    variables = {"input": _create_input(gid("Company", people["company"].id))}
    variables["input"]["attachments"] = [{"file": None, "private": True}]
    response = await upload(
        client,
        people["consumer"].token,
        CREATE,
        variables,
        [("variables.input.attachments.0.file", "leeg.pdf", b"")],
    )
    errors = response.json()["data"]["complaintCreate"]["errors"]
    assert [e["code"] for e in errors] == ["FILE_TYPE_NOT_ALLOWED"]


async def test_multipart_without_preflight_header_is_refused(client, people):
    response = await upload(
        client,
        people["consumer"].token,
        CREATE,
        {"input": _create_input(gid("Company", people["company"].id))},
        [("variables.input.attachments.0.file", "a.pdf", PDF_INVOICE)],
        preflight=False,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_HEADER_REQUIRED"
    assert await Complaint.all().count() == 0


async def test_message_post_with_a_file(client, services, people):
    complaint = await make_complaint(services, people["consumer"], people["company"])
    response = await upload(
        client,
        people["agent"].token,
        POST,
        {
            "input": {
                "complaintId": gid("Complaint", complaint.id),
                "body": "In bijlage de creditnota.",
                "attachments": [{"file": None, "private": True}],
            }
        },
        [("variables.input.attachments.0.file", "creditnota.txt", "Creditnota € 49,99".encode())],
    )
    payload = response.json()["data"]["messagePost"]
    assert payload["errors"] == []
    [sent] = payload["message"]["attachments"]
    assert (sent["contentType"], sent["private"]) == ("text/plain", True)
    got = await client.get(sent["url"].removeprefix("http://testserver"))
    assert got.headers["content-type"] == "text/plain; charset=utf-8"
    assert got.content.decode() == "Creditnota € 49,99"
    # The public sees the message, not its private file.
    public = await GraphQLClient(client).data(READ, id=gid("Complaint", complaint.id))
    nodes = [e["node"] for e in public["complaint"]["messages"]["edges"]]
    assert all(node["attachments"] == [] for node in nodes)


async def test_forged_expired_and_foreign_links_answer_like_a_missing_file(
    client, services, people
):
    filed = await _file_photo_and_invoice(client, people)
    own = await GraphQLClient(client, people["consumer"].token).data(READ, id=filed["id"])
    url = own["complaint"]["attachments"][1]["url"].removeprefix("http://testserver")
    path, query = url.split("?")
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}
    missing = await client.get("/attachments/00000000-0000-0000-0000-000000000000?" + query)
    forged = await client.get(f"{path}?exp={params['exp']}&by={params['by']}&sig={'0' * 64}")
    longer = await client.get(
        f"{path}?exp={int(params['exp']) + 3600}&by={params['by']}&sig={params['sig']}"
    )
    # The same link made for nobody in particular: the anonymous may not see a private file.
    other_holder = await client.get(f"{path}?exp={params['exp']}&by=&sig={params['sig']}")
    for response in (missing, forged, longer, other_holder):
        assert (response.status_code, response.text) == (404, "Not found.")
    assert (await client.get(url)).status_code == 200

    services.clock = lambda: datetime.fromtimestamp(int(params["exp"]) + 1, tz=UTC)
    expired = await client.get(url)
    assert (expired.status_code, expired.text) == (404, "Not found.")


async def test_signed_out_token_links_stop_working(client, people):
    filed = await _file_photo_and_invoice(client, people)
    own = await GraphQLClient(client, people["consumer"].token).data(READ, id=filed["id"])
    url = own["complaint"]["attachments"][1]["url"].removeprefix("http://testserver")
    await GraphQLClient(client, people["consumer"].token).data(
        "mutation { tokenRevoke { errors { code } } }"
    )
    assert (await client.get(url)).status_code == 404


async def test_erasure_removes_the_private_files(client, services, settings, people):
    filed = await _file_photo_and_invoice(client, people)
    invoice_row = await Attachment.get(private=True)
    key = invoice_row.storage_key
    assert (settings.data_dir / key).exists()
    agent = GraphQLClient(client, people["agent"].token)
    before = await agent.data(READ, id=filed["id"])
    invoice_url = before["complaint"]["attachments"][1]["url"].removeprefix("http://testserver")
    erased = await GraphQLClient(client, people["consumer"].token).data(
        "mutation { accountErase(input: {confirm: true}) { erased } }"
    )
    assert erased["accountErase"]["erased"] is True
    assert not (settings.data_dir / key).exists()
    after = await agent.data(READ, id=filed["id"])
    invoice = after["complaint"]["attachments"][1]
    assert invoice["url"] is None
    assert invoice["rejectedReason"] == "removed with the consumer's account"
    assert (await client.get(invoice_url)).status_code == 404
    # The public photo stays.
    assert after["complaint"]["attachments"][0]["url"]


async def test_files_for_a_thread_one_may_not_write_in_are_not_even_checked(
    client, services, settings, people
):
    from amicable.models.enums import Visibility

    hidden = await make_complaint(
        services, people["consumer"], people["company"], visibility=Visibility.PRIVATE
    )
    public = await make_complaint(services, people["consumer"], people["company"])
    answers = {}
    for name, complaint in (("hidden", hidden), ("public", public)):
        response = await upload(
            client,
            people["stranger"].token,
            POST,
            {
                "input": {
                    "complaintId": gid("Complaint", complaint.id),
                    "body": "Ik heb hetzelfde probleem.",
                    "attachments": [{"file": None, "private": False}],
                }
            },
            [("variables.input.attachments.0.file", "x.jpg", photo_with_location())],
        )
        answers[name] = response.json()["data"]["messagePost"]
    assert answers["hidden"] == {
        "message": None,
        "errors": [{"code": "NOT_FOUND", "field": "complaintId"}],
    }
    assert answers["public"]["errors"] == [{"code": "NOT_ALLOWED", "field": None}]
    assert await Attachment.all().count() == 0
    assert not (settings.data_dir / "attachments").exists()


async def test_the_data_export_lists_the_consumers_files(client, people):
    await _file_photo_and_invoice(client, people)
    data = await GraphQLClient(client, people["consumer"].token).data(
        "mutation { accountExport { data } }"
    )
    files = data["accountExport"]["data"]["attachments"]
    assert [(f["filename"], f["contentType"], f["private"]) for f in files] == [
        ("IMG_0042.jpg", "image/jpeg", False),
        ("factuur maart.pdf", "application/pdf", True),
    ]
