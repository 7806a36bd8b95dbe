"""The nudge worker (docs/nudges.md): claims due nudges and turns each into its mail (and,
for the consumer, a notification), exactly once even with several workers.

A batch is claimed with `FOR UPDATE SKIP LOCKED` (the outbox's claim) and processed in the
same transaction: the mail goes into the outbox and the nudge is marked SENT before the
locks are released, so a nudge is either sent with its mail or not at all, and another
worker passes over it meanwhile. Each nudge runs in a savepoint, so one that fails is marked
FAILED without undoing the rest of the batch. Delivery is the outbox worker's job.

The worker re-checks each nudge against the complaint as it is now (a reply, a close), as a
second line behind the voiding done by the operations; it never waits for a complaint's
lock, so it cannot deadlock with an operation that holds the complaint and voids nudges.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from amicable import metrics
from amicable.infra.claim import claim_due
from amicable.infra.outage import RoundFailures
from amicable.mail.outbound import compose, outbox
from amicable.mail.outbound.nudge_mail import (
    Notice,
    ReminderContent,
    enqueue_notice,
    enqueue_reminder,
    say,
)
from amicable.models import Company, Complaint, Message, Notification, Nudge, User
from amicable.models.enums import AuthorKind, ComplaintStatus, ModerationState, Role, Visibility
from amicable.models.mail import RecipientKind
from amicable.models.nudge import NudgeKind, NudgeStatus
from amicable.resolvers import notifications as notification_ops
from amicable.resolvers import nudges as nudge_ops
from amicable.services import Services

log = logging.getLogger(__name__)

OPEN_STATUSES = (ComplaintStatus.WAITING_FOR_COMPANY, ComplaintStatus.ANSWERED)
DIGEST_LIMIT = 100
DIGEST_CHECK_INTERVAL = timedelta(minutes=10)

# What a nudge came to: its status and a word on why.
Outcome = tuple[NudgeStatus, str]


class NudgeWorker:
    def __init__(self, services: Services, *, name: str | None = None) -> None:
        self.services = services
        self.name = name or uuid.uuid4().hex[:8]
        self._digests_checked_at: datetime | None = None

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.services.clock

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Process until cancelled or `stop` is set; a failed round is logged and retried."""
        stop = stop or asyncio.Event()
        settings = self.services.settings
        failures = RoundFailures(log, f"nudge worker {self.name}")
        while not stop.is_set():
            try:
                claimed = await self.run_once()
            except Exception as error:
                failures.failed(error)
                claimed = 0
            else:
                failures.succeeded()
            if claimed < settings.nudge_batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), settings.nudge_poll_seconds)

    async def run_once(self) -> int:
        """Schedule the next digests, then claim and process one batch of due nudges;
        returns how many were claimed."""
        now = self.clock()
        await self._schedule_digests(now)
        notified: list[Notification] = []
        async with in_transaction():
            rows = await claim_due(
                Nudge,
                order_by="due_at",
                limit=self.services.settings.nudge_batch_size,
                status=NudgeStatus.PENDING,
                due_at__lte=now,
            )
            for row in rows:
                try:
                    async with in_transaction():
                        status, detail = await self._process(row, now, notified)
                except Exception as error:
                    log.exception("nudge %s (%s) failed", row.id, row.kind)
                    status, detail = NudgeStatus.FAILED, f"{type(error).__name__}: {error}"[:2000]
                await Nudge.filter(id=row.id).update(
                    status=status,
                    detail=detail,
                    sent_at=now if status is NudgeStatus.SENT else None,
                )
                metrics.NUDGES.labels(row.kind.value, status.value).inc()
        if notified:
            await notification_ops.publish(self.services, notified)
        return len(rows)

    async def _schedule_digests(self, now: datetime) -> None:
        """Give every agent a row for the next digest; every few minutes, not every round
        (new agents get theirs at the next check, long before it falls due)."""
        last = self._digests_checked_at
        if last is not None and last <= now < last + DIGEST_CHECK_INTERVAL:
            return
        agents = await User.filter(
            role=Role.AGENT, agent_digest=True, company_id__isnull=False, erased_at__isnull=True
        ).values_list("id", flat=True)
        await nudge_ops.schedule_digests(
            self.services.settings, now, [uuid.UUID(str(agent)) for agent in agents]
        )
        self._digests_checked_at = now

    async def _process(self, row: Nudge, now: datetime, notified: list[Notification]) -> Outcome:
        if row.kind is NudgeKind.AGENT_DIGEST:
            return await self._digest(row, now)
        complaint = await Complaint.get_or_none(id=row.complaint_id)
        if complaint is None:
            return NudgeStatus.VOID, "complaint gone"
        if row.kind is NudgeKind.REMINDER:
            return await self._reminder(row, complaint, now)
        consumer = await User.get(id=complaint.consumer_id)
        if consumer.erased_at is not None:
            return NudgeStatus.SKIPPED, "account erased"
        if row.kind is NudgeKind.DEADLINE_PASSED:
            notice = await self._deadline_notice(complaint, consumer)
        elif row.kind is NudgeKind.FEEDBACK_PROMPT:
            notice = await self._feedback_prompt(complaint, consumer)
        else:
            notice = await self._last_call(complaint, consumer, now)
        if isinstance(notice, tuple):
            return notice
        notified.append(
            await Notification.create(
                user_id=consumer.id,
                kind=f"nudge.{row.kind.value.lower()}",
                text=notice.as_text(),
                complaint_id=complaint.id,
                created_at=now,
            )
        )
        await enqueue_notice(
            self.services.settings,
            notice,
            recipient=consumer.email,
            recipient_kind=RecipientKind.CONSUMER,
            language=consumer.language,
            now=now,
        )
        return NudgeStatus.SENT, ""

    # --- to the company -------------------------------------------------------------------

    async def _reminder(self, row: Nudge, complaint: Complaint, now: datetime) -> Outcome:
        settings = self.services.settings
        if row.step > len(settings.reminder_days):
            return NudgeStatus.VOID, "turned off"
        if complaint.first_company_reply_at is not None:
            return NudgeStatus.VOID, "replied"
        if complaint.status is not ComplaintStatus.WAITING_FOR_COMPANY or not complaint.sent_at:
            return NudgeStatus.VOID, "not waiting for the company"
        # Workers stopped past two steps: one reminder (the latest) says it all.
        later = await Nudge.exists(
            complaint_id=complaint.id,
            kind=NudgeKind.REMINDER,
            step__gt=row.step,
            step__lte=len(settings.reminder_days),
            status__in=[NudgeStatus.PENDING, NudgeStatus.SENT],
            due_at__lte=now,
        )
        if later:
            return NudgeStatus.VOID, "a later reminder is due"
        # A working address only: never one marked failing.
        recipient = await outbox.company_address(complaint)
        if recipient is None:
            return NudgeStatus.SKIPPED, "no working address"
        company = await Company.get(id=complaint.company_id)
        deadline_days = settings.score_response_deadline_days
        left = complaint.sent_at + timedelta(days=deadline_days) - now
        content = ReminderContent(
            language=company.language,
            company_name=company.name,
            recipient=recipient,
            sent_at=complaint.sent_at,
            days_left=math.ceil(left.total_seconds() / 86400),
            deadline_days=deadline_days,
        )
        await enqueue_reminder(settings, complaint, content, now)
        return NudgeStatus.SENT, ""

    # --- to the consumer ------------------------------------------------------------------

    def _url(self, complaint: Complaint, tail: str = "") -> str:
        return compose.thread_url(self.services.settings, complaint.reference) + tail

    async def _deadline_notice(self, complaint: Complaint, consumer: User) -> Notice | Outcome:
        settings = self.services.settings
        if not settings.deadline_notice:
            return NudgeStatus.VOID, "turned off"
        if complaint.first_company_reply_at is not None:
            return NudgeStatus.VOID, "replied"
        if complaint.status is not ComplaintStatus.WAITING_FOR_COMPANY:
            return NudgeStatus.VOID, "closed"
        company = await Company.get(id=complaint.company_id)
        lang = consumer.language
        items: list[tuple[str, str]] = []
        if consumer.is_member and complaint.escalated_at is None:
            items.append((say(lang, "deadline_escalate"), self._url(complaint, "/escalate")))
        items.append((say(lang, "deadline_keep_open"), self._url(complaint)))
        if complaint.visibility is Visibility.PRIVATE:
            items.append((say(lang, "deadline_make_public"), self._url(complaint, "/visibility")))
        return Notice(
            subject=say(lang, "deadline_subject", company=company.name),
            intro=say(
                lang,
                "deadline_intro",
                company=company.name,
                deadline=settings.score_response_deadline_days,
                title=complaint.title,
                reference=complaint.reference,
            ),
            items=tuple(items),
        )

    def _feedback_items(self, complaint: Complaint, consumer: User) -> tuple[tuple[str, str], ...]:
        lang = consumer.language
        return (
            (say(lang, "feedback_resolved"), self._url(complaint, "/close?outcome=RESOLVED")),
            (say(lang, "feedback_unresolved"), self._url(complaint, "/close?outcome=UNRESOLVED")),
            (say(lang, "feedback_continue"), self._url(complaint)),
        )

    async def _feedback_prompt(self, complaint: Complaint, consumer: User) -> Notice | Outcome:
        if not self.services.settings.feedback_prompt_days:
            return NudgeStatus.VOID, "turned off"
        if complaint.status is not ComplaintStatus.ANSWERED:
            return NudgeStatus.VOID, "closed"
        last = (
            await Message.filter(
                complaint_id=complaint.id,
                moderation_state=ModerationState.PUBLISHED,
                author_kind__in=[AuthorKind.COMPANY, AuthorKind.CONSUMER],
            )
            .order_by("-created_at")
            .first()
        )
        if last is None or last.author_kind is not AuthorKind.COMPANY:
            return NudgeStatus.VOID, "consumer answered"
        company = await Company.get(id=complaint.company_id)
        lang = consumer.language
        return Notice(
            subject=say(lang, "feedback_subject"),
            intro=say(
                lang,
                "feedback_intro",
                company=company.name,
                date=last.created_at.date().isoformat(),
                title=complaint.title,
                reference=complaint.reference,
            ),
            items=self._feedback_items(complaint, consumer),
        )

    async def _last_call(
        self, complaint: Complaint, consumer: User, now: datetime
    ) -> Notice | Outcome:
        settings = self.services.settings
        if not settings.feedback_last_call_days:
            return NudgeStatus.VOID, "turned off"
        if complaint.status is not ComplaintStatus.ANSWERED or not complaint.first_company_reply_at:
            return NudgeStatus.VOID, "closed"
        window_end = complaint.first_company_reply_at + timedelta(
            days=settings.feedback_window_days
        )
        if now >= window_end:
            return NudgeStatus.SKIPPED, "feedback window over"
        lang = consumer.language
        return Notice(
            subject=say(lang, "last_call_subject"),
            intro=say(
                lang,
                "last_call_intro",
                title=complaint.title,
                reference=complaint.reference,
                date=window_end.date().isoformat(),
            ),
            items=self._feedback_items(complaint, consumer),
        )

    # --- to an agent ----------------------------------------------------------------------

    async def _digest(self, row: Nudge, now: datetime) -> Outcome:
        settings = self.services.settings
        if not settings.agent_digest:
            return NudgeStatus.VOID, "turned off"
        agent = await User.get_or_none(id=row.user_id)
        if agent is None or agent.erased_at is not None or agent.company_id is None:
            return NudgeStatus.VOID, "no agent"
        if not agent.agent_digest or agent.role is not Role.AGENT:
            return NudgeStatus.VOID, "opted out"
        company = await Company.get(id=agent.company_id)
        complaints = (
            await Complaint.filter(
                company_id=company.id, status__in=list(OPEN_STATUSES), sent_at__isnull=False
            )
            .order_by("sent_at")
            .limit(DIGEST_LIMIT)
        )
        if not complaints:
            return NudgeStatus.SKIPPED, "nothing open"
        lang = agent.language
        deadline = timedelta(days=settings.score_response_deadline_days)
        items = []
        for complaint in complaints:
            assert complaint.sent_at is not None
            if complaint.first_company_reply_at is not None:
                state = say(lang, "digest_answered")
            else:
                days = math.ceil((complaint.sent_at + deadline - now).total_seconds() / 86400)
                state = (
                    say(lang, "digest_days_left", days=days)
                    if days > 0
                    else say(lang, "digest_overdue", days=-days)
                )
            items.append(
                (f"[{complaint.reference}] {complaint.title} ({state})", self._url(complaint))
            )
        notice = Notice(
            subject=say(lang, "digest_subject", count=len(complaints)),
            intro=say(lang, "digest_intro", company=company.name, platform=settings.platform_name),
            items=tuple(items),
            outro=say(lang, "digest_opt_out"),
        )
        await enqueue_notice(
            settings,
            notice,
            recipient=agent.email,
            recipient_kind=RecipientKind.COMPANY,
            language=lang,
            now=now,
        )
        return NudgeStatus.SENT, ""
