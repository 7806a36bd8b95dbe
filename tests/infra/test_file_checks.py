"""What a file is, read from its content, and the cleaned copy kept of it."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image

from amicable.infra.attachment_store import FolderStore, new_key
from amicable.infra.file_checks import MAX_IMAGE_PIXELS, check, renamed, sniff
from amicable.resolvers.attachments import _clean_name
from amicable.settings import Settings
from tests.files import FAKE_PHOTO, PDF_INVOICE, heic_with_location, photo_with_location


@pytest.fixture
def rules(tmp_path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]


def test_types_come_from_the_content(rules):
    assert sniff(PDF_INVOICE) == "application/pdf"
    assert sniff(photo_with_location()) == "image/jpeg"
    assert sniff("Gewoon tekst, met één accent.\n".encode()) == "text/plain"
    assert check(rules, FAKE_PHOTO).rejected_reason.startswith("type ")


def test_text_with_control_characters_or_not_utf8_is_not_text(rules):
    assert sniff(b"abc\x00def") is None
    assert sniff("caf\xe9".encode("latin-1")) is None
    assert check(rules, b"abc\x00def").rejected_reason == "type unknown is not accepted"


def test_a_declared_type_that_is_allowed_proves_nothing(rules):
    checked = check(rules, FAKE_PHOTO, declared="image/jpeg")
    assert checked.rejected_reason.startswith("type ") and checked.data == b""
    refused = check(rules, PDF_INVOICE, declared="application/x-msdownload")
    assert refused.rejected_reason == "type application/x-msdownload is not accepted"


def test_a_truncated_image_is_refused(rules):
    photo = photo_with_location()
    assert check(rules, photo[:40]).rejected_reason == "not a readable image"


def test_a_decompression_bomb_is_refused_before_decoding(rules):
    side = int(MAX_IMAGE_PIXELS**0.5) + 10
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, "PNG", optimize=True)
    assert check(rules, out.getvalue()).rejected_reason == "not a readable image"


def test_image_types_we_cannot_reencode_are_refused_even_when_allowed(rules):
    rules.attachment_types = [*rules.attachment_types, "image/x-ms-bmp"]
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "BMP")
    assert check(rules, out.getvalue()).rejected_reason == "type image/x-ms-bmp is not accepted"


def test_an_animated_gif_keeps_its_frames(rules):
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    frames = [Image.new("RGB", (6, 6), colour) for colour in colours]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], comment=b"Kerkstraat 1")
    assert b"Kerkstraat" in out.getvalue()
    assert Image.open(io.BytesIO(out.getvalue())).n_frames == 3
    checked = check(rules, out.getvalue())
    assert checked.content_type == "image/gif"
    assert b"Kerkstraat" not in checked.data
    assert Image.open(io.BytesIO(checked.data)).n_frames == 3


def test_names_lose_their_folders_and_control_characters():
    assert _clean_name("C:\\Users\\jan\\factuur.pdf") == "factuur.pdf"
    assert _clean_name("../../etc/passwd") == "passwd"
    assert _clean_name("bad\x00\nname.pdf") == "badname.pdf"
    assert _clean_name("   ") == "attachment"


async def test_the_folder_store_stays_in_its_folder(tmp_path):
    store = FolderStore(tmp_path)
    complaint_id = uuid.uuid4()
    key = new_key(complaint_id, "../../factuur maart.pdf")
    assert key.startswith(f"attachments/{complaint_id}/") and key.count("/") == 2
    assert key.endswith("-factuur_maart.pdf")
    await store.put(key, b"data")
    assert await store.get(key) == b"data"
    await store.delete(key)
    assert await store.get(key) is None
    await store.delete(key)  # deleting twice is fine
    with pytest.raises(ValueError):
        await store.put("../outside", b"x")


def test_an_iphone_photo_becomes_a_jpeg_without_location(rules):
    checked = check(rules, heic_with_location())
    assert (checked.content_type, checked.extension, checked.rejected_reason) == (
        "image/jpeg",
        ".jpg",
        "",
    )
    image = Image.open(io.BytesIO(checked.data))
    assert image.format == "JPEG" and dict(image.getexif()) == {}
    assert image.size == (20, 40)
    assert renamed("IMG_0001.HEIC", checked) == "IMG_0001.jpg"
    assert renamed("foto", checked) == "foto.jpg"


def test_heic_is_refused_when_not_allowed(rules):
    rules.attachment_types = ["image/jpeg"]
    assert check(rules, heic_with_location()).rejected_reason.startswith("type ")
