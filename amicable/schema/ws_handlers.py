"""Strawberry's websocket protocol handlers, with our corrections and, for
graphql-transport-ws, shared execution of subscriptions whose results are the same for all
their subscribers (`shared_subscriptions`).

The legacy graphql-ws protocol keeps one execution per subscription: it is kept for old
clients, and the many-subscriber case is served by graphql-transport-ws.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from typing import Any, cast

from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
    _OperationStreamClosed,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import StartMessage
from strawberry.types.execution import ExecutionResult, PreExecutionError

from amicable import metrics
from amicable.schema import http_edge, shared_subscriptions
from amicable.schema.context import Context
from amicable.schema.shared_subscriptions import Member, SharedSubscriptions


class LegacyWSHandler(BaseGraphQLWSHandler[Context, None]):
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

    async def handle_start(self, message: StartMessage) -> None:
        refusal = http_edge.websocket_refusal(message.get("payload"))
        if refusal is not None and self.connection_acknowledged:
            error: Any = {"type": "error", "id": message["id"], "payload": refusal}
            await self.send_message(error)
            return
        await super().handle_start(message)

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


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws, answering a malformed `subscribe` payload (a `query` that is
    not a string, `variables` that are not an object) with an error carrying a code;
    Strawberry would hand it to the parser and end the operation without a word."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        refusal = http_edge.websocket_refusal(message.get("payload"))
        if (
            refusal is not None
            and self.connection_acknowledged
            and message["id"] not in self.operations
        ):
            error: Any = {"type": "error", "id": message["id"], "payload": [refusal]}
            await self.send_message(error)
            return
        await super().handle_subscribe(message)

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        shared = cast(SharedSubscriptions, getattr(self.view, "shared_subscriptions", None))
        key = None
        if shared is not None:
            key = await shared.key(
                self.context, operation.query, operation.variables, operation.operation_name
            )
        if key is None:
            await super().run_operation(operation)
            return
        hub, member = shared.join(
            key, self.context, operation.query, operation.variables, operation.operation_name
        )
        try:
            # The hub listens before this member's visibility is checked, so an event
            # published in between still reaches it.
            await hub.subscribed.wait()
            if not hub.ended:
                if not await self._admit(operation):
                    return
                if not hub.ended:
                    member.active = True
                    metrics.SHARED_SUBSCRIBERS.inc()
                    await self._relay(operation, member)
                    return
        except _OperationStreamClosed:
            return
        finally:
            hub.leave(member)
            if member.active:
                metrics.SHARED_SUBSCRIBERS.dec()
        # The hub ended before this member was admitted (its feed was refused or the bus
        # closed): run on its own, which answers as the hub's end would have.
        await super().run_operation(operation)

    async def _admit(self, operation: Operation[Context, None]) -> bool:
        """Run the member's document with its own context against a bus without events:
        True when it passed every subscribe-time check; otherwise its errors are sent as a
        private execution would send them, and the operation is complete."""
        source = await self.schema.subscribe(
            operation.query,
            variable_values=operation.variables,
            context_value=shared_subscriptions.admission_context(self.context),
            root_value=self.root_value,
            operation_name=operation.operation_name,
        )
        answered = False

        async def noted() -> AsyncGenerator[ExecutionResult | PreExecutionError, None]:
            nonlocal answered
            async for result in source:
                answered = True
                yield result

        async with contextlib.aclosing(source):
            await self._send_result_stream(operation, noted())
        if answered:
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        return not answered

    async def _relay(self, operation: Operation[Context, None], member: Member) -> None:
        """Send the hub's frames, encoded once for all members, until it ends or the
        member is dropped for falling behind."""
        websocket = cast(ASGIWebSocketAdapter, self.websocket).ws
        while True:
            payload = await member.next()
            if payload is None:
                break
            if operation.completed:
                return
            try:
                await websocket.send_text(shared_subscriptions.next_frame(operation.id, payload))
            except shared_subscriptions.CLIENT_GONE:
                return  # the connection's own handler cleans up
        try:
            if member.overflowed:
                payload = await shared_subscriptions.overflow_payload(self.context)
                await websocket.send_text(shared_subscriptions.next_frame(operation.id, payload))
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        except (WebSocketDisconnected, *shared_subscriptions.CLIENT_GONE):
            return
