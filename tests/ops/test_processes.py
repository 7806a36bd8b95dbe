"""Several processes starting at once on an empty database, as docs/operations.md deploys
them: two `serve --no-worker`, one `worker`, and one `smtpd` holding the SMTP port."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from amicable.db import migration_lock
from tests.conftest import PG_URL, _pg_admin, _with_database
from tests.ops.cli import clean_env, free_port, run, start, stop

pytestmark = pytest.mark.e2e


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    assert PG_URL is not None
    name = f"amicable_ops_{uuid.uuid4().hex[:8]}"
    _pg_admin(PG_URL, f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(PG_URL, name)
    finally:
        _pg_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_ready(port: int, deadline: float) -> dict:
    last: object = None
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
            if response.status_code == 200:
                return response.json()
            last = response.json()
        except httpx.HTTPError as error:
            last = error
        time.sleep(0.2)
    raise AssertionError(f"port {port} never became ready: {last}")


def _graphql(port: int, query: str, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"http://127.0.0.1:{port}/graphql", json={"query": query}, headers=headers, timeout=10
    )
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]


def _file_a_complaint(env: dict[str, str], cwd: Path, ports: list[int]) -> None:
    for role, email in (("moderator", "mod@example.org"), ("consumer", "jan@example.org")):
        command = ["users", "create", "--role", role, "--email", email, "--name", role.title()]
        created = run([*command, "--password", "a long password"], env, cwd)
        assert created.returncode == 0, created.stderr
    tokens = {}
    for email in ("mod@example.org", "jan@example.org"):
        signed_in = _graphql(
            ports[0],
            f'mutation {{ tokenCreate(input: {{email: "{email}", password: "a long password"}})'
            " { token } }",
        )
        tokens[email] = signed_in["tokenCreate"]["token"]
    company = _graphql(
        ports[1],
        'mutation { companyCreate(input: {name: "Telenova", complaintAddresses: '
        '["klachten@telenova.example"]}) { company { id } errors { code } } }',
        tokens["mod@example.org"],
    )["companyCreate"]["company"]["id"]
    filed = _graphql(
        ports[0],
        f'mutation {{ complaintCreate(input: {{companyId: "{company}", title: "Modem kapot", '
        'description: "Na het onweer geeft mijn modem geen signaal meer."}) '
        "{ complaint { status } errors { code } } }",
        tokens["jan@example.org"],
    )
    assert filed["complaintCreate"]["complaint"]["status"] == "WAITING_FOR_COMPANY", filed


@pytest.mark.postgres
def test_two_servers_a_worker_and_a_listener_start_at_once_on_an_empty_database(
    empty_postgres: str, tmp_path: Path
):
    env = clean_env(
        AMICABLE_DATABASE_URL=empty_postgres,
        AMICABLE_BROADCAST_URL=empty_postgres,
        AMICABLE_SECRET_KEY="one-key-shared-by-every-process",
        AMICABLE_DATA_DIR=str(tmp_path / "data"),
        AMICABLE_SMTPD_BIND="off",
        AMICABLE_OUTBOX_POLL_SECONDS="0.2",
    )
    ports = [free_port(), free_port()]
    smtp_port = free_port()
    logs = [tmp_path / f"{name}.log" for name in ("serve0", "serve1", "worker", "smtpd")]
    commands = [
        ["serve", "--no-worker", "--port", str(ports[0])],
        ["serve", "--no-worker", "--port", str(ports[1])],
        ["worker"],
        ["smtpd", "--bind", f"127.0.0.1:{smtp_port}"],
    ]
    processes = [
        start(command, env, tmp_path, log) for command, log in zip(commands, logs, strict=True)
    ]
    try:
        deadline = time.monotonic() + 60
        for port in ports:
            body = _wait_ready(port, deadline)
            # A serve process without a worker has no worker check to pass.
            assert body == {"status": "ok", "checks": {"database": "ok", "events": "ok"}}
        while time.monotonic() < deadline and "started" not in logs[2].read_text():
            time.sleep(0.1)
        while time.monotonic() < deadline and "listening" not in logs[3].read_text():
            time.sleep(0.1)
        for process, log in zip(processes, logs, strict=True):
            assert process.poll() is None, log.read_text()
            text = log.read_text()
            assert "Traceback" not in text and "already exists" not in text, text
        assert f"inbound SMTP listening on 127.0.0.1:{smtp_port}" in logs[3].read_text()
        # Work flows through all of them: a complaint filed on one server, its company
        # made on the other, its mail sent by the worker.
        _file_a_complaint(env, tmp_path, ports)
        while time.monotonic() < deadline + 30 and "outbox: sent" not in logs[2].read_text():
            time.sleep(0.1)
        assert "outbox: sent complaint mail" in logs[2].read_text(), logs[2].read_text()
    finally:
        stop(*processes)


def test_first_starts_on_one_sqlite_file_wait_for_each_other(tmp_path: Path):
    env = clean_env(AMICABLE_DATA_DIR=str(tmp_path / "data"), AMICABLE_SMTPD_BIND="off")
    logs = [tmp_path / f"migrate{i}.log" for i in range(3)]
    processes = [start(["migrate"], env, tmp_path, log) for log in logs]
    for process, log in zip(processes, logs, strict=True):
        assert process.wait(60) == 0, log.read_text()
    assert (tmp_path / "data" / "amicable.migrate-lock").exists()
    # A later start finds the database current.
    assert run(["migrate"], env, tmp_path).returncode == 0


async def test_the_sqlite_lock_is_exclusive(tmp_path: Path):
    url = f"sqlite://{tmp_path / 'db.sqlite3'}"
    order: list[str] = []

    async def hold(name: str) -> None:
        async with migration_lock(url):
            order.append(f"{name} in")
            await asyncio.sleep(0.05)
            order.append(f"{name} out")

    await asyncio.gather(hold("a"), hold("b"))
    assert order in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])


@pytest.mark.postgres
async def test_the_postgres_lock_is_exclusive(empty_postgres: str):
    order: list[str] = []

    async def hold(name: str) -> None:
        # Tortoise's pool options in the URL are left out of the lock's connection.
        url = (
            f"{empty_postgres}?minsize=1&maxsize=3&sslmode=disable"
            if name == "b"
            else (empty_postgres)
        )
        async with migration_lock(url):
            order.append(f"{name} in")
            await asyncio.sleep(0.2)
            order.append(f"{name} out")

    await asyncio.gather(hold("a"), hold("b"))
    assert order in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])
