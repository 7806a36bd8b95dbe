"""create_app(settings) -> Starlette: GraphQL at /graphql (HTTP and websocket), /healthz.

The lifespan opens the database (applying migrations), connects the event bus, and runs
the periodic upkeep; the mail worker and listener join it when enabled.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from amicable import health, metrics
from amicable.db import close_db, open_db
from amicable.infra.languages import negotiate
from amicable.infra.messages import Msg, render
from amicable.infra.outage import RoundFailures
from amicable.mail.inbound import pipeline
from amicable.mail.inbound.http import inbound_email
from amicable.mail.inbound.smtpd import parse_bind, start_smtpd
from amicable.mail.outbound.outbox import OutboxWorker
from amicable.mail.outbound.sender import transport_for
from amicable.proxies import TrustedProxies, parse_networks
from amicable.resolvers import bounces as bounce_ops
from amicable.resolvers import complaints as complaint_ops
from amicable.resolvers import scores as score_ops
from amicable.resolvers.nudge_worker import NudgeWorker
from amicable.schema.explorer import ASSETS_PATH, explorer_assets, explorer_enabled
from amicable.schema.view import GraphQLView
from amicable.services import Services
from amicable.settings import Settings
from amicable.subscriptions.bus import EventBus
from amicable.web.downloads import attachment_download
from amicable.web.widgets import badge_svg, chart_svg

log = logging.getLogger(__name__)

UPKEEP_INTERVAL_SECONDS = 3600
INBOUND_EMAIL_PATH = "/inbound/email"


class BodySizeLimit:
    """Refuse request bodies over a limit with 413 before reading them whole."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        exempt: tuple[str, ...] = (),
        multipart_max_bytes: int | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # Multipart GraphQL requests carry files: room for the allowed number of them.
        self.multipart_max_bytes = multipart_max_bytes or max_bytes
        # Routes that enforce their own, larger limit (raw inbound mail with attachments).
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in self.exempt:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        limit = self.max_bytes
        if headers.get(b"content-type", b"").lower().startswith(b"multipart/"):
            limit = self.multipart_max_bytes
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(scope, receive, send, limit)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _BodyTooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await _too_large(scope, receive, send, limit)


class _BodyTooLarge(Exception):
    pass


async def _too_large(scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
    # The body was never read, so the account is unknown: the request's words only.
    language = negotiate(Headers(scope=scope).get("accept-language"))
    message = render(Msg.BODY_TOO_LARGE, language, {"maxBytes": max_bytes})
    response = JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": "TOO_LARGE"}}]},
        status_code=413,
    )
    await response(scope, receive, send)


async def _upkeep(services: Services) -> None:
    """Time passing changes state: feedback windows close without anyone acting."""
    feedback = RoundFailures(log, "closing expired feedback windows")
    scores = RoundFailures(log, "refreshing scores")
    while True:
        try:
            closed = await complaint_ops.close_expired_feedback(services)
            if closed:
                log.info("closed %d complaints whose feedback window passed", closed)
        except Exception as error:
            feedback.failed(error)
        else:
            feedback.succeeded()
        try:
            # Deadlines pass and the window moves: refresh the scores rankings sort by
            # (dashboards compute theirs live) and tell subscribers which changed.
            await score_ops.refresh_all(services)
        except Exception as error:
            scores.failed(error)
        else:
            scores.succeeded()
        await asyncio.sleep(UPKEEP_INTERVAL_SECONDS)


async def _refresh_stale_scores(services: Services) -> None:
    """Replies mark the stored score rankings sort by as stale instead of recomputing it in
    their transaction; this brings it up to date a moment later (a ranking read does too)."""
    failures = RoundFailures(log, "refreshing stale scores")
    while True:
        await asyncio.sleep(score_ops.STALE_REFRESH_SECONDS)
        try:
            await score_ops.refresh_stale(services)
        except Exception as error:
            failures.failed(error)
        else:
            failures.succeeded()


def create_app(
    settings: Settings, *, services: Services | None = None, mail_worker: bool = True
) -> Starlette:
    services = services or Services(
        settings=settings,
        events=EventBus(settings.broadcast_url, queue_size=settings.broadcast_queue_size),
    )
    if services.redeliver is None:
        services.redeliver = functools.partial(pipeline.redeliver, services)
    graphql = GraphQLView(services)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await open_db(settings)
        await services.events.connect()
        tasks = [
            asyncio.create_task(_upkeep(services)),
            asyncio.create_task(_refresh_stale_scores(services)),
        ]
        if mail_worker:
            worker = OutboxWorker(
                settings,
                transport_for(settings),
                clock=services.clock,
                on_gave_up=functools.partial(bounce_ops.outbound_failed, services),
                heartbeat=heartbeat,
            )
            tasks.append(asyncio.create_task(worker.run()))
            # Nudges run where the mail goes out: they only queue mail for the outbox.
            tasks.append(asyncio.create_task(NudgeWorker(services).run()))
        bind = parse_bind(settings.smtpd_bind)
        smtpd = await start_smtpd(services, *bind) if bind else None
        try:
            yield
        finally:
            if smtpd is not None:
                smtpd.close()
                await smtpd.wait_closed()
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await services.events.disconnect()
            await services.rate_limiter.aclose()
            await close_db()
            metrics.process_exiting()

    heartbeat = health.worker_heartbeat(services) if mail_worker else None
    middleware = [
        Middleware(TrustedProxies, networks=parse_networks(settings.trusted_proxies)),
        Middleware(
            BodySizeLimit,
            max_bytes=settings.max_request_bytes,
            exempt=(INBOUND_EMAIL_PATH,),
            # Each file may be one byte over the limit (refused with its own error) plus
            # the parts' headers.
            multipart_max_bytes=settings.max_request_bytes
            + settings.attachment_max_count * (settings.attachment_max_bytes + 4096),
        ),
    ]
    if settings.allowed_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.allowed_origins,
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=[
                    "Authorization",
                    "Content-Type",
                    "Apollo-Require-Preflight",
                    "X-Apollo-Operation-Name",
                    "GraphQL-Require-Preflight",
                ],
            )
        )
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            *health.routes(),
            Route(INBOUND_EMAIL_PATH, inbound_email, methods=["POST"]),
            *([Mount(ASSETS_PATH, explorer_assets())] if explorer_enabled(settings) else []),
            Route("/attachments/{attachment_id}", attachment_download, methods=["GET"]),
            Route("/widgets/companies/{slug}/badge.svg", badge_svg, methods=["GET"]),
            Route("/widgets/companies/{slug}/chart.svg", chart_svg, methods=["GET"]),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.worker_heartbeat = heartbeat
    # Its hubs and execution count, for tests and diagnostics (schema/shared_subscriptions.py).
    app.state.shared_subscriptions = graphql.shared_subscriptions
    return app
