"""`amicable inbound` as an MTA runs it: settings from an explicit file or the environment,
never the embedded defaults unless told, never a migration; 75 for every configuration
problem so the MTA keeps the mail."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from amicable.models import Message
from amicable.models.enums import ComplaintStatus, Role
from tests.factories import make_company, make_complaint, make_user
from tests.mail.conftest import fill
from tests.mail.inbound.test_fixtures import REPLIES

AMICABLE = str(Path(sys.executable).with_name("amicable"))


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMICABLE_")}
    return {**env, **extra}


def inbound(
    *args: str, cwd: Path, stdin: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [AMICABLE, "inbound", *args],
        input=stdin,
        cwd=cwd,
        env=env or clean_env(),
        capture_output=True,
        timeout=60,
    )


def test_refuses_the_embedded_defaults_and_creates_nothing(tmp_path):
    done = inbound("--recipient", "reply@reply.amicable.localhost", cwd=tmp_path)
    assert done.returncode == 75
    assert b"no database configured" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_allow_defaults_still_never_creates_a_database(tmp_path):
    done = inbound("--allow-defaults", cwd=tmp_path)
    assert done.returncode == 75
    assert b"does not exist; run `amicable migrate` first" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_missing_env_file_is_a_configuration_problem(tmp_path):
    done = inbound("--env-file", str(tmp_path / "nope.env"), cwd=tmp_path)
    assert done.returncode == 75
    assert b"nope.env does not exist" in done.stderr


def test_invalid_setting_is_one_line_not_a_traceback(tmp_path):
    env_file = tmp_path / "amicable.env"
    env_file.write_text(f"AMICABLE_DATA_DIR={tmp_path}\nAMICABLE_SMTP_TIMEOUT_SECONDS=soon\n")
    done = inbound("--env-file", str(env_file), cwd=tmp_path)
    assert done.returncode == 75
    assert b"invalid settings: smtp_timeout_seconds" in done.stderr
    assert b"Traceback" not in done.stderr


def test_never_migrates_a_database_without_schema(tmp_path):
    database = tmp_path / "empty.sqlite3"
    sqlite3.connect(database).close()
    env_file = tmp_path / "amicable.env"
    env_file.write_text(f"AMICABLE_DATABASE_URL=sqlite://{database}\n")
    done = inbound("--env-file", str(env_file), cwd=tmp_path)
    assert done.returncode == 75
    assert b"schema is not current (missing migrations: 0001_initial" in done.stderr
    tables = sqlite3.connect(database).execute("select name from sqlite_master").fetchall()
    assert tables == []


def test_environment_alone_is_enough(tmp_path, database_url):
    env = clean_env(AMICABLE_DATABASE_URL=database_url, AMICABLE_SECRET_KEY="test-secret-key")
    done = inbound("--recipient", "someone@elsewhere.example", cwd=tmp_path, env=env, stdin=b"x")
    assert done.returncode == 67, done.stderr


async def test_a_company_reply_through_the_command_lands_in_the_thread(
    services, settings, tmp_path
):
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services, email="jan.desmet@example.org")
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    complaint = await make_complaint(services, consumer, company)
    raw = await fill("gmail_nl.eml", complaint)
    env_file = tmp_path / "amicable.env"
    env_file.write_text(
        f"AMICABLE_DATABASE_URL={settings.resolved_database_url}\n"
        f"AMICABLE_SECRET_KEY={settings.secret_key}\n"
        f"AMICABLE_REPLY_DOMAIN={settings.reply_domain}\n"
        f"AMICABLE_FROM_ADDRESS={settings.from_address}\n"
    )
    reply_to = raw.split(b"\r\nTo: ", 1)[1].split(b"\r\n", 1)[0].decode()
    done = inbound(
        "--env-file",
        str(env_file),
        "--sender",
        "sofie.peeters@telenova.be",
        "--recipient",
        reply_to,
        cwd=tmp_path,
        stdin=raw,
    )
    assert done.returncode == 0, done.stderr
    [message] = await Message.filter(complaint_id=complaint.id)
    assert message.body == REPLIES["gmail_nl.eml"]
    await complaint.refresh_from_db()
    assert complaint.status is ComplaintStatus.ANSWERED
