"""Shared execution of live subscriptions: subscribers who would receive identical results
share one execution per event.

Anonymous viewers see the same thing whoever they are, and so do the holders of one
partner key (`response_cache.SHARED_KINDS`: the policy gives these classes no personal
visibility). Their subscriptions with the same normalised document, operation name,
variables, language and viewer join one *hub*: a single execution of the subscription as
that class's viewer, whose every result is encoded once and handed, already serialised, to
each member. The policy still decides each event: the hub's feed reloads the rows and asks
it as the class's viewer, so a complaint turned private stops the delivery to every member
at the next event. Signed-in viewers whose visibility is personal (consumers, agents,
moderators, reply links) keep an execution of their own.

Each member is still admitted on its own: the hub subscribes to the bus first (so nothing
published meanwhile is missed), then the member's own document runs once with its own
context against a bus without events, which applies the same checks as a private execution
(validation, limits, the visibility check that answers NOT_FOUND) and sends the same error
when one fails. A member that passes hears every result the hub produces from then on.

Each member has a bounded queue of frames, as a bus subscriber has of events: a client
that falls that far behind is dropped with SLOW_CONSUMER, without delaying the others. The
hub ends when its last member leaves (or its feed ends, which completes every member).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graphql import OperationType
from starlette.websockets import WebSocketDisconnect
from strawberry.types import ExecutionResult

from amicable.infra.messages import Msg, render
from amicable.policy import Viewer
from amicable.schema.context import Context
from amicable.schema.loaders import Loaders
from amicable.schema.response_cache import SHARED_KINDS, normalised_document
from amicable.subscriptions.bus import EventBus
from amicable.subscriptions.bus.broadcast import Subscriber

if TYPE_CHECKING:
    from strawberry.schema import BaseSchema

log = logging.getLogger(__name__)

ShareKey = tuple[Viewer, str, str, str, str]
_END = None


class _WatchedBus(EventBus):
    """The process's bus, telling its hub once the feed has subscribed to a channel."""

    def __init__(self, bus: EventBus, subscribed: asyncio.Event) -> None:
        # Deliberately not EventBus.__init__: this wraps a connected bus, it is not one.
        self._bus = bus
        self._subscribed = subscribed
        self.channels: list[str] = []

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscriber]:
        async with self._bus.subscribe(channel) as subscriber:
            self.channels.append(channel)
            self._subscribed.set()
            try:
                yield subscriber
            finally:
                self.channels.remove(channel)


class _NoEvents(EventBus):
    """A bus whose subscriptions end at once: a feed on it runs its subscribe-time checks
    and completes, which is how a member is admitted with its own viewer."""

    def __init__(self) -> None:
        pass

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscriber]:
        subscriber = Subscriber(channel, 1)
        subscriber._offer(None)  # the end marker: iterating it stops at once
        yield subscriber


class Member:
    """One subscriber's place in a hub: the frames it has not sent yet. A list and a
    future made only while it waits, not an `asyncio.Queue` (four deques and an event, some
    3 KB): an idle subscription should hold little."""

    __slots__ = ("_frames", "_wakeup", "active", "overflowed", "queue_size")

    def __init__(self, queue_size: int) -> None:
        self.queue_size = queue_size
        self._frames: list[str | None] = []
        self._wakeup: asyncio.Future[None] | None = None
        self.overflowed = False
        # Admitted (and counted as a live subscription); frames are kept while it waits.
        self.active = False

    def offer(self, payload: str | None) -> None:
        if self.overflowed:
            return
        if payload is not None and len(self._frames) >= self.queue_size:
            # Dropped: it must subscribe again anyway, so the frames it has not sent are
            # discarded and it hears SLOW_CONSUMER at once, never a stream with a gap.
            self.overflowed = True
            self._frames.clear()
            payload = _END
        self._frames.append(payload)
        if self._wakeup is not None and not self._wakeup.done():
            self._wakeup.set_result(None)

    async def next(self) -> str | None:
        """The next frame's payload, or None when the member is done (ended or dropped)."""
        while not self._frames:
            self._wakeup = asyncio.get_running_loop().create_future()
            try:
                await self._wakeup
            finally:
                self._wakeup = None
        return self._frames.pop(0)


@dataclass(frozen=True, slots=True)
class _Request:
    query: str
    variables: dict[str, object] | None
    operation_name: str | None


class Hub:
    """One execution of a subscription, shared by its members."""

    def __init__(
        self, registry: SharedSubscriptions, key: ShareKey, context: Context, request: _Request
    ) -> None:
        self.registry = registry
        self.key = key
        self.members: set[Member] = set()
        self.subscribed = asyncio.Event()
        self.ended = False
        self.executions = 0
        self.bus = _WatchedBus(context.services.events, self.subscribed)
        self.task = asyncio.create_task(
            self._run(_hub_context(context, self.bus), request),
            name="amicable-shared-subscription",
        )

    def leave(self, member: Member) -> None:
        self.members.discard(member)
        if not self.members:
            self.registry.forget(self)
            self.task.cancel()

    async def _run(self, context: Context, request: _Request) -> None:
        try:
            source = await self.registry.schema.subscribe(
                request.query,
                variable_values=request.variables,
                context_value=context,
                operation_name=request.operation_name,
            )
            async with contextlib.aclosing(source):
                async for result in source:
                    if not isinstance(result, ExecutionResult):
                        break  # refused before execution: each member's admission says why
                    self._deliver(next_payload(result))
        except Exception:
            log.exception("a shared subscription failed")
        finally:
            self._finish()

    def _deliver(self, payload: str) -> None:
        self.executions += 1
        self.registry.executions += 1
        # Members still being admitted keep theirs too, as a private subscription keeps
        # what its bus queue received while its visibility was checked: an admitted member
        # misses nothing published after the hub listened; a refused one drops them.
        for member in self.members:
            member.offer(payload)

    def _finish(self) -> None:
        self.ended = True
        self.subscribed.set()  # members still waiting to be admitted fall back on their own
        self.registry.forget(self)
        for member in self.members:
            member.offer(_END)


class SharedSubscriptions:
    """The hubs of one app (one process's GraphQL view)."""

    def __init__(self, schema: BaseSchema, queue_size: int) -> None:
        self.schema = schema
        self.queue_size = queue_size
        self.hubs: dict[ShareKey, Hub] = {}
        # Results produced by the hubs, each sent to every member: one a hub per event.
        self.executions = 0

    async def key(
        self,
        context: Context,
        query: str,
        variables: dict[str, object] | None,
        operation_name: str | None,
    ) -> ShareKey | None:
        """The key of the hub this subscription may join, or None for one that must run on
        its own (a personal viewer, a refused credential, a document that is no
        subscription or does not parse)."""
        viewer = context.viewer
        if viewer.kind not in SHARED_KINDS or context.auth_failed or context.service_unavailable:
            return None
        if not isinstance(query, str) or not isinstance(variables, dict | None):
            return None
        document = normalised_document(query, operation_name)
        if document is None or document.operation is not OperationType.SUBSCRIPTION:
            return None
        try:
            encoded = json.dumps(variables or {}, sort_keys=True, separators=(",", ":"))
        except (TypeError, ValueError):
            return None
        language = await context.language()
        return (viewer, language.value, document.normalised, operation_name or "", encoded)

    def join(
        self,
        key: ShareKey,
        context: Context,
        query: str,
        variables: dict[str, object] | None,
        operation_name: str | None,
    ) -> tuple[Hub, Member]:
        hub = self.hubs.get(key)
        if hub is None:
            hub = Hub(self, key, context, _Request(query, variables, operation_name))
            self.hubs[key] = hub
        member = Member(self.queue_size)
        hub.members.add(member)
        return hub, member

    def forget(self, hub: Hub) -> None:
        if self.hubs.get(hub.key) is hub:
            del self.hubs[hub.key]

    def members_on(self, channel: str | None = None) -> int:
        """Admitted members of the hubs whose feed listens on `channel` (or on any)."""
        return sum(
            sum(1 for member in hub.members if member.active)
            for hub in self.hubs.values()
            if channel is None or channel in hub.bus.channels
        )

    def hubs_on(self, channel: str | None = None) -> int:
        return sum(
            1 for hub in self.hubs.values() if channel is None or channel in hub.bus.channels
        )


def admission_context(context: Context) -> Context:
    """The member's own context over a bus without events, for its admission run."""
    return _with_bus(copy.copy(context), _NoEvents())


async def overflow_payload(context: Context) -> str:
    """What a member dropped for falling behind hears, as a private execution words it."""
    message = render(Msg.SLOW_CONSUMER, await context.language(), {})
    return _encode(
        {"data": None, "errors": [{"message": message, "extensions": {"code": "SLOW_CONSUMER"}}]}
    )


def _hub_context(context: Context, bus: EventBus) -> Context:
    shared = copy.copy(context)
    # Nothing of the first member's connection stays with the hub, which outlives it.
    for name in ("websocket", "connection_params"):
        if hasattr(shared, name):
            setattr(shared, name, None)
    shared.client_key = "shared-subscription"
    shared.loaders = Loaders(context.viewer)
    return _with_bus(shared, bus)


def _with_bus(context: Context, bus: EventBus) -> Context:
    # A copy of the services (not `dataclasses.replace`, which would rebuild the lexicon).
    services = copy.copy(context.services)
    services.events = bus
    context.services = services
    return context


def next_payload(result: ExecutionResult) -> str:
    """The `next` message's payload as graphql-transport-ws sends it, encoded once."""
    payload: dict[str, object] = {"data": result.data}
    if result.errors:
        payload["errors"] = [error.formatted for error in result.errors]
    if result.extensions:
        payload["extensions"] = result.extensions
    return _encode(payload)


def next_frame(operation_id: str, payload: str) -> str:
    return f'{{"id":{_encode(operation_id)},"type":"next","payload":{payload}}}'


def _encode(value: object) -> str:
    # As the view encodes every message: compact, UTF-8 as it is.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


CLIENT_GONE = (WebSocketDisconnect, OSError, RuntimeError)
