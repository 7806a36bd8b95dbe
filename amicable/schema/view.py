"""The GraphQL endpoint: Strawberry's ASGI view with our context."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from amicable.policy import Viewer
from amicable.resolvers import accounts as account_ops
from amicable.schema import build_schema
from amicable.schema.context import Context
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


class GraphQLView(GraphQL[Context, None]):
    def __init__(self, services: Services) -> None:
        settings = services.settings
        super().__init__(
            build_schema(settings),
            # Strawberry's GraphiQL page loads its scripts from a CDN: off unless asked for.
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=False,
            allowed_origins=settings.allowed_origins,
        )
        self.services = services

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        viewer, failed = await viewer_for(self.services, request.headers.get("authorization"))
        client = request.client.host if request.client else "unknown"
        return Context(services=self.services, viewer=viewer, auth_failed=failed, client_key=client)
