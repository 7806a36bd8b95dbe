"""A websocket's words: the language named in its connection_init payload."""

from __future__ import annotations

import uuid

import pytest

from tests.factories import gid
from tests.subscriptions.wsclient import connect


@pytest.mark.parametrize("payload_key", ["Accept-Language", "acceptLanguage", "language"])
async def test_a_websocket_names_its_language_in_connection_init(live, payload_key):
    async with connect(live.ws_url, ack=False) as ws:
        answer = await ws.init({payload_key: "fr"})
        assert answer["type"] == "connection_ack"
        await ws.subscribe(
            "subscription($id: ID!) { messageAdded(complaintId: $id) { id } }",
            id=gid("Complaint", uuid.uuid4()),
        )
        errors = await ws.error()
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    assert errors[0]["message"] == "Plainte introuvable."
