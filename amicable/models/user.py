"""The account aggregate: users, their bearer tokens, and partners' API keys."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from amicable.models.enums import Language, Role

if TYPE_CHECKING:
    from amicable.models.company import Company


class User(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    email = fields.CharField(max_length=254, unique=True)
    password_hash = fields.CharField(max_length=255)
    full_name = fields.CharField(max_length=200)
    role = fields.CharEnumField(Role, max_length=16, default=Role.CONSUMER)
    # Agents belong to exactly one company.
    company: fields.ForeignKeyNullableRelation[Company] = fields.ForeignKeyField(
        "amicable.Company", related_name="agents", null=True, on_delete=fields.SET_NULL
    )
    company_id: uuid.UUID | None
    is_member = fields.BooleanField(default=False)
    # Membership details (moderators or the member list sync); an expired member is not one.
    member_number = fields.CharField(max_length=64, default="", db_default="")
    member_until = fields.DateField(null=True)
    # Null until the owner follows the mailed link; nothing they file is mailed before.
    email_verified_at = fields.DatetimeField(null=True)
    # A suspended agent cannot sign in; their tokens were revoked when suspended.
    suspended_at = fields.DatetimeField(null=True)
    language = fields.CharEnumField(Language, max_length=2, default=Language.NL)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Set when the account was erased at its owner's request (personal data removed).
    erased_at = fields.DatetimeField(null=True)
    # Agents receive a weekly digest of their company's open complaints unless they opt out.
    agent_digest = fields.BooleanField(default=True, db_default=True)

    class Meta:
        table = "user_account"


# An opaque bearer token; only its SHA-256 is stored, so a database leak yields none.
# (No class docstrings on models: Tortoise turns them into SQL table comments.)
class AccessToken(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "amicable.User", related_name="tokens", on_delete=fields.CASCADE
    )
    user_id: uuid.UUID
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "access_token"


# A partner's read-only key, stored hashed like access tokens.
class ApiKey(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    key_hash = fields.CharField(max_length=64, unique=True)
    partner_name = fields.CharField(max_length=200)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "amicable.User", related_name="api_keys_created", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_key"
