"""Scheduled nudges (reminders, deadline notices, feedback prompts, agents' digests): one row
per nudge, written in the transaction that makes it due, voided in the one that makes it
moot, and claimed by a worker when `due_at` comes (docs/nudges.md).

No class docstrings on these models: Tortoise turns them into SQL table comments.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from amicable.models.complaint import Complaint
    from amicable.models.user import User


class NudgeKind(StrEnum):
    REMINDER = "REMINDER"  # to a silent company, one per step (7 and 21 days)
    DEADLINE_PASSED = "DEADLINE_PASSED"  # to the consumer: no reply by the deadline
    FEEDBACK_PROMPT = "FEEDBACK_PROMPT"  # to the consumer: the company's reply went quiet
    FEEDBACK_LAST_CALL = "FEEDBACK_LAST_CALL"  # to the consumer: the feedback window closes
    AGENT_DIGEST = "AGENT_DIGEST"  # to an agent: the company's open complaints, weekly


class NudgeStatus(StrEnum):
    PENDING = "PENDING"
    SENT = "SENT"
    # Made moot before it was due (a reply, a close, an opt-out).
    VOID = "VOID"
    # Due, but nothing could be sent (no working address, an erased account).
    SKIPPED = "SKIPPED"
    FAILED = "FAILED"  # processing raised; kept with the error for an operator


class Nudge(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    kind = fields.CharEnumField(NudgeKind, max_length=24)
    status = fields.CharEnumField(NudgeStatus, max_length=8, default=NudgeStatus.PENDING)
    complaint: fields.ForeignKeyNullableRelation[Complaint] = fields.ForeignKeyField(
        "amicable.Complaint", related_name="nudges", null=True, on_delete=fields.CASCADE
    )
    complaint_id: uuid.UUID | None
    # The recipient when it is an account (the consumer, an agent); null for the company.
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "amicable.User", related_name="nudges", null=True, on_delete=fields.CASCADE
    )
    user_id: uuid.UUID | None
    # The reminder's step (1, 2, ...); 0 for the other kinds.
    step = fields.IntField(default=0)
    # What makes a nudge one of a kind ("REMINDER:<complaint>:1", "AGENT_DIGEST:<user>:
    # <week>"): unique, so no step is ever scheduled, and so sent, twice.
    dedupe_key = fields.CharField(max_length=120, unique=True)
    due_at = fields.DatetimeField()
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    # Why it was voided or skipped, or the error that failed it.
    detail = fields.TextField(default="")

    class Meta:
        table = "nudge"
        indexes = (("status", "due_at"),)
