"""The README's recipes, run as a reader would run them: the tour against `serve --demo`,
the mail recipe, the Node subscription example, the several-processes recipe and the import
example. Each compares the answers the README shows."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import PG_URL, REDIS_URL
from tests.deploy.processes import AMICABLE, Process, Server, clean_env, free_port, serve
from tests.deploy.readme_run import json_lines, run_blocks
from tests.docblocks import ROOT, blocks

README = blocks("README.md")
TOUR = [f"tour-{n}" for n in range(1, 9)]


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Server, int]]:
    """A fresh `serve --demo` (the tour writes), with its listener on a free port."""
    smtpd = free_port()
    server = serve(tmp_path, "--demo", env=clean_env(AMICABLE_SMTPD_BIND=f"127.0.0.1:{smtpd}"))
    yield server, smtpd
    server.stop()


def _local(server: Server, smtpd: int = 2525) -> dict[str, str]:
    return {
        "127.0.0.1:8000": f"127.0.0.1:{server.port}",
        'smtplib.SMTP("127.0.0.1", 2525)': f'smtplib.SMTP("127.0.0.1", {smtpd})',
    }


def test_every_marked_block_is_used():
    used = {*TOUR, *(f"{n}-answer" for n in TOUR[1:]), "mail-reply", "node-subscribe"}
    used |= {"processes", "import-file", "import-run", "import-answer"}
    assert set(README) == used


def test_tour(demo, tmp_path):
    server, _ = demo
    outputs = run_blocks(TOUR, replacements=_local(server), cwd=tmp_path, env=clean_env())
    for name in TOUR[1:]:
        assert json_lines(outputs[name]) == json_lines(README[f"{name}-answer"]), name


def test_mail_recipe(demo, tmp_path):
    server, smtpd = demo
    maildir = tmp_path / "var" / "maildir" / "new"
    deadline = time.monotonic() + 90
    # The worker inside `serve` mails the demo's complaints within seconds of the start;
    # the recipe answers the one to Rail Benelux.
    while not (
        maildir.exists()
        and any(b"Abonnement niet terugbetaald" in path.read_bytes() for path in maildir.iterdir())
    ):
        assert time.monotonic() < deadline, "the demo's complaint was not mailed"
        time.sleep(0.3)
    run_blocks(["mail-reply"], replacements=_local(server, smtpd), cwd=tmp_path, env=clean_env())
    answer = server.graphql(
        "{ complaints(first: 100) { nodes { title status messages { edges { node { body } } } } } }"
    )
    [complaint] = [
        c
        for c in answer["data"]["complaints"]["nodes"]
        if c["title"] == "Abonnement niet terugbetaald na staking"
    ]
    assert complaint["status"] == "ANSWERED"
    bodies = [edge["node"]["body"] for edge in complaint["messages"]["edges"]]
    assert bodies == ["Onze technicus komt donderdag langs."]


@pytest.mark.node
def test_node_subscription_example(demo, tmp_path):
    server, _ = demo
    example = ROOT / "examples" / "subscribe.mjs"
    assert README["node-subscribe"] == example.read_text(), "README and example differ"
    project = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", project, ignore=shutil.ignore_patterns("node_modules"))
    installed = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert installed.returncode == 0, installed.stderr
    token = _token(server, "jan.desmet@example.org")
    complaint = _public_open_complaint(server, "Rail Benelux")
    log = tmp_path / "node.log"
    node = Process(
        ["node", "subscribe.mjs", f"ws://127.0.0.1:{server.port}/graphql", token, complaint],
        env=clean_env(),
        cwd=project,
        log=log,
    )
    try:
        deadline = time.monotonic() + 60
        while "subscribed" not in node.output():
            assert node.process.poll() is None and time.monotonic() < deadline, node.output()
            time.sleep(0.2)
        time.sleep(0.5)
        agent = _token(server, "agent@rail-benelux.example")
        posted = server.graphql(
            'mutation($c: ID!) { messagePost(input: {complaintId: $c, body: "Wij betalen het'
            ' abonnement terug."}) { errors { code } } }',
            agent,
            c=complaint,
        )
        assert posted["data"]["messagePost"]["errors"] == [], posted
        node.process.wait(timeout=60)
    finally:
        node.stop()
    assert node.process.returncode == 0, node.output()
    assert '{"authorName":"Rail Benelux","body":"Wij betalen het abonnement terug."}' in (
        node.output()
    )


def _token(server: Server, email: str) -> str:
    answer = server.graphql(
        'mutation($e: String!) { tokenCreate(input: {email: $e, password: "demo-password"})'
        " { token } }",
        e=email,
    )
    return str(answer["data"]["tokenCreate"]["token"])


def _public_open_complaint(server: Server, company: str) -> str:
    answer = server.graphql("{ complaints(first: 100) { nodes { id status company { name } } } }")
    return next(
        c["id"]
        for c in answer["data"]["complaints"]["nodes"]
        if c["company"]["name"] == company and c["status"] == "WAITING_FOR_COMPANY"
    )


def test_import_example(tmp_path):
    (tmp_path / "history.jsonl").write_text(README["import-file"])
    env = clean_env(AMICABLE_DATA_DIR=str(tmp_path / "var"), AMICABLE_SECRET_KEY="k")
    env["PATH"] = f"{Path(AMICABLE).parent}:{env['PATH']}"
    migrated = subprocess.run([AMICABLE, "migrate"], env=env, cwd=tmp_path, timeout=120)
    assert migrated.returncode == 0
    done = subprocess.run(
        ["bash", "-e", "-c", README["import-run"]],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == README["import-answer"]


@pytest.mark.postgres
@pytest.mark.redis
def test_several_processes_recipe(tmp_path):
    from tests.conftest import _pg_admin, _with_database

    assert PG_URL and REDIS_URL
    name = f"amicable_recipe_{free_port()}"
    _pg_admin(PG_URL, f'CREATE DATABASE "{name}"')
    ports = [free_port(), free_port()]
    smtpd = free_port()
    recipe = (
        README["processes"]
        .replace("postgres://amicable@db/amicable", _with_database(PG_URL, name))
        .replace("redis://redis:6379/0", REDIS_URL)
        .replace("--port 8001", f"--port {ports[0]}")
        .replace("--port 8002", f"--port {ports[1]}")
        .replace("127.0.0.1:2525", f"127.0.0.1:{smtpd}")
    )
    env = clean_env(PATH=f"{Path(AMICABLE).parent}:{clean_env()['PATH']}")
    log = tmp_path / "recipe.log"
    # The recipe's last lines start background jobs; `wait` keeps the shell (and so its
    # process group) until the test ends it.
    with log.open("wb") as output:
        shell = subprocess.Popen(
            ["bash", "-e", "-c", recipe + "\nwait\n"],
            env=env,
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        for port in ports:
            deadline = time.monotonic() + 90
            while True:
                assert shell.poll() is None, log.read_text()
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
        for port in ports:
            answer = httpx.post(
                f"http://127.0.0.1:{port}/graphql",
                json={"query": "{ complaints(first: 1) { totalCount } }"},
                timeout=30,
            ).json()
            assert answer == {"data": {"complaints": {"totalCount": 0}}}
    finally:
        os.killpg(shell.pid, signal.SIGTERM)
        shell.wait(timeout=30)
        _pg_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
