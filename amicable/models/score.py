"""The score aggregate: per-company counters kept current with every complaint event, so a
dashboard reads a bounded number of rows however long the company's history
(docs/scores.md). All of it can be rebuilt from complaints (`amicable scores recompute`).

No class docstrings on these models: Tortoise turns them into SQL table comments.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from amicable.models.company import Company
    from amicable.models.complaint import Complaint


# Counters over the complaints *sent* in one period, whenever the later events (reply,
# closing) happened: a complaint always counts in the period it was sent.
class _ComplaintCounters(Model):
    received = fields.IntField(default=0)
    answered = fields.IntField(default=0)
    resolved = fields.IntField(default=0)
    unresolved = fields.IntField(default=0)
    # Whole seconds from sending to the first company reply, summed over answered ones.
    response_seconds = fields.BigIntField(default=0)
    # Speed points in millionths (amicable.scoring.SPEED_POINT_SCALE), summed.
    speed_micropoints = fields.BigIntField(default=0)
    # {histogram bucket: answered complaints} (amicable.scoring.response_bucket).
    response_histogram: fields.Field[dict[str, int]] = fields.JSONField(default=dict)
    # {complaint category: received}, for the partners' category filter.
    categories: fields.Field[dict[str, int]] = fields.JSONField(default=dict)

    class Meta:
        abstract = True


# One row per company and calendar month (UTC) with complaints sent in it.
class CompanyMonthStats(_ComplaintCounters):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "amicable.Company", related_name="month_stats", on_delete=fields.CASCADE
    )
    company_id: uuid.UUID
    # The first day of the month.
    month = fields.DateField()

    class Meta:
        table = "company_month_stats"
        unique_together = (("company", "month"),)


# The same counters per UTC day: the window starts and the response deadline falls mid-month,
# and summing at most a month of days there keeps every figure exact.
class CompanyDayStats(_ComplaintCounters):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "amicable.Company", related_name="day_stats", on_delete=fields.CASCADE
    )
    company_id: uuid.UUID
    day = fields.DateField()

    class Meta:
        table = "company_day_stats"
        unique_together = (("company", "day"),)


# A sent complaint still waiting for its first company reply; deleted by that reply. The
# one place where the deadline falls inside a day is counted from here, exactly.
class AwaitingReply(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    complaint: fields.OneToOneRelation[Complaint] = fields.OneToOneField(
        "amicable.Complaint", related_name="awaiting_reply", on_delete=fields.CASCADE
    )
    complaint_id: uuid.UUID
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "amicable.Company", related_name="awaiting_replies", on_delete=fields.CASCADE
    )
    company_id: uuid.UUID
    sent_at = fields.DatetimeField()

    class Meta:
        table = "awaiting_reply"
        indexes = (("company_id", "sent_at"),)


# The score window's sums as of one UTC day (`day`), so that a dashboard reads this row
# instead of summing month and day rows. While `day` is today, every change to those rows
# changes this one in the same transaction; once the day (or the window's settings) moved
# on, the next score refresh recomputes it, and until then a reader sums the rows itself.
class CompanyScoreWindow(_ComplaintCounters):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    company: fields.OneToOneRelation[Company] = fields.OneToOneField(
        "amicable.Company", related_name="score_window", on_delete=fields.CASCADE
    )
    company_id: uuid.UUID
    # Null until first computed.
    day = fields.DateField(null=True)
    # The settings the sums were taken with (SCORE_WINDOW_MONTHS, SCORE_RESPONSE_DEADLINE_DAYS).
    window_months = fields.IntField(default=0)
    deadline_days = fields.IntField(default=0)
    # Unanswered complaints sent in the window before the response deadline's own day.
    unanswered_before_deadline_day = fields.IntField(default=0)
    # Company.stats: {first day of a month: [received, answered, resolved, unresolved,
    # median first-response hours or null]} for the months with complaints.
    series: fields.Field[dict[str, list[float | None]]] = fields.JSONField(default=dict)

    class Meta:
        table = "company_score_window"


# The score as last computed, for ordering rankings in SQL. Refreshed in the transaction of
# a complaint event (a first reply only marks it `stale`), and for time passing by the
# server's upkeep; dashboards themselves compute the score live.
class CompanyScore(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    company: fields.OneToOneRelation[Company] = fields.OneToOneField(
        "amicable.Company", related_name="score_snapshot", on_delete=fields.CASCADE
    )
    company_id: uuid.UUID
    value = fields.FloatField(null=True)
    # The value, or -1 below the minimum: one non-null sort key on every database.
    rank_value = fields.FloatField(default=-1.0, db_index=True)
    eligible = fields.IntField(default=0)
    received = fields.IntField(default=0)
    answered = fields.IntField(default=0)
    resolved = fields.IntField(default=0)
    unresolved = fields.IntField(default=0)
    computed_at = fields.DatetimeField()
    # A figure moved since `computed_at` (a first reply): refreshed in the background and,
    # at the latest, before a ranking is read (`scores.refresh_stale`).
    stale = fields.BooleanField(default=False, db_default=False)

    class Meta:
        table = "company_score"


# Complaints received in the window per category, as of the last refresh of CompanyScore.
class CompanyScoreCategory(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "amicable.Company", related_name="score_categories", on_delete=fields.CASCADE
    )
    company_id: uuid.UUID
    category = fields.CharField(max_length=64)
    received = fields.IntField(default=0)

    class Meta:
        table = "company_score_category"
        unique_together = (("company", "category"),)
        indexes = (("category", "received"),)
