"""The audit log: who did what, to what, when."""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    actor_user_id = fields.UUIDField(null=True)
    # "consumer", "agent", "moderator", "system", "mail", "cli": who acted when no user did.
    actor_kind = fields.CharField(max_length=16)
    action = fields.CharField(max_length=64, db_index=True)
    target_type = fields.CharField(max_length=32)
    target_id = fields.UUIDField()
    data: fields.Field[dict[str, object]] = fields.JSONField(default=dict)
    # The company the actor acted for (an agent, a web reply link's holder) or that the
    # action concerned (invitations, suspensions): moderators read a company's log by it.
    company_id = fields.UUIDField(null=True, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "audit_entry"
