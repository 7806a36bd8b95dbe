"""Reminders to a silent company and the consumer's notices and prompts, with the clock
moved instead of waiting: what is sent, when, how it threads, and that a plain Reply to a
reminder goes through the real inbound pipeline like an answer to the complaint."""

from __future__ import annotations

import io
from datetime import timedelta

from amicable.mail.inbound.pipe import deliver_from_pipe
from amicable.models import CompanyAddress, Message, Notification, Nudge, OutboxMail
from amicable.models.enums import AuthorKind, ComplaintStatus, Language, Outcome, Visibility
from amicable.models.nudge import NudgeKind, NudgeStatus
from amicable.resolvers import complaints as complaint_ops
from amicable.resolvers import messages as message_ops
from tests.mail.conftest import EMAILS, CaptureServer
from tests.nudging import (
    flush,
    moved_clock,
    nudge,
    outbox_worker,
    quiet_agent,
    run_nudges,
    sent_complaint,
    statuses,
)

REMINDER, DEADLINE = NudgeKind.REMINDER, NudgeKind.DEADLINE_PASSED
PROMPT, LAST_CALL = NudgeKind.FEEDBACK_PROMPT, NudgeKind.FEEDBACK_LAST_CALL


def plain(captured) -> str:
    return captured.message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def html_part(captured) -> str:
    return captured.message.get_body(preferencelist=("html",)).get_content()


async def test_two_reminders_threaded_under_the_complaint(services, smtp_capture: CaptureServer):
    clock = moved_clock(services)
    outbox = outbox_worker(services, clock)
    _, _, complaint = await sent_complaint(services)
    await flush(outbox)
    [original] = smtp_capture.received

    clock.advance(days=7, seconds=-1)
    assert await run_nudges(services) == 0
    clock.advance(seconds=1)
    assert await run_nudges(services) == 1
    assert await run_nudges(services) == 0  # never twice for a step
    await flush(outbox)
    [_, first] = smtp_capture.received

    message = first.message
    assert first.recipients == ["klachten@telenova.be"]
    # Same thread: same reply address, our original Message-ID as parent, the tag first.
    assert str(message["Reply-To"]) == str(original.message["Reply-To"])
    assert first.sender == original.sender  # bounces come back under the thread's token
    assert str(message["In-Reply-To"]) == str(original.message["Message-ID"])
    assert str(message["References"]) == str(original.message["Message-ID"])
    assert str(message["Subject"]) == (
        f"[{complaint.reference}] Herinnering: Internet valt elke avond weg"
    )
    assert message["Auto-Submitted"] == "auto-generated"
    assert 'lang="nl"' in html_part(first)
    text = plain(first)
    assert "Internet valt elke avond weg" in text
    assert "U hebt nog 23 dagen om te antwoorden binnen de termijn van 30 dagen." in text
    assert f"http://testserver/complaints/{complaint.reference}" in text
    assert "nog 23 dagen" in html_part(first)

    clock.advance(days=14)
    assert await run_nudges(services) == 1
    await flush(outbox)
    second = smtp_capture.received[2]
    assert str(second.message["In-Reply-To"]) == str(original.message["Message-ID"])
    assert str(second.message["Reply-To"]) == str(original.message["Reply-To"])
    assert "nog 9 dagen" in plain(second)
    assert await run_nudges(services) == 0
    assert (await nudge(complaint, REMINDER, 1)).status is NudgeStatus.SENT
    assert (await nudge(complaint, REMINDER, 2)).sent_at == clock.now


async def test_reply_to_reminder_is_posted_and_stops_the_rest(
    services, smtp_capture: CaptureServer
):
    clock = moved_clock(services)
    outbox = outbox_worker(services, clock)
    _, consumer, complaint = await sent_complaint(services)
    await flush(outbox)
    clock.advance(days=7)
    await run_nudges(services)
    await flush(outbox)
    original, reminder = smtp_capture.received

    clock.advance(days=1)
    raw = (EMAILS / "outlook_reply_to_reminder_nl.eml").read_text("utf-8")
    values = {
        "REPLY_TO": str(reminder.message["Reply-To"]),
        "MESSAGE_ID": str(reminder.message["Message-ID"]),
        "ORIGINAL_ID": str(original.message["Message-ID"]),
        "REFERENCE": complaint.reference,
        "TITLE": complaint.title,
    }
    for key, value in values.items():
        raw = raw.replace("{{" + key + "}}", value)
    code = await deliver_from_pipe(
        services,
        io.BytesIO(raw.replace("\n", "\r\n").encode("utf-8")),
        sender="sofie.peeters@telenova.be",
        recipients=[str(reminder.message["Reply-To"])],
    )
    assert code == 0
    [message] = await Message.filter(complaint_id=complaint.id)
    assert message.author_kind is AuthorKind.COMPANY
    assert message.body.startswith("Beste klant,\n\nExcuses voor het late antwoord.")
    await complaint.refresh_from_db()
    assert complaint.status is ComplaintStatus.ANSWERED
    found = await statuses(complaint)
    assert found[(REMINDER.value, 2)] is NudgeStatus.VOID
    assert found[(DEADLINE.value, 0)] is NudgeStatus.VOID
    assert found[(PROMPT.value, 0)] is NudgeStatus.PENDING

    # No second reminder, no deadline notice, whatever time passes.
    clock.advance(days=13)
    assert await run_nudges(services) == 0
    await flush(outbox)
    to_company = [c for c in smtp_capture.received if c.recipients == ["klachten@telenova.be"]]
    assert len(to_company) == 2
    assert not await Notification.filter(user_id=consumer.user.id, kind="nudge.deadline_passed")


async def test_no_reminder_to_a_failing_address(services, smtp_capture: CaptureServer):
    clock = moved_clock(services)
    outbox = outbox_worker(services, clock)
    _, _, complaint = await sent_complaint(services)
    await flush(outbox)
    await CompanyAddress.filter(company_id=complaint.company_id).update(failing=True)
    clock.advance(days=7)
    assert await run_nudges(services) == 1
    reminder = await nudge(complaint, REMINDER, 1)
    assert reminder.status is NudgeStatus.SKIPPED and reminder.detail == "no working address"
    assert await OutboxMail.filter(complaint_id=complaint.id).count() == 1

    # A moderator adds a working address: the next reminder goes there, not to the old one.
    await CompanyAddress.create(company_id=complaint.company_id, email="service@telenova.be")
    clock.advance(days=14)
    assert await run_nudges(services) == 1
    await flush(outbox)
    assert smtp_capture.received[-1].recipients == ["service@telenova.be"]
    assert smtp_capture.received[-1].message["Auto-Submitted"] == "auto-generated"


async def test_deadline_notice_for_a_private_complaint_of_a_member(
    services, smtp_capture: CaptureServer
):
    clock = moved_clock(services)
    outbox = outbox_worker(services, clock)
    _, consumer, complaint = await sent_complaint(
        services, visibility=Visibility.PRIVATE, member=True, consumer_language=Language.EN
    )
    clock.advance(days=30)
    assert await run_nudges(services) == 3  # both reminders, late, and the notice
    await flush(outbox)
    # Past both steps at once: only the latest reminder goes out.
    [reminder] = [c for c in smtp_capture.received if c.recipients == ["klachten@telenova.be"]][1:]
    assert "De antwoordtermijn van 30 dagen is verstreken" in plain(reminder)
    assert (await nudge(complaint, REMINDER, 1)).detail == "a later reminder is due"
    assert (await nudge(complaint, REMINDER, 2)).status is NudgeStatus.SENT
    [notice] = [c for c in smtp_capture.received if c.recipients == [consumer.user.email]]
    assert str(notice.message["Subject"]) == "Telenova has not replied to your complaint"
    assert notice.message["Auto-Submitted"] == "auto-generated"
    text = plain(notice)
    url = f"http://testserver/complaints/{complaint.reference}"
    assert "Telenova did not reply within 30 days" in text
    assert f"{url}/escalate" in text
    assert "Keep the complaint open" in text
    assert f"{url}/visibility" in text
    assert f'href="{url}/escalate"' in html_part(notice)
    [note] = await Notification.filter(user_id=consumer.user.id)
    assert note.kind == "nudge.deadline_passed" and note.complaint_id == complaint.id
    assert f"{url}/escalate" in note.text
    assert await run_nudges(services) == 0


async def test_deadline_notice_for_a_public_complaint_of_a_non_member(
    services, smtp_capture: CaptureServer
):
    clock = moved_clock(services)
    outbox = outbox_worker(services, clock)
    _, consumer, _ = await sent_complaint(services, consumer_language=Language.FR)
    clock.advance(days=31)
    await run_nudges(services)
    await flush(outbox)
    [notice] = [c for c in smtp_capture.received if c.recipients == [consumer.user.email]]
    assert str(notice.message["Subject"]) == "Telenova n'a pas répondu à votre plainte"
    text = plain(notice)
    assert "/escalate" not in text and "/visibility" not in text
    assert "Laissez la plainte ouverte" in text


async def test_feedback_prompt_after_the_reply_goes_quiet(services, smtp_capture: CaptureServer):
    clock = moved_clock(services)
    outbox = outbox_worker(services, clock)
    _, consumer, complaint = await sent_complaint(services)
    agent = await quiet_agent(services, complaint)
    clock.advance(days=2)
    await message_ops.post(services, agent.viewer, complaint.id, "We sturen een nieuwe modem.")
    reply_at = clock.now

    # The consumer answers within 14 days: no prompt; the company answers again: it moves.
    clock.advance(days=5)
    await message_ops.post(services, consumer.viewer, complaint.id, "Wanneer komt hij?")
    assert (await nudge(complaint, PROMPT)).status is NudgeStatus.VOID
    clock.advance(days=1)
    await message_ops.post(services, agent.viewer, complaint.id, "Donderdag.")
    prompt = await nudge(complaint, PROMPT)
    assert prompt.status is NudgeStatus.PENDING and prompt.due_at == clock.now + timedelta(days=14)

    clock.advance(days=14, seconds=-1)
    assert await run_nudges(services) == 0
    clock.advance(seconds=1)
    assert await run_nudges(services) == 1
    await flush(outbox)
    [mail] = [c for c in smtp_capture.received if c.recipients == [consumer.user.email]][-1:]
    assert str(mail.message["Subject"]) == "Is uw klacht opgelost?"
    url = f"http://testserver/complaints/{complaint.reference}"
    assert f"{url}/close?outcome=RESOLVED" in plain(mail)
    assert f"{url}/close?outcome=UNRESOLVED" in plain(mail)
    assert mail.message["Auto-Submitted"] == "auto-generated"
    [note] = await Notification.filter(user_id=consumer.user.id, kind="nudge.feedback_prompt")
    assert f"{url}/close?outcome=RESOLVED" in note.text

    # Asked once: another quiet reply does not ask again.
    clock.advance(days=1)
    await message_ops.post(services, agent.viewer, complaint.id, "Is alles in orde?")
    clock.advance(days=30)
    assert await run_nudges(services) == 0
    assert (await nudge(complaint, PROMPT)).status is NudgeStatus.SENT

    # The last call: a week before the window (from the first reply) ends.
    last = await nudge(complaint, LAST_CALL)
    assert last.due_at == reply_at + timedelta(days=183 - 7)
    clock.to(last.due_at)
    assert await run_nudges(services) == 1
    await flush(outbox)
    [note] = await Notification.filter(user_id=consumer.user.id, kind="nudge.feedback_last_call")
    window_end = (reply_at + timedelta(days=183)).date().isoformat()
    assert window_end in note.text
    mail = smtp_capture.received[-1]
    assert str(mail.message["Subject"]) == "Laatste kans om uw klacht te beoordelen"


async def test_closing_voids_pending_prompts(services, smtp_capture: CaptureServer):
    clock = moved_clock(services)
    _, consumer, complaint = await sent_complaint(services)
    agent = await quiet_agent(services, complaint)
    clock.advance(days=1)
    await message_ops.post(services, agent.viewer, complaint.id, "Opgelost, denken wij.")
    clock.advance(days=3)
    await complaint_ops.close(services, consumer.viewer, complaint.id, Outcome.RESOLVED, "")
    found = await statuses(complaint)
    assert found[(PROMPT.value, 0)] is NudgeStatus.VOID
    assert found[(LAST_CALL.value, 0)] is NudgeStatus.VOID
    clock.advance(days=200)
    assert await run_nudges(services) == 0
    assert not await Notification.filter(user_id=consumer.user.id)


async def test_every_kind_can_be_turned_off(services, smtp_capture: CaptureServer):
    services.settings = services.settings.model_copy(
        update={
            "reminder_days": [],
            "deadline_notice": False,
            "feedback_prompt_days": 0,
            "feedback_last_call_days": 0,
        }
    )
    clock = moved_clock(services)
    _, _, complaint = await sent_complaint(services)
    agent = await quiet_agent(services, complaint)
    clock.advance(days=40)
    await message_ops.post(services, agent.viewer, complaint.id, "Sorry voor het wachten.")
    assert not await Nudge.filter(complaint_id=complaint.id)


async def test_turned_off_after_scheduling_sends_nothing(services, smtp_capture: CaptureServer):
    clock = moved_clock(services)
    _, consumer, complaint = await sent_complaint(services)
    services.settings = services.settings.model_copy(
        update={"reminder_days": [7], "deadline_notice": False}
    )
    clock.advance(days=30)
    assert await run_nudges(services) == 3
    found = await statuses(complaint)
    assert found[(REMINDER.value, 1)] is NudgeStatus.SENT
    assert found[(REMINDER.value, 2)] is NudgeStatus.VOID
    assert found[(DEADLINE.value, 0)] is NudgeStatus.VOID
    assert not await Notification.filter(user_id=consumer.user.id)
