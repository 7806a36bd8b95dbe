"""The GraphQL explorer (GraphiQL) served at `GET /graphql` to a browser.

Its scripts and styles are vendored in `amicable/static/graphiql/` (versions and licences in
VENDORED.md) and served by this process: the page works offline and a Content-Security-
Policy keeps it to its own origin (no CDN, no inline script, no framing by other sites).
`AMICABLE_GRAPHIQL=auto` (the default) serves it outside production mode.
"""

from __future__ import annotations

from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

from amicable.settings import Settings

ASSETS_PATH = "/graphiql-assets"
ASSETS_DIR = Path(__file__).parent.parent / "static" / "graphiql"

# GraphiQL's editor sets inline styles; everything else must come from this origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

_PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>{title} GraphQL explorer</title>
    <link rel="stylesheet" href="{assets}/graphiql.min.css">
    <style>body {{ margin: 0; }} #graphiql {{ height: 100vh; }}</style>
  </head>
  <body>
    <div id="graphiql">Loading…</div>
    <script src="{assets}/react.production.min.js"></script>
    <script src="{assets}/react-dom.production.min.js"></script>
    <script src="{assets}/graphiql.min.js"></script>
    <script src="{assets}/start.js"></script>
  </body>
</html>
"""


def explorer_enabled(settings: Settings) -> bool:
    if settings.graphiql == "auto":
        # Production mode (`AMICABLE_ENV=production`) turns the explorer off by default.
        return getattr(settings, "env", "development") != "production"
    return settings.graphiql == "on"


def explorer_page(settings: Settings) -> HTMLResponse:
    from html import escape

    html = _PAGE.format(title=escape(settings.platform_name), assets=ASSETS_PATH)
    return HTMLResponse(
        html,
        headers={
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
        },
    )


def explorer_assets() -> StaticFiles:
    return StaticFiles(directory=ASSETS_DIR)
