"""Retrying loops report a database outage to operators once, and a bug every time."""

from __future__ import annotations

import logging
import socket

import asyncpg
import pytest

from amicable.infra.outage import RoundFailures


async def _refused_connection() -> BaseException:
    # A real refusal: a port on loopback that nothing listens on.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    try:
        await asyncpg.connect(f"postgresql://nobody@127.0.0.1:{port}/none", timeout=5)
    except Exception as error:
        return error
    raise AssertionError("a connection to a closed port succeeded")


async def test_an_outage_is_one_warning_and_its_end_one_info(caplog: pytest.LogCaptureFixture):
    log = logging.getLogger("amicable.test.rounds")
    failures = RoundFailures(log, "outbox worker w1")
    outage = await _refused_connection()
    with caplog.at_level(logging.INFO, logger="amicable.test.rounds"):
        for _ in range(5):
            failures.failed(outage)
        failures.succeeded()
        failures.succeeded()
    records = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records]
    assert [level for level, _, _ in records] == ["WARNING", "INFO"]
    assert "database is unavailable" in records[0][1]
    assert records[0][2] is None  # no traceback for a condition
    assert "answers again" in records[1][1]


async def test_a_bug_is_an_error_with_its_traceback_every_time(
    caplog: pytest.LogCaptureFixture,
):
    log = logging.getLogger("amicable.test.rounds")
    failures = RoundFailures(log, "nudge worker n1")
    try:
        {}["missing"]
    except KeyError as error:
        bug = error
    with caplog.at_level(logging.INFO, logger="amicable.test.rounds"):
        failures.failed(bug)
        failures.failed(bug)
        failures.succeeded()
    assert [r.levelname for r in caplog.records] == ["ERROR", "ERROR"]
    assert all(r.exc_info and r.exc_info[1] is bug for r in caplog.records)
