"""GET /attachments/{id}?exp=..&by=..&sig=..: a file behind a signed link.

Whatever is wrong (unknown id, forged or expired signature, a holder no longer allowed,
bytes gone) answers the same 404, so a link reveals nothing about what it points at. The
file is always offered as a download, never rendered in our origin.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from amicable.resolvers import attachments as attachment_ops
from amicable.services import Services

# Types we serve under their own name; anything else goes out as opaque bytes.
_SAFE_TYPES = {
    "application/pdf": "application/pdf",
    "image/png": "image/png",
    "image/jpeg": "image/jpeg",
    "image/gif": "image/gif",
    "image/webp": "image/webp",
    "text/plain": "text/plain; charset=utf-8",
}


async def attachment_download(request: Request) -> Response:
    services: Services = request.app.state.services
    params = request.query_params
    found = await attachment_ops.download(
        services,
        request.path_params["attachment_id"],
        params.get("exp", ""),
        params.get("by", ""),
        params.get("sig", ""),
    )
    if found is None:
        return PlainTextResponse(
            "Not found.", status_code=404, headers={"Cache-Control": "no-store"}
        )
    return Response(
        found.data,
        media_type=_SAFE_TYPES.get(found.content_type, "application/octet-stream"),
        headers={
            "Content-Disposition": content_disposition(found.filename),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            # The link is personal and short-lived: no shared cache keeps it.
            "Cache-Control": "private, no-store",
        },
    )


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266, RFC 5987)."""
    fallback = "".join(
        ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
