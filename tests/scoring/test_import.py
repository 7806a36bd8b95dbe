"""`amicable import`: a history loaded with its timestamps gives the same dashboard as the
same history lived through the operations; a bad line names itself and loads nothing."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from amicable.models import Company, Complaint, Message, OutboxMail, User
from amicable.models.enums import ComplaintStatus
from amicable.resolvers import scores
from amicable.resolvers.history_import import ImportFailed, import_history
from tests.scoring.test_recompute import brute_force, figures, stored_aggregates
from tests.test_cli import _run

NOW = datetime(2025, 6, 15, 12, tzinfo=UTC)


def _history_lines(suffix: str = "") -> list[str]:
    telenova, kapper = f"telenova{suffix}", f"kapper{suffix}"
    lines: list[dict] = [
        {"type": "company", "slug": telenova, "name": "Telenova", "email": "k@telenova.example"},
        {"type": "company", "slug": kapper, "name": "Kapper", "email": "k@kapper.example",
         "listed": False, "language": "fr"},
    ]  # fmt: skip
    for i in range(14):
        sent = NOW - timedelta(days=200 - 10 * i, hours=i)
        key = f"old-{i}"
        lines.append(
            {
                "type": "complaint",
                "id": key,
                "company": telenova if i % 5 else kapper,
                "consumer_email": f"consumer{i % 3}{suffix}@example.org",
                "consumer_name": "Els Peeters",
                "title": "Factuur twee keer betaald",
                "description": "Mijn eindafrekening werd twee keer afgeschreven.",
                "category": "billing" if i % 2 else "delivery",
                "visibility": "PUBLIC" if i % 3 else "PRIVATE",
                "sent_at": sent.isoformat(),
            }
        )
        if i % 4 != 3:
            reply = sent + timedelta(hours=3 + 40 * i)
            asked = (sent + timedelta(hours=1)).isoformat()
            lines.append({"type": "message", "complaint": key, "author": "consumer",
                          "body": "Nog nieuws?", "at": asked})  # fmt: skip
            lines.append({"type": "message", "complaint": key, "author": "company",
                          "body": "We storten terug.", "at": reply.isoformat()})  # fmt: skip
            if i % 2:
                lines.append({"type": "closing", "complaint": key, "outcome": "RESOLVED",
                              "at": (reply + timedelta(days=2)).isoformat()})  # fmt: skip
        elif i > 5:
            lines.append({"type": "closing", "complaint": key, "outcome": "UNRESOLVED",
                          "at": (sent + timedelta(days=40)).isoformat()})  # fmt: skip
    return [json.dumps(line) for line in lines]


async def test_import_loads_a_history_with_its_timestamps(services) -> None:
    services.clock = lambda: NOW
    report = await import_history(services, _history_lines())
    assert (report.companies, report.complaints, report.consumers) == (2, 14, 3)
    assert await Complaint.filter(status=ComplaintStatus.RESOLVED).count() == report.closings - 2
    # History is not mailed again.
    assert await OutboxMail.all().count() == 0
    telenova = await Company.get(slug="telenova")
    board = await scores.dashboard(services, telenova.id)
    assert figures(board) == await brute_force(telenova.id, NOW, board.rules)
    assert board.totals.received == 11 and board.result.value is not None
    first = await Complaint.filter(company=telenova).order_by("sent_at").first()
    assert first is not None and first.sent_at == NOW - timedelta(days=190, hours=1)
    # The aggregates are those a rebuild from the raw rows gives.
    imported = await stored_aggregates(services)
    await scores.recompute_all(services)
    assert await stored_aggregates(services) == imported


async def test_imported_history_shows_its_stored_sent_at(services, gql) -> None:
    """No outbox record for history: the public `sentAt` is the time the file gives."""
    await import_history(services, _history_lines())
    complaint = await Complaint.filter(visibility="PUBLIC").order_by("sent_at").first()
    assert complaint is not None and complaint.sent_at is not None
    seen = await gql.data(
        "query($ref: String!) { complaint(reference: $ref) { sentAt } }",
        ref=complaint.reference,
    )
    assert seen == {"complaint": {"sentAt": complaint.sent_at.isoformat()}}


@pytest.mark.parametrize(
    ("number", "line", "reason"),
    [
        (3, "{not json", "not JSON"),
        (3, '{"type": "refund"}', "type must be one of"),
        (3, '{"type": "company", "slug": "Bad Slug", "name": "X", "email": "x@y.example"}',
         "slug"),
        (3, '{"type": "message", "complaint": "nope", "author": "company", "body": "Hi", '
            '"at": "2025-01-01T00:00:00Z"}', "not defined on an earlier line"),
        (3, '{"type": "message", "complaint": "old-0", "author": "company", "body": "Hi", '
            '"at": "2025-01-01T00:00:00"}', "at: Input should have timezone info"),
        (3, '{"type": "closing", "complaint": "old-0", "outcome": "RESOLVED", '
            '"at": "2030-01-01T00:00:00Z"}', "in the future"),
    ],
)  # fmt: skip
async def test_a_bad_line_is_named_and_nothing_is_loaded(
    services, number: int, line: str, reason: str
) -> None:
    services.clock = lambda: NOW
    lines = _history_lines()
    lines.insert(number - 1, line)
    with pytest.raises(ImportFailed) as failure:
        await import_history(services, lines)
    assert failure.value.line == number
    assert reason in str(failure.value)
    assert await Company.all().count() == 0
    assert await Complaint.all().count() == 0
    assert await User.all().count() == 0


async def test_a_line_refused_while_loading_rolls_everything_back(services) -> None:
    services.clock = lambda: NOW
    lines = _history_lines()
    lines.append(lines[0])  # the same company twice: found only when writing
    with pytest.raises(ImportFailed, match=f"line {len(lines)}: .*exists already"):
        await import_history(services, lines)
    assert await Company.all().count() == 0
    assert await Message.all().count() == 0
    assert await scores.CompanyMonthStats.all().count() == 0


def test_the_command_reports_the_bad_line(settings, tmp_path: Path) -> None:
    env = {
        "AMICABLE_DATABASE_URL": settings.resolved_database_url,
        "AMICABLE_DATA_DIR": str(settings.data_dir),
    }
    good = tmp_path / "history.jsonl"
    # The command opens its own connection: unique names keep it clear of other tests' rows.
    suffix = f"-{uuid.uuid4().hex[:8]}"
    good.write_text("\n".join(_history_lines(suffix)[:3]) + "\n")
    imported = _run(["import", str(good)], env)
    assert imported.returncode == 0, imported.stderr
    assert "imported 2 companies, 1 complaints" in imported.stdout
    bad = tmp_path / "bad.jsonl"
    bad.write_text(_history_lines(suffix + "x")[0] + "\n\n" + '{"type": "company"}\n')
    refused = _run(["import", str(bad)], env)
    assert refused.returncode == 1
    assert "line 3: slug: Field required; nothing was imported" in refused.stderr
    recomputed = _run(["scores", "recompute"], env)
    assert recomputed.returncode == 0, recomputed.stderr
    assert re.search(r"recomputed the scores of \d+ companies", recomputed.stdout)
