"""Start-up as an operator meets it: the real command, its exit code and its stderr."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from amicable import __version__
from tests.ops.cli import clean_env, free_port, run

PRODUCTION_OK = {
    "AMICABLE_ENV": "production",
    "AMICABLE_SECRET_KEY": "a-long-shared-production-secret",
    "AMICABLE_PUBLIC_URL": "https://klachten.example.org",
    "AMICABLE_FROM_ADDRESS": "klachten@example.org",
    "AMICABLE_REPLY_DOMAIN": "reply.example.org",
    "AMICABLE_SMTPD_BIND": "off",
}


def _no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr


def test_version(tmp_path: Path):
    result = run(["--version"], clean_env(), tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"amicable {__version__}"


def test_production_refuses_every_unsafe_default_one_line_each(tmp_path: Path):
    env = clean_env(AMICABLE_ENV="production", AMICABLE_DATA_DIR=str(tmp_path / "data"))
    result = run(["serve", "--port", str(free_port())], env, tmp_path)
    assert result.returncode == 2
    _no_traceback(result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4, lines
    assert all(line.startswith("amicable: ") for line in lines)
    joined = "\n".join(lines)
    for setting in (
        "AMICABLE_SECRET_KEY",
        "AMICABLE_REPLY_DOMAIN",
        "AMICABLE_FROM_ADDRESS",
        "AMICABLE_PUBLIC_URL",
    ):
        assert setting in joined
    # Nothing started: no database, no generated key.
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("command", [["worker"], ["smtpd", "--bind", "127.0.0.1:0"], ["migrate"]])
def test_production_refuses_for_every_long_running_command(tmp_path: Path, command: list[str]):
    env = clean_env(**{**PRODUCTION_OK, "AMICABLE_SECRET_KEY": ""})
    env["AMICABLE_DATA_DIR"] = str(tmp_path / "data")
    result = run(command, env, tmp_path)
    assert result.returncode == 2
    _no_traceback(result.stderr)
    assert result.stderr.startswith("amicable: AMICABLE_SECRET_KEY is not set")


def test_production_with_real_settings_migrates_and_warns_about_sqlite(tmp_path: Path):
    env = clean_env(**PRODUCTION_OK, AMICABLE_DATA_DIR=str(tmp_path / "data"))
    result = run(["migrate"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1
    assert "SQLite" in warnings[0] and "one process" in warnings[0]


def test_invalid_settings_in_every_mode_one_line_each(tmp_path: Path):
    env = clean_env(
        AMICABLE_DATA_DIR=str(tmp_path / "data"),
        AMICABLE_SCORE_WEIGHT_SPEED="0.30",
        AMICABLE_PUBLIC_URL="not a url",
        AMICABLE_SMTPD_BIND="localhost",
        AMICABLE_BROADCAST_URL="kafka://somewhere",
        AMICABLE_OUTBOX_BATCH_SIZE="0",
        AMICABLE_TRUSTED_PROXIES="10.0.0.0/8,not-a-network",
        AMICABLE_LOG_FORMAT="xml",
    )
    result = run(["serve", "--port", str(free_port())], env, tmp_path)
    assert result.returncode == 2
    _no_traceback(result.stderr)
    lines = result.stderr.strip().splitlines()
    expected = [
        "AMICABLE_SCORE_WEIGHT_RESOLUTION, _RESPONSE and _SPEED must add up to 1 (they add up "
        "to 1.15)",
        "AMICABLE_PUBLIC_URL: 'not a url' is not an http(s) URL with a host",
        "AMICABLE_BROADCAST_URL: kafka scheme",
        "AMICABLE_SMTPD_BIND: 'localhost' is not host:port (or off)",
        "AMICABLE_OUTBOX_BATCH_SIZE: must be positive (is 0)",
        "AMICABLE_TRUSTED_PROXIES: 'not-a-network' is not an address or CIDR",
        "AMICABLE_LOG_FORMAT: 'xml' is neither text nor json",
    ]
    assert len(lines) == len(expected), lines
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(f"amicable: {start}"), (line, start)


def test_a_value_of_the_wrong_type_is_one_line_too(tmp_path: Path):
    env = clean_env(AMICABLE_DATA_DIR=str(tmp_path), AMICABLE_MAX_TOKENS="many")
    result = run(["worker"], env, tmp_path)
    assert result.returncode == 2
    _no_traceback(result.stderr)
    assert result.stderr.startswith("amicable: AMICABLE_MAX_TOKENS: ")
    assert len(result.stderr.strip().splitlines()) == 1


def _listening() -> tuple[socket.socket, int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock, sock.getsockname()[1]


def test_http_port_in_use_is_reported_before_anything_starts(tmp_path: Path):
    sock, port = _listening()
    with sock:
        env = clean_env(AMICABLE_DATA_DIR=str(tmp_path / "data"), AMICABLE_SMTPD_BIND="off")
        result = run(["serve", "--port", str(port)], env, tmp_path)
    assert result.returncode == 2
    _no_traceback(result.stderr)
    assert result.stderr == (
        f"amicable: HTTP listener: 127.0.0.1:{port} is already in use by another process\n"
    )
    assert not (tmp_path / "data").exists()  # no migration ran


def test_smtp_port_in_use_is_reported_before_anything_starts(tmp_path: Path):
    sock, port = _listening()
    with sock:
        env = clean_env(
            AMICABLE_DATA_DIR=str(tmp_path / "data"), AMICABLE_SMTPD_BIND=f"127.0.0.1:{port}"
        )
        served = run(["serve", "--port", str(free_port())], env, tmp_path)
        alone = run(["smtpd"], env, tmp_path)
    for result in (served, alone):
        assert result.returncode == 2
        _no_traceback(result.stderr)
        assert f"127.0.0.1:{port} is already in use" in result.stderr
        assert "inbound SMTP listener" in result.stderr
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    ("bind", "problem"),
    [
        ("off", False),
        ("127.0.0.1:2525", False),
        ("[::1]:2525", False),
        (":2525", False),
        ("localhost", True),
        ("127.0.0.1:0", True),
        ("127.0.0.1:70000", True),
        ("127.0.0.1:smtp", True),
    ],
)
def test_bind_addresses(bind: str, problem: bool):
    from amicable.checks import smtpd_bind_problem

    assert (smtpd_bind_problem(bind) is not None) is problem
