"""The shipped systemd units, run as systemd would run them: their ExecStart lines with
their Environment and EnvironmentFile (this test's), in dependency order: the migration
first, then two web instances, the worker and the SMTP listener, which must come up and
work together."""

from __future__ import annotations

import asyncio
import shlex
import smtplib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import PG_URL, REDIS_URL
from tests.deploy.processes import AMICABLE, Process, Server, clean_env, free_port

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
INSTALLED = "/opt/amicable/.venv/bin/amicable"
ENV_FILE = "/etc/amicable/amicable.env"


def read_unit(name: str) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for line in (UNITS / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            keys.setdefault(key.strip(), []).append(value.strip())
    return keys


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def command(unit: str, env_file: Path, instance: str = "") -> tuple[list[str], dict[str, str]]:
    """The unit's ExecStart and environment, with the test's paths."""
    keys = read_unit(unit)
    assert keys["EnvironmentFile"] == [ENV_FILE], unit
    env = clean_env(**read_env_file(env_file))
    for assignment in keys.get("Environment", []):
        key, _, value = assignment.partition("=")
        env[key] = value
    [exec_start] = keys["ExecStart"]
    argv = shlex.split(exec_start.replace("%i", instance))
    assert argv[0] == INSTALLED, exec_start
    return [AMICABLE, *argv[1:]], env


@pytest.fixture
def env_file(tmp_path: Path, database_url: str) -> Path:
    smtpd_port = free_port()
    lines = {
        "AMICABLE_DATA_DIR": str(tmp_path / "data"),
        "AMICABLE_DATABASE_URL": database_url,
        "AMICABLE_BROADCAST_URL": REDIS_URL or "memory://",
        "AMICABLE_SECRET_KEY": "systemd-test-secret",
        "AMICABLE_SMTPD_BIND": f"127.0.0.1:{smtpd_port}",
        "AMICABLE_OUTBOX_POLL_SECONDS": "0.2",
    }
    # The example's keys are the ones an operator fills in; the test uses all of them that
    # make sense on one machine, and its own values.
    example = read_env_file(UNITS.parent / "amicable.env.example")
    assert set(lines) - {"AMICABLE_OUTBOX_POLL_SECONDS"} <= set(example)
    path = tmp_path / "amicable.env"
    path.write_text("".join(f"{k}={v}\n" for k, v in lines.items()))
    return path


@pytest.fixture
def fresh_database(env_file: Path, tmp_path: Path) -> Iterator[None]:
    """An empty database: SQLite in the data folder, or a new Postgres database."""
    if not PG_URL:
        values = read_env_file(env_file)
        path = tmp_path / "data" / "fresh.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        values["AMICABLE_DATABASE_URL"] = f"sqlite://{path}"
        env_file.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        yield
        return
    from tests.conftest import _pg_admin, _with_database

    name = f"amicable_systemd_{free_port()}"
    _pg_admin(PG_URL, f'CREATE DATABASE "{name}"')
    values = read_env_file(env_file)
    values["AMICABLE_DATABASE_URL"] = _with_database(PG_URL, name)
    env_file.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    yield
    _pg_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_units_come_up_and_work_together(tmp_path, env_file, fresh_database):
    workdir = tmp_path / "data"
    workdir.mkdir(exist_ok=True)
    argv, env = command("amicable-migrate.service", env_file)
    migrated = subprocess.run(argv, env=env, cwd=workdir, capture_output=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr

    started: list[Process] = []
    try:
        servers = []
        for _ in range(2):
            port = free_port()
            argv, env = command("amicable-serve@.service", env_file, str(port))
            assert env["AMICABLE_SMTPD_BIND"] == "off"
            server = Server(port, argv, env=env, cwd=workdir, log=tmp_path / f"serve-{port}.log")
            started.append(server)
            servers.append(server)
        for unit in ("amicable-worker.service", "amicable-smtpd.service"):
            argv, env = command(unit, env_file)
            started.append(Process(argv, env=env, cwd=workdir, log=tmp_path / f"{unit}.log"))
        for server in servers:
            server.wait_healthy()

        # The listener answers SMTP on the configured address.
        smtpd_port = int(read_env_file(env_file)["AMICABLE_SMTPD_BIND"].rpartition(":")[2])
        deadline = time.monotonic() + 60
        while True:
            try:
                with smtplib.SMTP("127.0.0.1", smtpd_port, timeout=5) as smtp:
                    assert smtp.ehlo()[0] == 250
                break
            except OSError:
                assert time.monotonic() < deadline, started[-1].output()
                time.sleep(0.3)

        # A complaint filed on one web instance is readable on the other and mailed by the
        # worker (no SMTP relay configured: into the Maildir).
        argv, env = command("amicable-worker.service", env_file)
        created = subprocess.run(
            [AMICABLE, "users", "create", "--role", "moderator", "--email", "mod@example.org",
             "--name", "Mona", "--password", "moderator-password"],
            env=env, cwd=workdir, capture_output=True, timeout=60,
        )  # fmt: skip
        assert created.returncode == 0, created.stderr
        # A consumer made by the command counts as verified, so the complaint is mailed.
        created = subprocess.run(
            [AMICABLE, "users", "create", "--role", "consumer", "--email", "els@example.org",
             "--name", "Els Peeters", "--password", "lang genoeg wachtwoord"],
            env=env, cwd=workdir, capture_output=True, timeout=60,
        )  # fmt: skip
        assert created.returncode == 0, created.stderr
        asyncio.run(_file_complaint(servers[0]))
        answer = servers[1].graphql("{ complaints(first: 5) { totalCount } }")
        assert answer["data"]["complaints"]["totalCount"] == 1
        maildir = workdir / "maildir" / "new"
        deadline = time.monotonic() + 60
        while not (maildir.exists() and any(maildir.iterdir())):
            assert time.monotonic() < deadline, started[2].output()
            time.sleep(0.3)
        for process in started:
            assert process.process.poll() is None, process.output()
    finally:
        for process in started:
            process.stop()


async def _file_complaint(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:

        async def gql(query: str, token: str | None = None, **variables: object) -> dict:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = await http.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
            body = response.json()
            assert not body.get("errors"), body
            return dict(body["data"])

        signed_in = await gql(
            'mutation { tokenCreate(input: {email: "mod@example.org",'
            ' password: "moderator-password"}) { token } }'
        )
        moderator = signed_in["tokenCreate"]["token"]
        company = await gql(
            'mutation { companyCreate(input: {name: "Telenova",'
            ' complaintAddresses: ["klachten@telenova.example"]})'
            " { company { id } errors { code } } }",
            moderator,
        )
        company_id = company["companyCreate"]["company"]["id"]
        signed_in = await gql(
            'mutation { tokenCreate(input: {email: "els@example.org",'
            ' password: "lang genoeg wachtwoord"}) { token } }'
        )
        token = signed_in["tokenCreate"]["token"]
        created = await gql(
            'mutation($c: ID!) { complaintCreate(input: {companyId: $c, title: "Modem kapot",'
            ' description: "Na het onweer geeft mijn modem geen signaal meer.",'
            " category: SERVICE, visibility: PUBLIC})"
            " { complaint { status } errors { code } } }",
            token,
            c=company_id,
        )
        assert created["complaintCreate"]["complaint"]["status"] == "WAITING_FOR_COMPANY"
