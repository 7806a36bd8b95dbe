"""The mail aggregate: the outbox of mail to send and the record of mail received.

The moderation queue's items live in `amicable.models.moderation`; their names are
re-exported here because the early migrations import them from this module.

No class docstrings on these models: Tortoise turns them into SQL table comments.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from amicable.models.moderation import (
    ModerationDecision,
    ModerationItem,
    ModerationItemKind,
    ModerationItemStatus,
)

if TYPE_CHECKING:
    from amicable.models.complaint import Complaint, Message


class OutboxKind(StrEnum):
    COMPLAINT = "COMPLAINT"  # the complaint, to the company
    REPLY = "REPLY"  # a message relayed to the other party
    NOTICE = "NOTICE"  # the platform's own notices (RFC 3834 Auto-Submitted)


class OutboxStatus(StrEnum):
    PENDING = "PENDING"
    # Claimed by a worker until `next_attempt_at` (a lease); a worker that died mid-send
    # leaves it to be retried once the lease runs out.
    SENDING = "SENDING"
    SENT = "SENT"
    FAILED = "FAILED"  # gave up after the maximum number of attempts


class RecipientKind(StrEnum):
    COMPANY = "COMPANY"
    CONSUMER = "CONSUMER"


class InboundDoor(StrEnum):
    SMTP = "SMTP"
    PIPE = "PIPE"
    HTTP = "HTTP"


# One mail to send. The whole message is rendered when it is queued (in the transaction
# that caused it), so the worker only delivers bytes and a retry sends the same mail.
class OutboxMail(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    kind = fields.CharEnumField(OutboxKind, max_length=12)
    status = fields.CharEnumField(OutboxStatus, max_length=8, default=OutboxStatus.PENDING)
    complaint: fields.ForeignKeyNullableRelation[Complaint] = fields.ForeignKeyField(
        "amicable.Complaint", related_name="outbox_mails", null=True, on_delete=fields.CASCADE
    )
    complaint_id: uuid.UUID | None
    message: fields.ForeignKeyNullableRelation[Message] = fields.ForeignKeyField(
        "amicable.Message", related_name="outbox_mails", null=True, on_delete=fields.SET_NULL
    )
    message_id: uuid.UUID | None
    recipient = fields.CharField(max_length=254)
    recipient_kind = fields.CharEnumField(RecipientKind, max_length=8)
    # Our RFC 5322 Message-ID, with its angle brackets; replies name it in In-Reply-To.
    rfc_message_id = fields.CharField(max_length=255, unique=True)
    # The token in this mail's Reply-To address; the same for every mail of one thread
    # to one recipient, so it is indexed, not unique.
    reply_token = fields.CharField(max_length=64, db_index=True)
    envelope_sender = fields.CharField(max_length=254)
    content = fields.TextField()
    # The mail's words as inbound replies are compared against them
    # (`amicable.mail.outbound.sent_words`); null for mail queued before they were kept.
    sent_words: fields.Field[dict | None] = fields.JSONField(null=True)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(default="")
    next_attempt_at = fields.DatetimeField()
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_mail"
        indexes = (("status", "next_attempt_at"), ("complaint_id", "recipient"))


# A mail received through any door, stored raw before anything else happens to it.
class InboundMail(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    door = fields.CharEnumField(InboundDoor, max_length=4)
    # The Message-ID while this row holds the right to be processed: unique, so a second
    # delivery of the same mail (even concurrent) is recognised; cleared when processing
    # failed temporarily, so that the sender's retry is processed.
    dedupe_key = fields.CharField(max_length=255, null=True, unique=True)
    rfc_message_id = fields.CharField(max_length=255, default="", db_index=True)
    envelope_sender = fields.CharField(max_length=254, default="")
    envelope_recipients: fields.Field[list[str]] = fields.JSONField(default=list)
    sender = fields.CharField(max_length=254, default="")
    subject = fields.CharField(max_length=255, default="")
    raw_message = fields.BinaryField()
    size = fields.IntField()
    outcome = fields.CharField(max_length=24, default="RECEIVED")
    detail = fields.TextField(default="")
    complaint: fields.ForeignKeyNullableRelation[Complaint] = fields.ForeignKeyField(
        "amicable.Complaint", related_name="inbound_mails", null=True, on_delete=fields.SET_NULL
    )
    complaint_id: uuid.UUID | None
    message: fields.ForeignKeyNullableRelation[Message] = fields.ForeignKeyField(
        "amicable.Message", related_name="inbound_mails", null=True, on_delete=fields.SET_NULL
    )
    message_id: uuid.UUID | None
    received_at = fields.DatetimeField()

    class Meta:
        table = "inbound_mail"
        indexes = (("complaint_id", "received_at"),)


__all__ = [
    "InboundDoor",
    "InboundMail",
    "ModerationDecision",
    "ModerationItem",
    "ModerationItemKind",
    "ModerationItemStatus",
    "OutboxKind",
    "OutboxMail",
    "OutboxStatus",
    "RecipientKind",
]
