"""The GraphQL endpoint: Strawberry's ASGI view with our context.

On a websocket the credential comes in the `connection_init` payload
(`{"Authorization": "Bearer <token>"}`), since browsers cannot set headers on the upgrade
request. A bad credential is refused at connect: graphql-transport-ws closes the socket
with 4403, legacy graphql-ws answers `connection_error` and closes. No credential means an
anonymous connection, which may still follow public complaints.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from amicable import metrics
from amicable.infra.outage import is_database_outage
from amicable.policy import Viewer
from amicable.resolvers import accounts as account_ops
from amicable.schema import build_schema, http_edge, ws_credentials
from amicable.schema.context import Context
from amicable.schema.explorer import explorer_enabled, explorer_page
from amicable.schema.loaders import Loaders
from amicable.schema.response_cache import ResponseCache
from amicable.schema.shared_subscriptions import SharedSubscriptions
from amicable.schema.ws_handlers import LegacyWSHandler, TransportWSHandler
from amicable.services import Services

_PREFLIGHT_HEADERS = (
    b"apollo-require-preflight",
    b"x-apollo-operation-name",
    b"graphql-require-preflight",
)


def _is_multipart(scope: Scope) -> bool:
    content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
    return content_type.lower().startswith(b"multipart/")


def _has_preflight_header(scope: Scope) -> bool:
    return any(
        name.lower() in _PREFLIGHT_HEADERS and value.strip()
        for name, value in scope.get("headers", [])
    )


def bearer_credential(header: str | None) -> str | None:
    """The credential in an `Authorization: Bearer <credential>` header (or `Link <token>`
    for a complaint mail's web reply link); "" for a malformed header (which must fail, not
    pass as anonymous), None when there is none."""
    if header is None:
        return None
    scheme, _, credential = header.strip().partition(" ")
    if scheme.lower() not in ("bearer", "link") or not credential.strip():
        return ""
    return credential.strip()


async def viewer_for(services: Services, header: str | None) -> tuple[Viewer, bool]:
    """(viewer, auth_failed) for an Authorization header value."""
    credential = bearer_credential(header)
    if credential is None:
        return Viewer.anonymous(), False
    viewer = await account_ops.authenticate(services, credential) if credential else None
    if viewer is None:
        return Viewer.anonymous(), True
    return viewer, False


@dataclass
class WebSocketContext(Context):
    """One per websocket connection, shared by its operations. Strawberry stores the
    `connection_init` payload in `connection_params` before calling `on_ws_connect`."""

    connection_params: dict[str, Any] | None = None
    websocket: WebSocket | None = None


_UNAUTHENTICATED: dict[str, object] = {
    "message": "Unauthenticated",
    "extensions": {"code": "UNAUTHENTICATED"},
}


def _language_param(params: dict[str, object]) -> str | None:
    """The language a websocket client asks for in its `connection_init` payload, as an
    Accept-Language value (browsers cannot set that header on the upgrade request either)."""
    for name in ("Accept-Language", "accept-language", "acceptLanguage", "language"):
        value = params.get(name)
        if isinstance(value, str):
            return value
    return None


class GraphQLView(GraphQL[Context, None]):
    graphql_ws_handler_class = LegacyWSHandler
    graphql_transport_ws_handler_class = TransportWSHandler

    def __init__(self, services: Services) -> None:
        settings = services.settings
        super().__init__(
            build_schema(settings),
            # Strawberry's own GraphiQL page loads its scripts from a CDN; ours is served
            # from the package (render_graphql_ide below).
            graphql_ide="graphiql" if explorer_enabled(settings) else None,
            allow_queries_via_get=False,
            allowed_origins=settings.allowed_origins,
            # Answer graphql-ws clients' keep-alive expectations, so proxies do not close
            # an idle subscription.
            keep_alive=True,
            keep_alive_interval=settings.websocket_keep_alive_seconds,
            # Files with complaintCreate and messagePost (the GraphQL multipart request spec).
            multipart_uploads_enabled=True,
        )
        self.services = services
        self.response_cache = ResponseCache(settings)
        self.shared_subscriptions = SharedSubscriptions(self.schema, settings.broadcast_queue_size)

    async def run(
        self, request: Request | WebSocket, context: Any = UNSET, root_value: Any = UNSET
    ) -> Any:
        # Anonymous and partners' reads go through the public response cache first.
        if isinstance(request, Request) and context is UNSET:
            answer = await self.response_cache.respond(self, request)
            if answer is not None:
                return answer
        return await super().run(request, context, root_value)

    async def authenticate(self, request: Request | WebSocket) -> tuple[Viewer, bool]:
        """(viewer, auth_failed) for the request's Authorization header, looked up once per
        request even when both the response cache and the context ask."""
        known = getattr(request.state, "amicable_viewer", None)
        if known is None:
            known = await viewer_for(self.services, request.headers.get("authorization"))
            request.state.amicable_viewer = known
        return known

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            metrics.WEBSOCKETS.inc()
            websocket = WebSocket(scope, receive=receive, send=send)
            try:
                await self.run(websocket)
            finally:
                # The credential watcher (schema/ws_credentials.py) ends with its socket.
                await ws_credentials.stop_and_wait(websocket)
                metrics.WEBSOCKETS.dec()
            return
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        multipart = _is_multipart(scope)
        if multipart and not _has_preflight_header(scope):
            # A multipart POST is a "simple" request a page on another site can send
            # without a CORS preflight. Credentials travel in a header here, which such a
            # page cannot set, but we still require one of the headers that force a
            # preflight, as Apollo clients send (`Apollo-Require-Preflight`,
            # `X-Apollo-Operation-Name`) or `GraphQL-Require-Preflight`, so no cross-site
            # form ever reaches a mutation.
            refused = JSONResponse(
                {
                    "errors": [
                        {
                            "message": "Multipart requests need a preflight header.",
                            "extensions": {"code": "CSRF_HEADER_REQUIRED"},
                        }
                    ]
                },
                status_code=400,
            )
            await refused(scope, receive, send)
            return
        request = Request(scope, receive=receive)
        try:
            # Strawberry answers its refusals in plain text; ours are JSON with a code.
            try:
                response = await self.run(request)
            except HTTPException as error:
                response = http_edge.bad_request(error)
            except (StarletteHTTPException, MultiPartException) as error:
                response = http_edge.broken_form(error)
        finally:
            if multipart:
                # Strawberry 0.341 never closes the parsed form: its uploaded files
                # (spooled temporary files) would stay open until garbage collection.
                await request.close()
        await response(scope, receive, send)

    def encode_json(self, data: object) -> str:
        # Answers carry UTF-8 as it is ("Bézier", not "B\u00e9zier").
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    def decode_json(self, data: str | bytes) -> object:
        return http_edge.decode_body(data)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        budget = self.services.settings.request_timeout_seconds
        try:
            async with asyncio.timeout(budget):
                result = await super().execute_single(
                    request, request_adapter, sub_response, context, root_value, request_data
                )
        except TimeoutError:
            result = http_edge.timeout_result(budget)
        result, status = http_edge.shape(result)
        if status is not None:
            sub_response.status_code = status
        return result

    async def render_graphql_ide(self, request: Request) -> Response:
        return explorer_page(self.services.settings)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        unavailable = False
        try:
            viewer, failed = await self.authenticate(request)
        except Exception as error:
            if not is_database_outage(error):
                raise
            # Answered SERVICE_UNAVAILABLE by the credential gate, as for anonymous viewers.
            viewer, failed, unavailable = Viewer.anonymous(), False, True
        client = request.client.host if request.client else "unknown"
        if isinstance(request, WebSocket):
            return WebSocketContext(
                services=self.services,
                viewer=viewer,
                auth_failed=failed,
                client_key=client,
                service_unavailable=unavailable,
                websocket=request,
            )
        return Context(
            services=self.services,
            viewer=viewer,
            auth_failed=failed,
            client_key=client,
            accept_language=request.headers.get("accept-language"),
            service_unavailable=unavailable,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Authenticate the connection from its `connection_init` payload; a credential in
        the payload wins over one sent as a header on the upgrade request."""
        params = getattr(context, "connection_params", None) or {}
        language = _language_param(params)
        if language is not None:
            context.accept_language = language
            context.forget_language()
        header = params.get("Authorization", params.get("authorization"))
        if header is not None:
            if not isinstance(header, str):
                raise ConnectionRejectionError(_UNAUTHENTICATED)
            try:
                viewer, failed = await viewer_for(self.services, header)
            except Exception as error:
                if not is_database_outage(error):
                    raise
                # Accept the connection; each operation answers SERVICE_UNAVAILABLE.
                context.service_unavailable = True
                return UNSET
            context.service_unavailable = False
            if failed:
                raise ConnectionRejectionError(_UNAUTHENTICATED)
            context.viewer = viewer
            context.auth_failed = False
            context.loaders = Loaders(viewer)
            context.forget_language()
            context.credential_checked_at = time.monotonic()
        elif context.auth_failed:
            raise ConnectionRejectionError(_UNAUTHENTICATED)
        websocket = getattr(context, "websocket", None)
        if websocket is not None:
            ws_credentials.watch(self.services, websocket, context.viewer)
        return UNSET
