"""The leak hunt's live check: subscriptions held open across the steps, as every viewer.

Each viewer subscribes to `messageAdded` and `complaintUpdated` of every complaint it may
see, and to its own `notifications`, through the schema's `subscribe` with the context
the websocket door builds after `connection_init` (the viewer its credential stands for).
Whatever arrives is judged on arrival, against the policy on rows read at that moment, as
the viewer the credential stands for *then*: a withdrawn link or an erased account must
get UNAUTHENTICATED, and nobody may get a message, a complaint or a text the policy
denies. Subscribing to a complaint the viewer may not see must answer exactly like
subscribing to one that does not exist.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncGenerator
from typing import Any

import strawberry
from strawberry.types import ExecutionResult

from amicable import policy
from amicable.models import Complaint, Message
from amicable.resolvers import accounts
from amicable.schema import build_schema
from amicable.schema.context import Context
from amicable.schema.relay import decode_global_id, global_id
from tests.reliability.leak_world import Seat, World

MESSAGE_ADDED = """subscription($id: ID!) {
  messageAdded(complaintId: $id) { id body moderationState }
}"""
COMPLAINT_UPDATED = """subscription($id: ID!) {
  complaintUpdated(complaintId: $id) { id visibility }
}"""
NOTIFICATIONS = """subscription { notifications {
  __typename
  ... on MessageAddedNotification { complaint { id } message { id body moderationState } }
  ... on ComplaintUpdatedNotification { complaint { id } }
  ... on ComplaintCreatedNotification { complaint { id } }
  ... on ModerationItemAddedNotification {
    itemId relatedComplaint { id } relatedMessage { id body moderationState }
  }
} }"""
PER_COMPLAINT = {"messageAdded": MESSAGE_ADDED, "complaintUpdated": COMPLAINT_UPDATED}
FIRST_ANSWER_SECONDS = 5.0
# Complaints each viewer follows per feed (the first it may see, held open even once
# denied): every event fans out to each follower, and three threads show what all do.
FOLLOWED_PER_FEED = 3


class LiveWatch:
    _shared_schema: strawberry.Schema | None = None

    def __init__(self, world: World) -> None:
        self.world = world
        # One schema for every world: what it depends on (the limits) is alike in each.
        schema = LiveWatch._shared_schema or build_schema(world.settings)
        LiveWatch._shared_schema = schema
        self.schema = schema
        self.open: dict[tuple[str, str, str], asyncio.Task[None]] = {}
        self.problems: list[str] = []
        self.arrived = 0
        self.turn = 0

    async def settle(self, quiet_rounds: int = 5, limit: float = 5.0) -> None:
        """Until the events of the last step reached everyone: the bus holds nothing
        undelivered and nothing arrived for a few rounds. An event still under way after
        that would be judged on its own arrival, next step."""
        seen, quiet = -1, 0
        async with asyncio.timeout(limit):
            while quiet < quiet_rounds:
                await asyncio.sleep(0.01)
                idle = self.arrived == seen and not self._undelivered()
                quiet = quiet + 1 if idle else 0
                seen = self.arrived

    def _undelivered(self) -> int:
        # The in-memory bus's queues: the backend's, then each subscriber's.
        broadcast = self.world.services.events.broadcast
        waiting = broadcast.backend._published.qsize()  # type: ignore[attr-defined]
        for state in broadcast._channels.values():
            waiting += sum(s._queue.qsize() for s in state.subscribers)
        return int(waiting)

    def assert_nothing_leaked(self) -> None:
        assert not self.problems, self.problems

    async def follow(self, seats: list[Seat], rows: list[Complaint]) -> None:
        """Subscribe whoever may to what they may; check the refusals of the rest."""
        for seat in seats:
            viewer = seat.viewer
            if viewer is None:
                continue  # the door refuses the connection itself
            denied = [c for c in rows if not policy.can_see_complaint(viewer, c)]
            for complaint in (c for c in rows if c not in denied):
                for field, query in PER_COMPLAINT.items():
                    key = (seat.label, field, str(complaint.id))
                    task = self.open.get(key)
                    if task is not None and not task.done():
                        continue
                    if task is None and self._followed(seat, field) >= FOLLOWED_PER_FEED:
                        continue
                    variables = {"id": global_id("Complaint", complaint.id)}
                    await self._start(key, seat, field, query, variables)
            if denied:
                # One denied complaint and feed a step, in turn: the refusal is one path.
                self.turn += 1
                query = list(PER_COMPLAINT.values())[self.turn % len(PER_COMPLAINT)]
                await self._refused_like_missing(seat, query, denied[self.turn % len(denied)])
            key = (seat.label, "notifications", "")
            if viewer.user_id is not None and key not in self.open:
                await self._start(key, seat, "notifications", NOTIFICATIONS, {})

    def _followed(self, seat: Seat, field: str) -> int:
        return sum(1 for label, f, _ in self.open if (label, f) == (seat.label, field))

    async def close(self) -> None:
        for task in self.open.values():
            task.cancel()
        await asyncio.gather(*self.open.values(), return_exceptions=True)
        self.open.clear()

    # --- subscribing ------------------------------------------------------------------------

    async def _subscribe(
        self, seat: Seat, query: str, variables: dict[str, Any]
    ) -> AsyncGenerator[ExecutionResult, None] | ExecutionResult:
        assert seat.viewer is not None
        # What the websocket door's connection_init leaves in the context.
        context = Context(services=self.world.services, viewer=seat.viewer, client_key="hunt")
        return await self.schema.subscribe(query, variables, context_value=context)  # type: ignore[return-value]

    async def _start(
        self, key: tuple[str, str, str], seat: Seat, field: str, query: str, variables: Any
    ) -> None:
        source = await self._subscribe(seat, query, variables)
        if isinstance(source, ExecutionResult):
            self.problems.append(f"{seat.label} {field}: refused {source.errors}")
            return
        self.open[key] = asyncio.create_task(self._collect(seat, field, source))

    async def _collect(
        self, seat: Seat, field: str, source: AsyncGenerator[ExecutionResult, None]
    ) -> None:
        try:
            async for result in source:
                problem = await self._judge(seat, field, result)
                if problem:
                    self.problems.append(problem)
                self.arrived += 1
        finally:
            await source.aclose()

    async def _refused_like_missing(self, seat: Seat, query: str, complaint: Complaint) -> None:
        real = global_id("Complaint", complaint.id)
        fake = global_id("Complaint", uuid.uuid4())
        denied = await self._first(seat, query, real)
        missing = await self._first(seat, query, fake)
        assert json.dumps(denied).replace(real, fake) == json.dumps(missing), (seat.label,)
        assert [e["extensions"]["code"] for e in missing["errors"]] == ["NOT_FOUND"], missing

    async def _first(self, seat: Seat, query: str, complaint_gid: str) -> dict[str, Any]:
        source = await self._subscribe(seat, query, {"id": complaint_gid})
        if isinstance(source, ExecutionResult):
            result = source
        else:
            try:
                result = await asyncio.wait_for(anext(source), FIRST_ANSWER_SECONDS)
            finally:
                await source.aclose()
        return {"data": result.data, "errors": [e.formatted for e in result.errors or []]}

    # --- judging what arrived ---------------------------------------------------------------

    async def _judge(self, seat: Seat, field: str, result: ExecutionResult) -> str | None:
        """A description of what should not have arrived, or None."""
        viewer = (
            await accounts.authenticate(self.world.services, seat.credential)
            if seat.credential
            else policy.Viewer.anonymous()
        )
        codes = [(e.extensions or {}).get("code") for e in result.errors or []]
        if viewer is None:
            return None if codes == ["UNAUTHENTICATED"] else f"{seat.label} {field}: {result}"
        if codes:
            return f"{seat.label} {field}: {codes}"
        assert result.data is not None
        got = result.data[field]
        if field == "messageAdded":
            return await _message_problem(seat.label, viewer, got)
        if field == "complaintUpdated":
            return await _complaint_problem(seat.label, viewer, got["id"])
        return await _notification_problem(seat.label, viewer, got)


async def _complaint_problem(label: str, viewer: policy.Viewer, complaint_gid: str) -> str | None:
    complaint = await Complaint.get_or_none(id=_uuid(complaint_gid))
    if complaint is None or not policy.can_see_complaint(viewer, complaint):
        return f"{label} got complaint {complaint_gid}"
    return None


async def _message_problem(label: str, viewer: policy.Viewer, got: dict[str, Any]) -> str | None:
    message = await Message.get_or_none(id=_uuid(got["id"]))
    complaint = await Complaint.get_or_none(id=message.complaint_id) if message else None
    if message is None or complaint is None:
        return f"{label} got message {got} that is gone"
    if not policy.can_see_message(viewer, complaint, message):
        # A published message taken down reaches its complaint's readers as a bare
        # tombstone: no text.
        if got["body"] or not policy.can_see_complaint(viewer, complaint):
            return f"{label} got message {got['id']} ({message.moderation_state}) with its text"
        return None
    if (
        got["body"] == message.body
        and message.body != message.public_body
        and not policy.sees_original_text(viewer, complaint)
    ):
        return f"{label} got the original text of message {got['id']}"
    return None


async def _notification_problem(
    label: str, viewer: policy.Viewer, got: dict[str, Any]
) -> str | None:
    kind = got["__typename"]
    if kind == "MessageAddedNotification":
        return await _complaint_problem(
            label, viewer, got["complaint"]["id"]
        ) or await _message_problem(label, viewer, got["message"])
    if kind in ("ComplaintUpdatedNotification", "ComplaintCreatedNotification"):
        return await _complaint_problem(label, viewer, got["complaint"]["id"])
    if not policy.can_moderate(viewer):
        return f"{label} got a moderation item"
    if got["relatedComplaint"]:
        problem = await _complaint_problem(label, viewer, got["relatedComplaint"]["id"])
        if problem:
            return problem
    if got["relatedMessage"]:
        return await _message_problem(label, viewer, got["relatedMessage"])
    return None


def _uuid(value: str) -> uuid.UUID:
    decoded = decode_global_id(value)
    assert decoded is not None, value
    return decoded[1]
