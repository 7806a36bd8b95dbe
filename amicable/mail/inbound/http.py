"""The HTTP door: `POST /inbound/email` with the raw message (`message/rfc822`), for mail
services that forward raw mail. Authenticated by the shared secret
`AMICABLE_INBOUND_SECRET` (`Authorization: Bearer <secret>`); closed while it is unset.

Envelope recipients may be given as `?recipient=` (repeatable); without them the pipeline
routes by the message's own headers.
"""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import JSONResponse

from amicable.mail.inbound import errors as e
from amicable.mail.inbound.pipeline import receive
from amicable.models.mail import InboundDoor
from amicable.services import Services

ACCEPTED_TYPES = ("message/rfc822", "application/octet-stream", "text/plain")


def _authorised(services: Services, request: Request) -> bool:
    secret = services.settings.inbound_secret
    if not secret:
        return False
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), secret.encode())


async def inbound_email(request: Request) -> JSONResponse:
    services: Services = request.app.state.services
    if not services.settings.inbound_secret:
        return JSONResponse({"error": "inbound mail over HTTP is not enabled"}, status_code=404)
    if not _authorised(services, request):
        return JSONResponse({"error": "unauthorised"}, status_code=401)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ACCEPTED_TYPES:
        return JSONResponse({"error": "send the raw message as message/rfc822"}, status_code=415)
    limit = services.settings.inbound_max_bytes
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            verdict = e.verdict_for(e.MessageTooLarge(f"over {limit} bytes"))
            return JSONResponse({"outcome": verdict.outcome}, status_code=verdict.http_status)
    verdict = await receive(
        services,
        bytes(body),
        door=InboundDoor.HTTP,
        envelope_sender=request.query_params.get("sender", ""),
        envelope_recipients=request.query_params.getlist("recipient"),
    )
    return JSONResponse({"outcome": verdict.outcome}, status_code=verdict.http_status)
