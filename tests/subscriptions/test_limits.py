"""Subscriptions over websockets obey the same limits as queries: cost with fragments
expanded, and the rules on text inputs, both before anything subscribes."""

from __future__ import annotations

import json

import pytest

from tests.subscriptions.wsclient import LEGACY_WS, TRANSPORT_WS, connect

pytestmark = pytest.mark.e2e


def _hostile_subscription(levels: int = 40) -> str:
    fragments = " ".join(
        f"fragment F{i} on Message {{ id ...G{i} ...G{i} }} fragment G{i} on Message {{ ...F{i + 1} }}"  # noqa: E501
        for i in range(levels)
    )
    return (
        "subscription($id: ID!) { messageAdded(complaintId: $id) { ...F0 } } "
        f"{fragments} fragment F{levels} on Message {{ body }}"
    )


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_a_hostile_subscription_is_refused_before_subscribing(live, protocol):
    live.services.settings.max_query_cost = 1_000
    async with connect(live.ws_url, protocol) as ws:
        await ws.subscribe(_hostile_subscription(), id="Q29tcGxhaW50OngK")
        [error] = await ws.error()
        assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
        assert error["extensions"]["limit"] == 1_000
        assert live.services.events.subscriber_count() == 0
        # The connection stays usable.
        await ws.subscribe(_hostile_subscription(levels=1), id="\x00")
        [error] = await ws.error()
        assert error["extensions"] == {
            "code": "INVALID_INPUT",
            "field": "complaintId",
            "reason": "CONTROL_CHARACTER",
        }


SCORES = 'subscription { companyScoreUpdated(companyId: "x") { company { name } } }'


@pytest.mark.parametrize(
    "payload",
    [
        {"query": SCORES, "variables": [1]},
        {"query": SCORES, "variables": "x"},
        {"query": SCORES, "operationName": 3},
        {"query": 5},
        {"query": ["subscription"]},
        {"variables": {}},
        [],
    ],
)
@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_malformed_subscribe_messages_answer_an_error(live, payload, protocol):
    kind = "subscribe" if protocol == TRANSPORT_WS else "start"
    async with connect(live.ws_url, protocol) as ws:
        await ws.ws.send(json.dumps({"id": "1", "type": kind, "payload": payload}))
        message = await ws.receive()
        assert message["type"] == "error", message
        errors = message["payload"] if protocol == TRANSPORT_WS else [message["payload"]]
        assert errors[0]["extensions"]["code"] == "BAD_REQUEST", message
    # The server is still fine.
    async with connect(live.ws_url, TRANSPORT_WS) as ws:
        await ws.subscribe(_hostile_subscription(), id="Q29tcGxhaW50OngK")
        assert (await ws.error())[0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
