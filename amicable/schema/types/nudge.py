"""A complaint's nudges (reminders, deadline notice, feedback prompts), as its consumer,
its company's agents and moderators see them."""

from __future__ import annotations

from datetime import datetime

import strawberry

from amicable import models
from amicable.models.nudge import NudgeKind, NudgeStatus
from amicable.schema.types.enums import expose

expose(
    NudgeKind,
    "What a nudge is (docs/nudges.md).",
    {
        NudgeKind.REMINDER: "To a silent company, one per step.",
        NudgeKind.DEADLINE_PASSED: "To the consumer: no reply by the deadline.",
        NudgeKind.FEEDBACK_PROMPT: "To the consumer: the company's reply went quiet.",
        NudgeKind.FEEDBACK_LAST_CALL: "To the consumer: the feedback window closes.",
        NudgeKind.AGENT_DIGEST: "To an agent: the company's open complaints, weekly.",
    },
)
expose(
    NudgeStatus,
    "Where a nudge stands.",
    {
        NudgeStatus.PENDING: "Scheduled; not due yet.",
        NudgeStatus.SENT: "Sent.",
        NudgeStatus.VOID: "Made moot before it was due (a reply, a close, an opt-out).",
        NudgeStatus.SKIPPED: "Due, but not sent (nothing to say, or nobody to tell).",
        NudgeStatus.FAILED: "Its mail could not be sent.",
    },
)


@strawberry.type(
    name="Nudge",
    description="A reminder to the company, or a notice or prompt to the consumer: sent, or "
    "scheduled for `dueAt`.",
)
class NudgeType:
    model: strawberry.Private[models.Nudge]

    @strawberry.field(description="What it is.")
    def kind(self) -> NudgeKind:
        return self.model.kind

    @strawberry.field(description="Where it stands.")
    def status(self) -> NudgeStatus:
        return self.model.status

    @strawberry.field(description="The reminder's step (1, 2, ...); 0 for the other kinds.")
    def step(self) -> int:
        return self.model.step

    @strawberry.field(description="When it is (or was) due.")
    def due_at(self) -> datetime:
        return self.model.due_at

    @strawberry.field(description="When its mail was queued; null while pending.")
    def sent_at(self) -> datetime | None:
        return self.model.sent_at
