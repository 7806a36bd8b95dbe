"""The GraphQL endpoint: Strawberry's ASGI view with our context.

On a websocket the credential comes in the `connection_init` payload
(`{"Authorization": "Bearer <token>"}`), since browsers cannot set headers on the upgrade
request. A bad credential is refused at connect: graphql-transport-ws closes the socket
with 4403, legacy graphql-ws answers `connection_error` and closes. No credential means an
anonymous connection, which may still follow public complaints.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.types.execution import PreExecutionError
from strawberry.types.unset import UNSET, UnsetType

from amicable.policy import Viewer
from amicable.resolvers import accounts as account_ops
from amicable.schema import build_schema
from amicable.schema.context import Context
from amicable.schema.loaders import Loaders
from amicable.services import Services


def bearer_credential(header: str | None) -> str | None:
    """The credential in an `Authorization: Bearer <credential>` header; "" for a malformed
    header (which must fail, not pass as anonymous), None when there is none."""
    if header is None:
        return None
    scheme, _, credential = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
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


class _LegacyWSHandler(BaseGraphQLWSHandler[Context, None]):
    """Legacy graphql-ws with cleanup in a safe order. Strawberry 0.341 calls `aclose()`
    on a stream whose task is still running it (a RuntimeError it suppresses) and only then
    cancels the task; a client that vanished mid-delivery could leave its stream, and its
    bus subscription, open until garbage collection. Cancel and await the task first, then
    close the stream. And a stream whose client vanished while a result was being sent is
    closed at once (`aclosing`), not left suspended for the garbage collector."""

    async def handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        # Strawberry 0.341's loop, with the stream closed however the loop ends.
        try:
            result_source = await self.schema.subscribe(
                query=query,
                variable_values=variables,
                operation_name=operation_name,
                context_value=self.context,
                root_value=self.root_value,
            )
            self.subscriptions[operation_id] = result_source
            async with contextlib.aclosing(result_source):
                first = True
                async for result in result_source:
                    if first and isinstance(result, PreExecutionError):
                        assert result.errors
                        await self.send_message(
                            {
                                "type": "error",
                                "id": operation_id,
                                "payload": result.errors[0].formatted,
                            }
                        )
                        return
                    await self.send_data_message(result, operation_id)
                    first = False
            await self.send_message({"type": "complete", "id": operation_id})
        except asyncio.CancelledError:
            with contextlib.suppress(WebSocketDisconnected):
                await self.send_message({"type": "complete", "id": operation_id})
        except WebSocketDisconnected:
            pass  # the client is gone; the stream is closed above
        finally:
            self.subscriptions.pop(operation_id, None)
            self.tasks.pop(operation_id, None)

    async def cleanup_operation(self, operation_id: str) -> None:
        task = self.tasks.pop(operation_id, None)
        result_source = self.subscriptions.pop(operation_id, None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        if result_source is not None:
            with contextlib.suppress(RuntimeError, asyncio.CancelledError):
                await result_source.aclose()


class GraphQLView(GraphQL[Context, None]):
    graphql_ws_handler_class = _LegacyWSHandler

    def __init__(self, services: Services) -> None:
        settings = services.settings
        super().__init__(
            build_schema(settings),
            # Strawberry's GraphiQL page loads its scripts from a CDN: off unless asked for.
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=False,
            allowed_origins=settings.allowed_origins,
            # Answer graphql-ws clients' keep-alive expectations, so proxies do not close
            # an idle subscription.
            keep_alive=True,
            keep_alive_interval=settings.websocket_keep_alive_seconds,
        )
        self.services = services

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        viewer, failed = await viewer_for(self.services, request.headers.get("authorization"))
        client = request.client.host if request.client else "unknown"
        context_class = WebSocketContext if isinstance(request, WebSocket) else Context
        return context_class(
            services=self.services,
            viewer=viewer,
            auth_failed=failed,
            client_key=client,
            accept_language=request.headers.get("accept-language"),
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
            viewer, failed = await viewer_for(self.services, header)
            if failed:
                raise ConnectionRejectionError(_UNAUTHENTICATED)
            context.viewer = viewer
            context.auth_failed = False
            context.loaders = Loaders(viewer)
            context.forget_language()
            context.credential_checked_at = time.monotonic()
        elif context.auth_failed:
            raise ConnectionRejectionError(_UNAUTHENTICATED)
        return UNSET
