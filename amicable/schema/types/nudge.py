"""A complaint's nudges (reminders, deadline notice, feedback prompts), as its consumer,
its company's agents and moderators see them."""

from __future__ import annotations

from datetime import datetime

import strawberry

from amicable import models
from amicable.models.nudge import NudgeKind, NudgeStatus

strawberry.enum(NudgeKind, description="What a nudge is (docs/nudges.md).")
strawberry.enum(NudgeStatus, description="Where a nudge stands.")


@strawberry.type(
    name="Nudge",
    description="A reminder to the company, or a notice or prompt to the consumer: sent, or "
    "scheduled for `dueAt`.",
)
class NudgeType:
    model: strawberry.Private[models.Nudge]

    @strawberry.field
    def kind(self) -> NudgeKind:
        return self.model.kind

    @strawberry.field
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
