"""Files for the attachment tests, made here: a phone photo with GPS position and a
rotation flag, a minimal PDF invoice, an executable pretending to be a photo."""

from __future__ import annotations

import io
import json
from typing import Any

import httpx
from PIL import Image

PDF_INVOICE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
# A Windows executable's header ("MZ") under a photo's name.
FAKE_PHOTO = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def photo_with_location(width: int = 40, height: int = 20) -> bytes:
    """A JPEG as phones write it: GPS coordinates, the camera model and orientation 6 (the
    picture is stored sideways; viewers rotate it a quarter turn clockwise)."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    exif[0x0112] = 6  # Orientation
    gps = {1: "N", 2: (51.0, 3.0, 12.5), 3: "E", 4: (3.0, 43.0, 10.1)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def heic_with_location() -> bytes:
    """An iPhone-style HEIC photo: GPS position and orientation 6."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    image = Image.new("RGB", (40, 20), (30, 160, 30))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (51.0, 3.0, 12.5), 3: "E", 4: (3.0, 43.0, 10.1)}
    out = io.BytesIO()
    image.save(out, "HEIF", exif=exif.tobytes())
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "Kerkstraat 1, 9000 Gent")
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


async def upload(
    http: httpx.AsyncClient,
    token: str | None,
    query: str,
    variables: dict[str, Any],
    files: list[tuple[str, str, bytes]],
    *,
    preflight: bool = True,
) -> httpx.Response:
    """A GraphQL multipart request: `files` are (variable path, filename, bytes)."""
    file_map = {str(i): [path] for i, (path, _, _) in enumerate(files)}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if preflight:
        headers["GraphQL-Require-Preflight"] = "1"
    return await http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": query, "variables": variables}),
            "map": json.dumps(file_map),
        },
        files={str(i): (name, data) for i, (_, name, data) in enumerate(files)},
        headers=headers,
    )
