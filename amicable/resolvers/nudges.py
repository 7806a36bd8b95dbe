"""Scheduling nudges (docs/nudges.md): each operation that makes a nudge due or moot calls
one function here inside its own transaction, so the schedule never disagrees with the
complaint. The worker that sends them is `amicable.resolvers.nudge_worker`.

- a complaint is sent: its reminders to the company and the consumer's deadline notice;
- a company's published reply: pending reminders and deadline notice void; the feedback
  prompt (re)scheduled after this reply, and the last call before the window ends;
- a consumer's published message: the pending feedback prompt void (the next company
  reply schedules it again);
- a complaint closed: everything pending void.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from amicable.infra.errors import Forbidden
from amicable.models import Complaint, Message, Nudge, User
from amicable.models.enums import CLOSED_STATUSES, AuthorKind, ModerationState
from amicable.models.nudge import NudgeKind, NudgeStatus
from amicable.policy import Viewer, can_choose_agent_digest, can_see_nudges
from amicable.services import Services
from amicable.settings import Settings

VISIBLE_STATUSES = (NudgeStatus.PENDING, NudgeStatus.SENT)


def complaint_key(kind: NudgeKind, complaint_id: uuid.UUID, step: int = 0) -> str:
    return f"{kind.value}:{complaint_id}:{step}"


def digest_key(user_id: uuid.UUID, slot: datetime) -> str:
    return f"{NudgeKind.AGENT_DIGEST.value}:{user_id}:{slot.date().isoformat()}"


def _new(
    kind: NudgeKind,
    complaint: Complaint,
    due_at: datetime,
    now: datetime,
    *,
    step: int = 0,
    to_consumer: bool = True,
) -> Nudge:
    return Nudge(
        kind=kind,
        complaint_id=complaint.id,
        user_id=complaint.consumer_id if to_consumer else None,
        step=step,
        dedupe_key=complaint_key(kind, complaint.id, step),
        due_at=due_at,
        created_at=now,
    )


async def complaint_sent(services: Services, complaint: Complaint) -> None:
    """The complaint's mail was queued for the company (`sent_at` is set)."""
    if complaint.sent_at is None:
        return
    settings, now, sent = services.settings, services.now(), complaint.sent_at
    rows = [
        _new(
            NudgeKind.REMINDER,
            complaint,
            sent + timedelta(days=days),
            now,
            step=step,
            to_consumer=False,
        )
        for step, days in enumerate(settings.reminder_days, start=1)
    ]
    if settings.deadline_notice:
        deadline = sent + timedelta(days=settings.score_response_deadline_days)
        rows.append(_new(NudgeKind.DEADLINE_PASSED, complaint, deadline, now))
    if rows:
        # A complaint is sent once; the unique keys make a second call harmless all the same.
        await Nudge.bulk_create(rows, ignore_conflicts=True)


async def message_published(services: Services, complaint: Complaint, message: Message) -> None:
    """A message was published in the thread (on arrival, or released by a moderator)."""
    if message.moderation_state is not ModerationState.PUBLISHED:
        return
    if message.author_kind is AuthorKind.COMPANY:
        await _void(complaint.id, [NudgeKind.REMINDER, NudgeKind.DEADLINE_PASSED], "replied")
        if complaint.status not in CLOSED_STATUSES:
            await _schedule_feedback(services.settings, complaint, message, services.now())
    elif message.author_kind is AuthorKind.CONSUMER:
        await _void(complaint.id, [NudgeKind.FEEDBACK_PROMPT], "consumer answered")


async def complaint_closed(complaint_id: uuid.UUID) -> None:
    """Closed, with feedback or without: nothing is left to remind anyone of."""
    await _void(complaint_id, list(NudgeKind), "closed")


async def _schedule_feedback(
    settings: Settings, complaint: Complaint, message: Message, now: datetime
) -> None:
    rows = []
    if settings.feedback_prompt_days:
        key = complaint_key(NudgeKind.FEEDBACK_PROMPT, complaint.id)
        due = message.created_at + timedelta(days=settings.feedback_prompt_days)
        # Asked once: a prompt already sent stays sent; a pending or voided one moves to
        # after this reply.
        moved = await Nudge.filter(
            dedupe_key=key, status__in=[NudgeStatus.PENDING, NudgeStatus.VOID]
        ).update(status=NudgeStatus.PENDING, due_at=due, detail="")
        if not moved:
            rows.append(_new(NudgeKind.FEEDBACK_PROMPT, complaint, due, now))
    if settings.feedback_last_call_days:
        first = complaint.first_company_reply_at or message.created_at
        window_end = first + timedelta(days=settings.feedback_window_days)
        due = window_end - timedelta(days=settings.feedback_last_call_days)
        rows.append(_new(NudgeKind.FEEDBACK_LAST_CALL, complaint, due, now))
    if rows:
        await Nudge.bulk_create(rows, ignore_conflicts=True)


async def _void(complaint_id: uuid.UUID, kinds: list[NudgeKind], why: str) -> None:
    await Nudge.filter(
        complaint_id=complaint_id, kind__in=kinds, status=NudgeStatus.PENDING
    ).update(status=NudgeStatus.VOID, detail=why)


# --- reading ------------------------------------------------------------------------------


async def for_complaint(viewer: Viewer, complaint: Complaint) -> list[Nudge] | None:
    """Sent and pending nudges, in the order they fall due; None for whoever may not see
    them."""
    if not can_see_nudges(viewer, complaint):
        return None
    [rows] = await by_complaints([complaint.id])
    return rows


async def by_complaints(complaint_ids: Sequence[uuid.UUID]) -> list[list[Nudge]]:
    """Sent and pending nudges of each complaint, in one query for a page of complaints
    (the caller has asked `can_see_nudges` for each)."""
    grouped: dict[uuid.UUID, list[Nudge]] = defaultdict(list)
    rows = await Nudge.filter(
        complaint_id__in=list(complaint_ids), status__in=list(VISIBLE_STATUSES)
    ).order_by("due_at", "step")
    for row in rows:
        if row.complaint_id is not None:
            grouped[row.complaint_id].append(row)
    return [grouped.get(cid, []) for cid in complaint_ids]


# --- the agents' digest -------------------------------------------------------------------


def next_digest_slot(settings: Settings, now: datetime) -> datetime:
    """The first digest time at or after `now` (weekday and hour in UTC)."""
    today = now.replace(hour=settings.agent_digest_hour, minute=0, second=0, microsecond=0)
    slot = today + timedelta(days=(settings.agent_digest_weekday - now.weekday()) % 7)
    return slot if slot >= now else slot + timedelta(days=7)


async def schedule_digests(settings: Settings, now: datetime, user_ids: list[uuid.UUID]) -> int:
    """Make sure each of these agents has a row for the next digest; returns how many rows
    were added."""
    if not settings.agent_digest or not user_ids:
        return 0
    slot = next_digest_slot(settings, now)
    keys = {uid: digest_key(uid, slot) for uid in user_ids}
    wanted, existing = list(keys.values()), set()
    for start in range(0, len(wanted), 500):
        existing.update(
            await Nudge.filter(dedupe_key__in=wanted[start : start + 500]).values_list(
                "dedupe_key", flat=True
            )
        )
    missing = [
        Nudge(
            kind=NudgeKind.AGENT_DIGEST,
            user_id=uid,
            dedupe_key=key,
            due_at=slot,
            created_at=now,
        )
        for uid, key in keys.items()
        if key not in existing
    ]
    if missing:
        await Nudge.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


async def set_agent_digest(services: Services, viewer: Viewer, enabled: bool) -> User:
    """An agent turns the weekly digest off or on; the pending digest is voided or scheduled
    in the same transaction."""
    if not can_choose_agent_digest(viewer):
        raise Forbidden()
    async with in_transaction():
        user = await User.select_for_update().get(id=viewer.user_id)
        user.agent_digest = enabled
        await user.save(update_fields=["agent_digest"])
        if enabled:
            await schedule_digests(services.settings, services.now(), [user.id])
        else:
            await Nudge.filter(
                user_id=user.id, kind=NudgeKind.AGENT_DIGEST, status=NudgeStatus.PENDING
            ).update(status=NudgeStatus.VOID, detail="opted out")
    return user
