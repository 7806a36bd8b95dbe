"""Helpers for the nudge tests: a clock the test moves, and a sent complaint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from amicable.mail.outbound.outbox import OutboxWorker
from amicable.mail.outbound.sender import transport_for
from amicable.models import Complaint, Nudge, OutboxMail
from amicable.models.enums import Language, Role, Visibility
from amicable.models.nudge import NudgeKind, NudgeStatus
from amicable.resolvers.nudge_worker import NudgeWorker
from amicable.services import Services
from tests.factories import Actor, make_company, make_complaint, make_user


class Clock:
    """The services' clock, moved by the test instead of waiting."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def to(self, moment: datetime) -> None:
        self.now = moment


def moved_clock(services: Services) -> Clock:
    clock = Clock()
    services.clock = clock
    return clock


def outbox_worker(services: Services, clock: Clock) -> OutboxWorker:
    return OutboxWorker(services.settings, transport_for(services.settings), clock=clock)


async def flush(worker: OutboxWorker) -> None:
    for _ in range(50):
        if not await worker.run_once():
            return
    raise AssertionError("the outbox did not drain")


async def run_nudges(services: Services) -> int:
    """Process every due nudge; returns how many were claimed."""
    worker, total = NudgeWorker(services), 0
    for _ in range(50):
        claimed = await worker.run_once()
        if not claimed:
            return total
        total += claimed
    raise AssertionError("the nudges did not drain")


async def sent_complaint(
    services: Services,
    *,
    visibility: Visibility = Visibility.PUBLIC,
    member: bool = False,
    company_email: str = "klachten@telenova.be",
    consumer_language: Language = Language.NL,
) -> tuple[Actor, Actor, Complaint]:
    """A moderator, a consumer and a complaint sent to the company (NL) at the clock's now."""
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services, member=member, email=None)
    if consumer_language is not Language.NL:
        consumer.user.language = consumer_language
        await consumer.user.save(update_fields=["language"])
    company = await make_company(moderator.viewer, email=company_email)
    complaint = await make_complaint(services, consumer, company, visibility=visibility)
    assert complaint.sent_at is not None
    return moderator, consumer, complaint


async def nudge(complaint: Complaint, kind: NudgeKind, step: int = 0) -> Nudge:
    return await Nudge.get(complaint_id=complaint.id, kind=kind, step=step)


async def statuses(complaint: Complaint) -> dict[tuple[str, int], NudgeStatus]:
    rows = await Nudge.filter(complaint_id=complaint.id)
    return {(row.kind.value, row.step): row.status for row in rows}


async def company_mails(complaint: Complaint) -> list[OutboxMail]:
    return await OutboxMail.filter(complaint_id=complaint.id).order_by("created_at")


async def quiet_agent(services: Services, complaint: Complaint) -> Actor:
    """An agent of the complaint's company who opted out of the digest (so that only the
    complaint's own nudges fall due in a test)."""
    agent = await make_user(services, Role.AGENT, company=await complaint.company)
    agent.user.agent_digest = False
    await agent.user.save(update_fields=["agent_digest"])
    return agent
