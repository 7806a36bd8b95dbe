"""Close a websocket whose credential stops holding.

A websocket outlives the token it was opened with: the token expires, its owner signs out
everywhere, changes the password, or the account is erased. Ending the subscriptions is
not enough (the socket would stay open, and a new `subscribe` on it would run as the old
viewer until its first event), so a watcher per authenticated socket asks every
`websocket_recheck_seconds` whether the credential still holds and closes the socket with
4401 ("Unauthorized", as graphql-transport-ws names it) when it does not. Anonymous
sockets have nothing to withdraw and get no watcher. A setting of 0 means "check at every
event" and starts no watcher: the subscriptions end, the socket stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from starlette.websockets import WebSocket, WebSocketState

from amicable.infra.outage import RoundFailures
from amicable.policy import Viewer
from amicable.resolvers import accounts as account_ops
from amicable.services import Services

log = logging.getLogger(__name__)

CLOSE_UNAUTHORIZED = 4401
SCOPE_KEY = "amicable.credential_watcher"


def watch(services: Services, websocket: WebSocket, viewer: Viewer) -> None:
    """Start (or restart, for a new viewer) the watcher of this socket's credential."""
    stop(websocket)
    if viewer.token_id is None and viewer.api_key_id is None:
        return
    if services.settings.websocket_recheck_seconds <= 0:
        return
    websocket.scope[SCOPE_KEY] = asyncio.create_task(_watch(services, websocket, viewer))


def stop(websocket: WebSocket) -> None:
    task = websocket.scope.pop(SCOPE_KEY, None)
    if task is not None:
        task.cancel()


async def stop_and_wait(websocket: WebSocket) -> None:
    task = websocket.scope.pop(SCOPE_KEY, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


_FAILURES = RoundFailures(log, "websocket credential checks")


async def _watch(services: Services, websocket: WebSocket, viewer: Viewer) -> None:
    interval = services.settings.websocket_recheck_seconds
    while websocket.application_state is WebSocketState.CONNECTED:
        await asyncio.sleep(interval)
        try:
            valid = await account_ops.credential_still_valid(services, viewer)
        except Exception as error:
            # The database is unreachable: keep the socket (its events need the database
            # too, so nothing is delivered meanwhile) and ask again at the next interval.
            # Reported once for all sockets, not a traceback per socket per interval.
            _FAILURES.failed(error)
            continue
        _FAILURES.succeeded()
        if not valid:
            if websocket.application_state is WebSocketState.CONNECTED:
                with contextlib.suppress(RuntimeError, OSError):
                    await websocket.close(CLOSE_UNAUTHORIZED, "Unauthorized")
            return
