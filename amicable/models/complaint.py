"""The complaint aggregate: a complaint, its thread of messages, and attachments.

Text fields come in pairs: the original as written, and the public version that
anyone but the author, the company and moderators reads. The public version differs
only when personal data was masked or a moderator redacted it (`is_redacted`).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from amicable.models.enums import (
    AuthorKind,
    Channel,
    ComplaintCategory,
    ComplaintStatus,
    ModerationState,
    Outcome,
    Visibility,
)

if TYPE_CHECKING:
    from amicable.models.company import Company
    from amicable.models.user import User


class Complaint(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    # Human reference used in mail subjects ("AM-7K3F9Q"); random, so it reveals no count.
    reference = fields.CharField(max_length=16, unique=True)
    consumer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "amicable.User", related_name="complaints", on_delete=fields.RESTRICT
    )
    consumer_id: uuid.UUID
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "amicable.Company", related_name="complaints", on_delete=fields.RESTRICT
    )
    company_id: uuid.UUID
    # The company's name as the consumer typed it, when they filed by name and address: what
    # they (and the public) see of an unlisted company, whose record may be older than their
    # complaint and named by someone else. Empty when filed against a listed company.
    company_name = fields.CharField(max_length=200, default="", db_default="")

    # Public part, as written and as shown to the public.
    title = fields.CharField(max_length=200)
    description = fields.TextField()
    desired_solution = fields.TextField(default="")
    category = fields.CharEnumField(
        ComplaintCategory, max_length=64, default=ComplaintCategory.OTHER, db_index=True
    )
    public_title = fields.CharField(max_length=200)
    public_description = fields.TextField()
    public_desired_solution = fields.TextField(default="")
    is_redacted = fields.BooleanField(default=False)

    # Private part, for the company only.
    customer_reference = fields.CharField(max_length=120, default="")
    phone = fields.CharField(max_length=40, default="")
    postal_address = fields.TextField(default="")

    visibility = fields.CharEnumField(Visibility, max_length=8, default=Visibility.PRIVATE)
    status = fields.CharEnumField(ComplaintStatus, max_length=24, db_index=True)
    created_at = fields.DatetimeField(db_index=True)
    sent_at = fields.DatetimeField(null=True)
    first_company_reply_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    outcome = fields.CharEnumField(Outcome, max_length=12, null=True)
    feedback_comment = fields.TextField(default="")
    escalated_at = fields.DatetimeField(null=True)
    # The latest of its filing and its published messages: the "last activity" order of
    # lists. Kept in step by the thread (`messages._apply_published`).
    last_activity_at = fields.DatetimeField(db_index=True)
    # Why a complaint that is ready to send was not mailed yet ("EMAIL_NOT_VERIFIED": its
    # consumer has not verified their address); empty once queued.
    unsent_reason = fields.CharField(max_length=24, default="", db_default="")

    messages: fields.ReverseRelation[Message]

    class Meta:
        table = "complaint"
        indexes = (
            ("company_id", "created_at"),
            ("company_id", "last_activity_at"),
            ("consumer_id", "created_at"),
        )


class Message(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    complaint: fields.ForeignKeyRelation[Complaint] = fields.ForeignKeyField(
        "amicable.Complaint", related_name="messages", on_delete=fields.CASCADE
    )
    complaint_id: uuid.UUID
    author_kind = fields.CharEnumField(AuthorKind, max_length=12)
    # The account that wrote it on the web; null for mail from a company or the system.
    author_user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "amicable.User", related_name="messages", null=True, on_delete=fields.SET_NULL
    )
    author_user_id: uuid.UUID | None
    channel = fields.CharEnumField(Channel, max_length=8, default=Channel.WEB)
    body = fields.TextField()
    public_body = fields.TextField()
    is_redacted = fields.BooleanField(default=False)
    moderation_state = fields.CharEnumField(
        ModerationState, max_length=12, default=ModerationState.PUBLISHED
    )
    # Address a mailed reply came from: always private.
    sender_email = fields.CharField(max_length=254, default="")
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "message"
        indexes = (("complaint_id", "created_at"),)


class Attachment(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    complaint: fields.ForeignKeyRelation[Complaint] = fields.ForeignKeyField(
        "amicable.Complaint", related_name="attachments", on_delete=fields.CASCADE
    )
    complaint_id: uuid.UUID
    message: fields.ForeignKeyNullableRelation[Message] = fields.ForeignKeyField(
        "amicable.Message", related_name="attachments", null=True, on_delete=fields.CASCADE
    )
    message_id: uuid.UUID | None
    filename = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=127)
    size = fields.IntField()
    # Private attachments are for the company only (an invoice with an address on it).
    private = fields.BooleanField(default=True)
    storage_key = fields.CharField(max_length=255, default="")
    # Why it was not stored (too large, forbidden type); kept so nothing is lost silently.
    rejected_reason = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "attachment"
