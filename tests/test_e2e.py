"""The real server: `amicable serve` under uvicorn on a free port, spoken to over HTTP."""

from __future__ import annotations

import email
import email.message
import email.policy
import mailbox
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from amicable.settings import Settings

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(settings: Settings, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMICABLE_")}
    env.update(
        AMICABLE_DATA_DIR=str(data_dir),
        AMICABLE_DATABASE_URL=settings.resolved_database_url,
        AMICABLE_SMTPD_BIND="off",
        AMICABLE_SECRET_KEY="e2e-secret",
    )
    return env


class Server:
    def __init__(self, port: int, process: subprocess.Popen[bytes]) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.process = process

    def graphql(self, query: str, token: str | None = None, **variables: object) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables},
            headers=headers,
            timeout=10,
        )
        return response.json()


def _start(settings: Settings, data_dir: Path, *extra: str) -> Server:
    port = _free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    # Output goes to a file: a pipe nobody reads fills up and blocks the server.
    log_path = data_dir / f"server-{port}.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "amicable.cli", "serve", "--port", str(port), *extra],
            env=_server_env(settings, data_dir),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    server = Server(port, process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early:\n{log_path.read_text()}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    process.wait(timeout=5)
    raise AssertionError(f"server did not become healthy within 60 s:\n{log_path.read_text()}")


def _stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=5)


@pytest.fixture
def server(settings: Settings, db: None, tmp_path: Path) -> Iterator[Server]:
    running = _start(settings, tmp_path / "server")
    yield running
    _stop(running)


def _mailed_token(maildir: Path, recipient: str) -> str:
    """The token in the newest mailed link to `recipient`, once the worker delivered it."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if maildir.exists():
            for message in mailbox.Maildir(maildir, create=False):
                parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
                if recipient in str(parsed["To"]):
                    body = parsed.get_body(("plain",))
                    assert isinstance(body, email.message.EmailMessage)
                    found = re.search(r"token=(amv_[A-Za-z0-9_-]+)", body.get_content())
                    if found:
                        return found.group(1)
        time.sleep(0.2)
    raise AssertionError(f"no mail with a link to {recipient}")


def test_register_file_and_read_over_http(server: Server, tmp_path: Path):
    registered = server.graphql(
        'mutation { accountRegister(input: {email: "anna@example.org", password: "een lang'
        ' wachtwoord", fullName: "Anna Janssens"}) { token errors { code } } }'
    )
    token = registered["data"]["accountRegister"]["token"]
    # Complaints are mailed and published once the address is verified by the mailed link.
    verification = _mailed_token(tmp_path / "server" / "maildir", "anna@example.org")
    verified = server.graphql(
        "mutation($t: String!) { accountVerifyEmail(input: {token: $t}) {"
        " user { emailVerified } errors { code } } }",
        t=verification,
    )
    assert verified["data"]["accountVerifyEmail"] == {
        "user": {"emailVerified": True},
        "errors": [],
    }
    filed = server.graphql(
        """mutation { complaintCreate(input: {companyName: "Fietsen Vandamme",
            companyEmail: "info@fietsenvandamme.example", title: "Fiets nog steeds defect",
            description: "Na de herstelling werkt de motor van mijn fiets nog altijd niet.",
            visibility: PUBLIC}) { complaint { reference status } errors { code } } }""",
        token,
    )
    complaint = filed["data"]["complaintCreate"]["complaint"]
    assert complaint["status"] == "WAITING_FOR_COMPANY"
    public = server.graphql(
        "query($ref: String!) { complaint(reference: $ref) { title consumer { pseudonym } } }",
        ref=complaint["reference"],
    )
    assert public == {
        "data": {
            "complaint": {"title": "Fiets nog steeds defect", "consumer": {"pseudonym": "Anna J."}}
        }
    }
    unauthenticated = server.graphql("{ me { email } }", token="amt_wrong")
    assert unauthenticated["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}


def test_demo_data_set_is_filled_once(settings: Settings, db: None, tmp_path: Path):
    server = _start(settings, tmp_path / "demo", "--demo")
    try:
        first = server.graphql("{ companies(first: 50) { totalCount } complaints { totalCount } }")
    finally:
        _stop(server)
    assert first["data"]["companies"]["totalCount"] == 12
    assert first["data"]["complaints"]["totalCount"] >= 6
    server = _start(settings, tmp_path / "demo", "--demo")
    try:
        again = server.graphql("{ companies(first: 50) { totalCount } complaints { totalCount } }")
    finally:
        _stop(server)
    assert again == first
