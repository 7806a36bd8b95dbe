"""SIGTERM stops the real server while requests are in flight: a hostile document, a
request whose body never finishes arriving, an open subscription."""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

from amicable.settings import Settings
from tests.test_e2e import _free_port, _server_env

pytestmark = pytest.mark.e2e

# Generous: says "exits", not "exits fast"; the grace period is 2 s.
EXIT_WITHIN = 45
SUBSCRIPTION = 'subscription { companyScoreUpdated(companyId: "x") { company { name } } }'


def _hostile_document(levels: int = 40) -> str:
    fragments = " ".join(
        f"fragment F{i} on Query {{ __typename ...G{i} ...G{i} }} fragment G{i} on Query {{ ...F{i + 1} }}"  # noqa: E501
        for i in range(levels)
    )
    return f"{{ ...F0 }} {fragments} fragment F{levels} on Query {{ __typename }}"


def _start(settings: Settings, data_dir: Path) -> tuple[int, subprocess.Popen[bytes]]:
    port = _free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = _server_env(settings, data_dir)
    env["AMICABLE_SHUTDOWN_GRACE_SECONDS"] = "2"
    with (data_dir / "server.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "amicable.cli", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, (data_dir / "server.log").read_text()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return port, process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("server did not start")


def test_sigterm_ends_the_server_with_requests_in_flight(settings: Settings, db, tmp_path):
    port, process = _start(settings, tmp_path / "server")
    sockets: list[socket.socket] = []
    with contextlib.ExitStack() as stack:
        try:
            _exercise(port, process, sockets, stack)
        finally:
            for sock in sockets:
                sock.close()
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    assert process.returncode is not None


def _exercise(
    port: int,
    process: subprocess.Popen[bytes],
    sockets: list[socket.socket],
    stack: contextlib.ExitStack,
) -> None:
    answered = httpx.post(
        f"http://127.0.0.1:{port}/graphql", json={"query": _hostile_document()}, timeout=30
    )
    assert answered.status_code == 400
    assert answered.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"

    # A request whose body never finishes arriving.
    slow = socket.create_connection(("127.0.0.1", port))
    sockets.append(slow)
    slow.sendall(
        b"POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b'Content-Length: 50000\r\n\r\n{"query": "{ __typename'
    )
    # A live subscription.
    ws = stack.enter_context(
        connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    )
    ws.send(json.dumps({"type": "connection_init", "payload": {}}))
    assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"
    ws.send(
        json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": SUBSCRIPTION},
            }
        )
    )
    # And a hostile document still on its way in when the signal comes.
    hostile = socket.create_connection(("127.0.0.1", port))
    sockets.append(hostile)
    body = json.dumps({"query": _hostile_document()}).encode()
    hostile.sendall(
        b"POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )

    process.send_signal(signal.SIGTERM)
    process.wait(timeout=EXIT_WITHIN)
