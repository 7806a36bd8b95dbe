"""Nudges beyond the mail itself: who sees a complaint's nudges, the consumer's
notifications, the agents' weekly digest and its opt-out, the settings, the templates in
every language, and several workers sending each nudge exactly once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import Parser

import pytest
from pydantic import ValidationError

from amicable.mail.outbound import nudge_mail
from amicable.models import Nudge, OutboxMail
from amicable.models.enums import Language, Role, Visibility
from amicable.models.nudge import NudgeKind, NudgeStatus
from amicable.resolvers import messages as message_ops
from amicable.resolvers import nudges as nudge_ops
from amicable.resolvers.nudge_worker import NudgeWorker
from amicable.settings import Settings
from tests.conftest import PG_URL, GraphQLClient
from tests.factories import make_complaint, make_user
from tests.nudging import moved_clock, quiet_agent, run_nudges, sent_complaint

NUDGES = """
query($ref: String!) {
  complaint(reference: $ref) { nudges { kind status step dueAt sentAt } }
}"""

NOTIFICATIONS = "{ notifications { edges { node { kind text } } } }"

DIGEST_SET = """
mutation($enabled: Boolean!) {
  agentDigestSet(input: {enabled: $enabled}) { user { agentDigest } errors { code } }
}"""


async def test_nudges_visible_to_consumer_agents_and_moderators_only(services, gql):
    moderator, consumer, complaint = await sent_complaint(services)
    agent = await make_user(services, Role.AGENT, company=await complaint.company)
    stranger = await make_user(services)
    lawyer = await make_user(services, Role.LAWYER)
    other_agent = await make_user(services, Role.AGENT, company=None)
    for actor in (consumer, agent, moderator):
        data = await GraphQLClient(gql.http, actor.token).data(NUDGES, ref=complaint.reference)
        rows = data["complaint"]["nudges"]
        assert [(r["kind"], r["step"]) for r in rows] == [
            ("REMINDER", 1),
            ("REMINDER", 2),
            ("DEADLINE_PASSED", 0),
        ]
        assert all(r["status"] == "PENDING" and r["sentAt"] is None for r in rows)
    for actor in (stranger, lawyer, other_agent):
        data = await GraphQLClient(gql.http, actor.token).data(NUDGES, ref=complaint.reference)
        assert data["complaint"]["nudges"] is None
    data = await gql.data(NUDGES, ref=complaint.reference)
    assert data["complaint"]["nudges"] is None


async def test_sent_nudges_listed_and_void_ones_not(services, gql):
    clock = moved_clock(services)
    _, consumer, complaint = await sent_complaint(services)
    agent = await quiet_agent(services, complaint)
    clock.advance(days=8)
    await run_nudges(services)
    await message_ops.post(services, agent.viewer, complaint.id, "We bekijken het.")
    clock.advance(days=15)
    await run_nudges(services)
    me = GraphQLClient(gql.http, consumer.token)
    rows = (await me.data(NUDGES, ref=complaint.reference))["complaint"]["nudges"]
    assert [(r["kind"], r["status"]) for r in rows] == [
        ("REMINDER", "SENT"),
        ("FEEDBACK_PROMPT", "SENT"),
        ("FEEDBACK_LAST_CALL", "PENDING"),
    ]
    notes = (await me.data(NOTIFICATIONS))["notifications"]["edges"]
    assert [n["node"]["kind"] for n in notes] == ["NUDGE_FEEDBACK_PROMPT"]
    assert "Is uw probleem opgelost?" in notes[0]["node"]["text"]


async def _digest_mails(agent_email: str) -> list[str]:
    rows = await OutboxMail.filter(recipient=agent_email).order_by("created_at")
    return [row.content for row in rows]


def _plain(content: str) -> str:
    message = Parser(policy=policy.default).parsestr(content)
    body = message.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
    return str(body.get_content())


async def test_weekly_digest_oldest_first_with_days_left(services):
    clock = moved_clock(services)
    services.settings = services.settings.model_copy(
        update={"reminder_days": [], "deadline_notice": False}
    )
    monday = datetime(2026, 3, 2, 7, tzinfo=UTC)
    clock.to(monday - timedelta(days=20))
    _, consumer, old = await sent_complaint(services, visibility=Visibility.PRIVATE)
    company = await old.company
    clock.to(monday - timedelta(days=40))
    overdue = await make_complaint(services, consumer, company, title="Factuur te hoog")
    clock.to(monday - timedelta(days=2))
    recent = await make_complaint(services, consumer, company, title="Modem kapot")
    agent = await make_user(services, Role.AGENT, company=company)
    agent.user.language = Language.EN
    await agent.user.save(update_fields=["language"])

    clock.to(monday - timedelta(hours=1))
    assert await run_nudges(services) == 0  # the row for Monday exists, not yet due
    [row] = await Nudge.filter(user_id=agent.user.id)
    assert row.kind is NudgeKind.AGENT_DIGEST and row.due_at == monday
    clock.to(monday)
    assert await run_nudges(services) == 1
    [content] = await _digest_mails(agent.user.email)
    assert "Subject: Your weekly overview: 3 open complaints" in content
    assert "Auto-Submitted: auto-generated" in content
    text = _plain(content)
    positions = [text.index(c.reference) for c in (overdue, old, recent)]
    assert positions == sorted(positions)
    assert f"[{overdue.reference}] Factuur te hoog (deadline passed 10 days ago)" in text
    assert f"[{old.reference}] Internet valt elke avond weg (10 days left to reply)" in text
    assert "(28 days left to reply)" in text
    clock.advance(minutes=1)
    assert await run_nudges(services) == 0  # once a week
    # The next week's row is already waiting.
    assert await Nudge.filter(user_id=agent.user.id, status=NudgeStatus.PENDING).count() == 1


async def test_agent_opts_out_and_in(services, gql):
    clock = moved_clock(services)
    _, consumer, complaint = await sent_complaint(services)
    agent = await make_user(services, Role.AGENT, company=await complaint.company)
    await Nudge.filter(complaint_id=complaint.id).delete()  # only the digest here
    await run_nudges(services)  # schedules the next digest
    me = GraphQLClient(gql.http, agent.token)
    assert (await me.data("{ me { agentDigest } }"))["me"]["agentDigest"] is True
    data = await me.data(DIGEST_SET, enabled=False)
    assert data["agentDigestSet"] == {"user": {"agentDigest": False}, "errors": []}
    [row] = await Nudge.filter(user_id=agent.user.id)
    assert row.status is NudgeStatus.VOID and row.detail == "opted out"
    clock.advance(days=8)
    await run_nudges(services)
    assert await _digest_mails(agent.user.email) == []

    data = await me.data(DIGEST_SET, enabled=True)
    assert data["agentDigestSet"]["user"]["agentDigest"] is True
    clock.advance(days=7)
    await run_nudges(services)
    assert len(await _digest_mails(agent.user.email)) == 1

    # Only agents have a digest to choose.
    result = await GraphQLClient(gql.http, consumer.token).execute(DIGEST_SET, enabled=False)
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    me_consumer = await GraphQLClient(gql.http, consumer.token).data("{ me { agentDigest } }")
    assert me_consumer["me"]["agentDigest"] is None


async def test_digest_turned_off_by_setting(services):
    clock = moved_clock(services)
    _, _, complaint = await sent_complaint(services)
    agent = await make_user(services, Role.AGENT, company=await complaint.company)
    services.settings = services.settings.model_copy(
        update={"agent_digest": False, "reminder_days": [], "deadline_notice": False}
    )
    clock.advance(days=8)
    await run_nudges(services)
    assert not await Nudge.filter(user_id=agent.user.id)
    assert await _digest_mails(agent.user.email) == []


async def test_two_workers_send_each_nudge_once(services):
    if not PG_URL:
        pytest.skip("row locks (FOR UPDATE SKIP LOCKED) need PostgreSQL")
    clock = moved_clock(services)
    services.settings = services.settings.model_copy(update={"nudge_batch_size": 3})
    _, consumer, first = await sent_complaint(services)
    company = await first.company
    complaints = [first]
    for index in range(7):
        more = await make_complaint(services, consumer, company, title=f"Klacht {index}")
        complaints.append(more)
    await quiet_agent(services, first)
    clock.advance(days=31)

    async def loop(worker: NudgeWorker) -> int:
        total = 0
        while claimed := await worker.run_once():
            total += claimed
        return total

    counts = await asyncio.gather(loop(NudgeWorker(services)), loop(NudgeWorker(services)))
    assert sum(counts) == 8 * 3
    assert all(counts)  # both took part
    # Past both steps: the first reminder of each is superseded by the second.
    assert await Nudge.filter(status=NudgeStatus.SENT).count() == 8 * 2
    assert await Nudge.filter(status=NudgeStatus.VOID).count() == 8
    for complaint in complaints:
        # One complaint mail and exactly one reminder.
        assert await OutboxMail.filter(complaint_id=complaint.id).count() == 2
    assert await OutboxMail.filter(recipient=consumer.user.email).count() == 8


async def test_second_worker_finds_nothing_left(services):
    clock = moved_clock(services)
    _, _, complaint = await sent_complaint(services)
    clock.advance(days=31)
    assert await NudgeWorker(services).run_once() == 3
    assert await NudgeWorker(services).run_once() == 0
    # The complaint and the latest reminder (the first was superseded).
    assert await OutboxMail.filter(complaint_id=complaint.id).count() == 2


def test_reminder_days_setting(settings: Settings):
    parse = Settings.model_validate
    base = {"secret_key": "x"}
    assert parse({**base, "reminder_days": "7,21"}).reminder_days == [7, 21]
    assert parse({**base, "reminder_days": "off"}).reminder_days == []
    assert parse({**base, "reminder_days": ""}).reminder_days == []
    for bad in ("21,7", "0,7", "7,7", "soon"):
        with pytest.raises(ValidationError):
            parse({**base, "reminder_days": bad})


def test_next_digest_slot(settings: Settings):
    monday_7 = datetime(2026, 3, 2, 7, tzinfo=UTC)
    assert nudge_ops.next_digest_slot(settings, monday_7) == monday_7
    assert nudge_ops.next_digest_slot(
        settings, monday_7 + timedelta(seconds=1)
    ) == monday_7 + timedelta(days=7)
    assert nudge_ops.next_digest_slot(settings, monday_7 - timedelta(days=3)) == monday_7


@pytest.mark.parametrize("language", list(Language))
def test_every_text_in_every_language(language: Language):
    words = nudge_mail.words(language)
    assert set(words) == set(nudge_mail.words(Language.EN))
    assert words is not nudge_mail.words(Language.EN) or language is Language.EN
    for key in words:
        text = nudge_mail.say(
            language,
            key,
            platform="P",
            company="C",
            sent_date="2026-01-01",
            days=3,
            deadline=30,
            title="T",
            reference="AM-1",
            date="2026-01-01",
            count=2,
        )
        assert "$" not in text, (language, key)
