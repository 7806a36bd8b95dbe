"""A small GraphQL-over-websocket client speaking both protocols, for the tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"
TIMEOUT = 5.0


class GraphQLWebSocket:
    def __init__(self, ws: ClientConnection, protocol: str) -> None:
        self.ws = ws
        self.protocol = protocol
        self._next_id = 0

    async def receive(self, within: float = TIMEOUT) -> dict[str, Any]:
        """The next protocol message, skipping keep-alives."""
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), within)
            message = json.loads(raw)
            if message.get("type") not in ("ka", "ping", "pong"):
                return message

    async def init(self, payload: dict[str, Any] | None) -> dict[str, Any]:
        await self.ws.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
        return await self.receive()

    async def subscribe(self, query: str, **variables: Any) -> str:
        self._next_id += 1
        op_id = str(self._next_id)
        kind = "subscribe" if self.protocol == TRANSPORT_WS else "start"
        await self.ws.send(
            json.dumps(
                {"id": op_id, "type": kind, "payload": {"query": query, "variables": variables}}
            )
        )
        return op_id

    async def next(self, within: float = TIMEOUT) -> dict[str, Any]:
        """The next result payload (`data` and maybe `errors`) of any operation."""
        message = await self.receive(within)
        assert message["type"] in ("next", "data"), message
        return message["payload"]

    async def error(self, within: float = TIMEOUT) -> list[dict[str, Any]]:
        """The errors ending an operation, whichever way the protocol carries them."""
        message = await self.receive(within)
        if message["type"] == "error":
            payload = message["payload"]
            return payload if isinstance(payload, list) else [payload]
        assert message["type"] in ("next", "data") and message["payload"].get("errors"), message
        # A failed execution is followed by the operation's `complete`.
        done = await self.receive(within)
        assert done == {"id": message["id"], "type": "complete"}, done
        return message["payload"]["errors"]

    async def nothing(self, within: float = 0.3) -> None:
        try:
            message = await self.receive(within)
        except TimeoutError:
            return
        raise AssertionError(f"expected nothing, got {message}")


@asynccontextmanager
async def connect(
    url: str, protocol: str = TRANSPORT_WS, token: str | None = None, *, ack: bool = True
) -> AsyncIterator[GraphQLWebSocket]:
    async with websockets.connect(url, subprotocols=[protocol], open_timeout=TIMEOUT) as ws:  # type: ignore[list-item]
        client = GraphQLWebSocket(ws, protocol)
        if ack:
            answer = await client.init({"Authorization": f"Bearer {token}"} if token else None)
            assert answer["type"] == "connection_ack", answer
        yield client
