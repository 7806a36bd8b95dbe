"""A database outage answers every viewer alike, with SERVICE_UNAVAILABLE: queries and
mutations over HTTP (503), subscriptions over websockets. The real server runs on a
database of its own, which the test then drops (the shared Postgres server stays up)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

from amicable.settings import Settings
from tests.conftest import PG_URL, _pg_admin, _with_database
from tests.test_e2e import Server, _start, _stop

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

UNAVAILABLE = {
    "data": None,
    "errors": [
        {
            "message": "The service is temporarily unavailable; try again shortly.",
            "extensions": {"code": "SERVICE_UNAVAILABLE"},
        }
    ],
}
REGISTER = (
    "mutation($email: String!) { accountRegister(input: {email: $email,"
    ' password: "een lang wachtwoord", fullName: "Anna Janssens"}) { token errors { code } } }'
)
SUBSCRIPTION = "subscription($id: ID!) { messageAdded(complaintId: $id) { id body } }"
COMPLAINT_ID = "Q29tcGxhaW50OjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMQ=="


@pytest.fixture
def own_database(settings: Settings, tmp_path: Path):
    assert PG_URL
    name = f"amicable_outage_{uuid.uuid4().hex[:12]}"
    _pg_admin(PG_URL, f'CREATE DATABASE "{name}"')
    try:
        yield settings.model_copy(update={"database_url": _with_database(PG_URL, name)}), name
    finally:
        _pg_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _post(server: Server, query: str, token: str | None = None, **variables: object):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(
        f"{server.url}/graphql",
        json={"query": query, "variables": variables},
        headers=headers,
        timeout=30,
    )


def _subscription_errors(server: Server, token: str | None) -> list[dict]:
    url = server.url.replace("http://", "ws://") + "/graphql"
    with connect(url, subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:  # type: ignore[list-item]
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"
        ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": SUBSCRIPTION, "variables": {"id": COMPLAINT_ID}},
                }
            )
        )
        while True:
            message = json.loads(ws.recv(timeout=20))
            if message["type"] == "error":
                return message["payload"]
            if message["type"] == "next" and message["payload"].get("errors"):
                return message["payload"]["errors"]


def test_an_outage_answers_every_viewer_alike(own_database, tmp_path: Path):
    settings, name = own_database
    server = _start(settings, tmp_path / "server")
    try:
        registered = _post(server, REGISTER, email="anna@example.org").json()
        token = registered["data"]["accountRegister"]["token"]
        assert _post(server, "{ me { email } }", token).json()["data"]["me"]

        assert PG_URL
        _pg_admin(PG_URL, f'DROP DATABASE "{name}" WITH (FORCE)')

        answers = [
            _post(server, "{ complaints { totalCount } }"),
            _post(server, "{ complaints { totalCount } }", token),
            _post(server, "{ me { email } complaints { totalCount } }", token),
            _post(server, "{ companies { totalCount } }"),
            _post(server, REGISTER, email="bert@example.org"),
            _post(
                server,
                'mutation { tokenCreate(input: {email: "a@b.org", password: "x"}) { token } }',
            ),
            _post(
                server,
                'mutation($id: ID!) { messagePost(input: {complaintId: $id, body: "Hallo"})'
                " { errors { code } } }",
                token,
                id=COMPLAINT_ID,
            ),
        ]
        for response in answers:
            assert response.status_code == 503, response.text
            assert response.json() == UNAVAILABLE

        for viewer_token in (None, token):
            [error] = _subscription_errors(server, viewer_token)
            assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE", error
        # Alive, but not ready: /healthz is liveness only, /readyz checks the database.
        assert httpx.get(f"{server.url}/healthz", timeout=10).status_code == 200
        assert httpx.get(f"{server.url}/readyz", timeout=10).status_code == 503
    finally:
        _stop(server)
