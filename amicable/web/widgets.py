"""GET /widgets/companies/{slug}/badge.svg and /chart.svg: a listed company's score badge
and 12-month chart to embed on its own site, as review badges are.

An unlisted or unknown company answers the same 404. Answers carry an ETag (conditional
GETs get 304) and may be cached for a few minutes; the language comes from `?lang=`, else
Accept-Language, else Dutch.
"""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from amicable.infra.languages import negotiate
from amicable.resolvers import widgets as widget_ops
from amicable.services import Services
from amicable.web import svg

CACHE_SECONDS = 600
_HEADERS = {
    "Cache-Control": f"public, max-age={CACHE_SECONDS}",
    "Vary": "Accept-Language",
    "X-Content-Type-Options": "nosniff",
    # Opened directly, the SVG may run nothing and load nothing.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    # Meant to be shown on other sites.
    "Cross-Origin-Resource-Policy": "cross-origin",
}


def language(request: Request) -> str:
    """`?lang=` if it names one of the platform's languages, else what Accept-Language
    negotiates to, else Dutch."""
    asked = request.query_params.get("lang", "").lower()
    if asked in svg.LANGUAGES:
        return asked
    negotiated = negotiate(request.headers.get("accept-language"))
    return negotiated.value if negotiated is not None else "nl"


def _not_found() -> Response:
    return PlainTextResponse("Not found.", status_code=404, headers={"Cache-Control": "no-store"})


def _svg_response(request: Request, body: str) -> Response:
    data = body.encode()
    etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    headers = {**_HEADERS, "ETag": etag}
    match = request.headers.get("if-none-match", "")
    if etag in [tag.strip().removeprefix("W/") for tag in match.split(",")] or match == "*":
        return Response(status_code=304, headers=headers)
    return Response(data, media_type="image/svg+xml; charset=utf-8", headers=headers)


async def badge_svg(request: Request) -> Response:
    services: Services = request.app.state.services
    figures = await widget_ops.badge(services, request.path_params["slug"])
    if figures is None:
        return _not_found()
    return _svg_response(request, svg.badge(figures, language(request)))


async def chart_svg(request: Request) -> Response:
    services: Services = request.app.state.services
    found = await widget_ops.chart(services, request.path_params["slug"])
    if found is None:
        return _not_found()
    name, series = found
    return _svg_response(request, svg.chart(name, series, language(request)))
