"""`/healthz` (the process answers), `/readyz` (it can do its work) and `/metrics`.

Ready means: the database answers, the event bus carries a message, and, in a process
that runs the outbox worker, the worker went round its loop recently. A load balancer
sends traffic to ready processes only; a failing check names itself in the 503 answer.
"""

from __future__ import annotations

import asyncio
import logging
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tortoise import Tortoise

from amicable import metrics
from amicable.infra.clock import utc_now
from amicable.resolvers import operations
from amicable.services import Services

log = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 3.0
READY_CHANNEL = "amicable.readiness"


class Heartbeat:
    """Beaten by the outbox worker on each round (and each mail); fresh when recent."""

    def __init__(self, max_age_seconds: float) -> None:
        self.max_age_seconds = max_age_seconds
        self.last: float | None = None

    def beat(self) -> None:
        self.last = time.monotonic()

    @property
    def fresh(self) -> bool:
        return self.last is not None and time.monotonic() - self.last <= self.max_age_seconds


def worker_heartbeat(services: Services) -> Heartbeat:
    settings = services.settings
    # A round waits up to the poll interval, and a slow relay may take a timeout per mail.
    return Heartbeat(max(60.0, 3 * settings.outbox_poll_seconds + settings.smtp_timeout_seconds))


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def _database() -> None:
    await Tortoise.get_connection("default").execute_query("SELECT 1")


async def _event_bus(services: Services) -> None:
    if not getattr(services.events, "_connected", False):
        raise RuntimeError("not connected")
    listener = getattr(services.events.broadcast, "_listener_task", None)
    if listener is not None and listener.done():
        raise RuntimeError("listener stopped")
    # A publish reaches the backend (Redis, Postgres NOTIFY): proof it is there.
    await services.events.broadcast.publish(channel=READY_CHANNEL, message="")


async def readyz(request: Request) -> JSONResponse:
    services: Services = request.app.state.services
    heartbeat: Heartbeat | None = getattr(request.app.state, "worker_heartbeat", None)
    checks: dict[str, str] = {}
    for name, check in (("database", _database()), ("events", _event_bus(services))):
        try:
            await asyncio.wait_for(check, CHECK_TIMEOUT_SECONDS)
            checks[name] = "ok"
        except Exception as error:
            log.warning("readiness: %s failed: %s", name, type(error).__name__)
            checks[name] = "failed"
    if heartbeat is not None:
        checks["worker"] = "ok" if heartbeat.fresh else "stale"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
    )


async def metrics_endpoint(request: Request) -> Response:
    try:
        queue: dict[str, float] | None = await operations.mail_queue_state(utc_now())
    except Exception as error:
        log.warning("metrics: could not read the mail queue: %s", type(error).__name__)
        queue = None
    return Response(metrics.render(queue), media_type=metrics.CONTENT_TYPE_LATEST)


def routes() -> list[Route]:
    return [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics_endpoint),
    ]
