"""Moderation's own records: the queue's items (held replies, flagged content, failing
company addresses, reports, correction requests), notifications to users, content reports,
escalations to the legal team with lawyers' notes, company correction requests, and old
company slugs.

No class docstrings on these models: Tortoise turns them into SQL table comments.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from amicable.models.company import Company
    from amicable.models.complaint import Complaint, Message
    from amicable.models.mail import InboundMail
    from amicable.models.user import User


class ModerationItemKind(StrEnum):
    HELD_REPLY = "HELD_REPLY"  # a mailed reply whose sender we could not verify
    COMPANY_ADDRESS_FAILING = "COMPANY_ADDRESS_FAILING"  # fix this company's address
    FLAGGED_COMPLAINT = "FLAGGED_COMPLAINT"  # lexicon hits: the complaint waits unpublished
    FLAGGED_MESSAGE = "FLAGGED_MESSAGE"  # lexicon hits: the message waits unpublished
    PERSONAL_DATA = "PERSONAL_DATA"  # published with personal data masked; to review
    CONTENT_REPORT = "CONTENT_REPORT"  # someone reported a published item (grouped)
    CORRECTION_REQUEST = "CORRECTION_REQUEST"  # a company asks to correct its data
    # A delivery report naming no recipient, or a permanent failure we cannot tie to an
    # address we mailed: a person reads it, nothing is marked automatically.
    DELIVERY_REPORT = "DELIVERY_REPORT"
    EMPTY_REPLY = "EMPTY_REPLY"  # a mailed reply with nothing new once trimmed; not posted
    UNPROCESSABLE_MAIL = "UNPROCESSABLE_MAIL"  # a mail the pipeline could not process


class ModerationDecision(StrEnum):
    # About the content: it goes out as written, it is taken down, or its public text is
    # replaced. On a correction request: accepted or refused.
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    REDACT = "REDACT"


class ModerationItemStatus(StrEnum):
    OPEN = "OPEN"
    DONE = "DONE"


class EscalationStatus(StrEnum):
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    CLOSED = "CLOSED"


class EscalationBasis(StrEnum):
    # Why the complaint could be escalated.
    NO_REPLY = "NO_REPLY"  # the company did not answer within the deadline
    UNRESOLVED = "UNRESOLVED"  # the consumer closed it as not resolved


class CorrectionStatus(StrEnum):
    OPEN = "OPEN"
    ACCEPTED = "ACCEPTED"
    REFUSED = "REFUSED"


# Something a moderator must look at.
class ModerationItem(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    kind = fields.CharEnumField(ModerationItemKind, max_length=32)
    status = fields.CharEnumField(
        ModerationItemStatus, max_length=8, default=ModerationItemStatus.OPEN
    )
    complaint: fields.ForeignKeyNullableRelation[Complaint] = fields.ForeignKeyField(
        "amicable.Complaint", related_name="moderation_items", null=True, on_delete=fields.CASCADE
    )
    complaint_id: uuid.UUID | None
    company: fields.ForeignKeyNullableRelation[Company] = fields.ForeignKeyField(
        "amicable.Company", related_name="moderation_items", null=True, on_delete=fields.CASCADE
    )
    company_id: uuid.UUID | None
    message: fields.ForeignKeyNullableRelation[Message] = fields.ForeignKeyField(
        "amicable.Message", related_name="moderation_items", null=True, on_delete=fields.CASCADE
    )
    message_id: uuid.UUID | None
    inbound_mail: fields.ForeignKeyNullableRelation[InboundMail] = fields.ForeignKeyField(
        "amicable.InboundMail",
        related_name="moderation_items",
        null=True,
        on_delete=fields.SET_NULL,
    )
    inbound_mail_id: uuid.UUID | None
    reason = fields.TextField(default="")
    # Why it is here, for the queue: {"lexicon": [{category, expression, language}],
    # "personal_data": [kinds], "correction": {...}}.
    details: fields.Field[dict[str, object]] = fields.JSONField(default=dict, db_default={})
    # Reports of one item are grouped on one open item; this counts them.
    report_count = fields.IntField(default=0, db_default=0)
    decision = fields.CharEnumField(ModerationDecision, max_length=8, null=True)
    decision_reason = fields.TextField(default="", db_default="")
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "amicable.User", related_name="moderation_decisions", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: uuid.UUID | None
    created_at = fields.DatetimeField()
    resolved_at = fields.DatetimeField(null=True)

    class Meta:
        table = "moderation_item"
        indexes = (("status", "created_at"), ("complaint_id", "status"))


# Something a user is told (a statement of reasons, an escalation's progress); kept so the
# app can list them, and mailed as well where the brief says so.
class Notification(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "amicable.User", related_name="notifications", on_delete=fields.CASCADE
    )
    user_id: uuid.UUID
    kind = fields.CharField(max_length=48)
    text = fields.TextField()
    complaint: fields.ForeignKeyNullableRelation[Complaint] = fields.ForeignKeyField(
        "amicable.Complaint", related_name="notifications", null=True, on_delete=fields.CASCADE
    )
    complaint_id: uuid.UUID | None
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
        indexes = (("user_id", "created_at"),)


# One report of a published complaint or message; reports of one item share an open
# moderation item.
class ContentReport(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    item: fields.ForeignKeyRelation[ModerationItem] = fields.ForeignKeyField(
        "amicable.ModerationItem", related_name="reports", on_delete=fields.CASCADE
    )
    item_id: uuid.UUID
    complaint: fields.ForeignKeyRelation[Complaint] = fields.ForeignKeyField(
        "amicable.Complaint", related_name="reports", on_delete=fields.CASCADE
    )
    complaint_id: uuid.UUID
    message: fields.ForeignKeyNullableRelation[Message] = fields.ForeignKeyField(
        "amicable.Message", related_name="reports", null=True, on_delete=fields.CASCADE
    )
    message_id: uuid.UUID | None
    # Null for anonymous reporters and after the reporter erased their account.
    reporter: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "amicable.User", related_name="reports_made", null=True, on_delete=fields.SET_NULL
    )
    reporter_id: uuid.UUID | None
    reason = fields.TextField()
    # How to reach the reporter, if they want to be reached: moderators only.
    contact = fields.CharField(max_length=254, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "content_report"


# A complaint handed to the legal team. One per complaint.
class Escalation(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    complaint: fields.ForeignKeyRelation[Complaint] = fields.ForeignKeyField(
        "amicable.Complaint", related_name="escalations", on_delete=fields.CASCADE, unique=True
    )
    complaint_id: uuid.UUID
    basis = fields.CharEnumField(EscalationBasis, max_length=12)
    status = fields.CharEnumField(EscalationStatus, max_length=12, default=EscalationStatus.OPEN)
    # What the consumer asked the lawyers, in their own words (optional).
    request_text = fields.TextField(default="")
    assigned_lawyer: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "amicable.User", related_name="escalations_assigned", null=True, on_delete=fields.SET_NULL
    )
    assigned_lawyer_id: uuid.UUID | None
    created_at = fields.DatetimeField(db_index=True)
    updated_at = fields.DatetimeField()
    closed_at = fields.DatetimeField(null=True)

    notes: fields.ReverseRelation[LawyerNote]

    class Meta:
        table = "escalation"
        indexes = (("status", "created_at"),)


# A lawyer's note on a dossier: lawyers and moderators only, never the consumer.
class LawyerNote(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    escalation: fields.ForeignKeyRelation[Escalation] = fields.ForeignKeyField(
        "amicable.Escalation", related_name="notes", on_delete=fields.CASCADE
    )
    escalation_id: uuid.UUID
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "amicable.User", related_name="lawyer_notes", null=True, on_delete=fields.SET_NULL
    )
    author_id: uuid.UUID | None
    body = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "lawyer_note"


# A company asks to correct its name or complaint addresses; a moderator accepts or refuses.
class CorrectionRequest(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "amicable.Company", related_name="correction_requests", on_delete=fields.CASCADE
    )
    company_id: uuid.UUID
    requested_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "amicable.User", related_name="correction_requests", null=True, on_delete=fields.SET_NULL
    )
    requested_by_id: uuid.UUID | None
    name = fields.CharField(max_length=200, null=True)
    addresses: fields.Field[list[str] | None] = fields.JSONField(null=True)
    comment = fields.TextField(default="")
    status = fields.CharEnumField(CorrectionStatus, max_length=8, default=CorrectionStatus.OPEN)
    item: fields.ForeignKeyNullableRelation[ModerationItem] = fields.ForeignKeyField(
        "amicable.ModerationItem",
        related_name="correction_requests",
        null=True,
        on_delete=fields.SET_NULL,
    )
    item_id: uuid.UUID | None
    created_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "correction_request"


# The slug of a company merged into another: `company(slug: old)` answers the survivor.
class CompanySlugRedirect(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    slug = fields.CharField(max_length=120, unique=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "amicable.Company", related_name="slug_redirects", on_delete=fields.CASCADE
    )
    company_id: uuid.UUID
    created_at = fields.DatetimeField()

    class Meta:
        table = "company_slug_redirect"
