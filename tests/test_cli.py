"""The `amicable` command's own subcommands, run as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from amicable.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def _run(
    args: list[str], env_extra: dict[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMICABLE_")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "amicable.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_schema_print_matches_the_committed_schema(tmp_path: Path):
    result = _run(["schema", "print"], {"AMICABLE_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout == (ROOT / "schema.graphql").read_text()


def test_migrate_then_create_users(tmp_path: Path):
    env = {"AMICABLE_DATA_DIR": str(tmp_path / "data")}
    assert _run(["migrate"], env).returncode == 0
    assert (tmp_path / "data" / "amicable.sqlite3").exists()
    created = _run(
        [
            "users",
            "create",
            "--role",
            "moderator",
            "--email",
            "Mona@Example.org",
            "--name",
            "Mona Moderator",
        ],
        env,
        stdin="a long password\n",
    )
    assert created.returncode == 0, created.stderr
    assert created.stdout == "created moderator mona@example.org\n"
    duplicate = _run(
        [
            "users",
            "create",
            "--role",
            "moderator",
            "--email",
            "mona@example.org",
            "--name",
            "Mona",
            "--password",
            "a long password",
        ],
        env,
    )
    assert duplicate.returncode == 1
    assert duplicate.stderr == "email: An account with this email already exists.\n"
    no_company = _run(
        [
            "users",
            "create",
            "--role",
            "agent",
            "--email",
            "agent@example.org",
            "--name",
            "A",
            "--password",
            "a long password",
            "--company",
            "nope",
        ],
        env,
    )
    assert no_company.returncode == 1
    assert no_company.stderr == "no company with slug 'nope'\n"


def test_data_folder_keeps_a_generated_secret(tmp_path: Path):
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    key = settings.resolved_secret_key()
    assert len(key) > 40
    assert Settings(_env_file=None, data_dir=tmp_path).resolved_secret_key() == key  # type: ignore[call-arg]
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
