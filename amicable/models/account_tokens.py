"""Account lifecycle records: single-use mailed tokens (verification, password reset, email
change, agent invitations, company claims), companies' registered domains, claims, and
revocations of the web reply links sent with complaint mail.

(No class docstrings on models: Tortoise turns them into SQL table comments.)
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from amicable.models.company import Company
    from amicable.models.complaint import Complaint
    from amicable.models.user import User


class TokenPurpose(StrEnum):
    VERIFY_EMAIL = "VERIFY_EMAIL"
    PASSWORD_RESET = "PASSWORD_RESET"
    EMAIL_CHANGE = "EMAIL_CHANGE"
    AGENT_INVITE = "AGENT_INVITE"
    COMPANY_CLAIM = "COMPANY_CLAIM"


class ClaimStatus(StrEnum):
    # Asked; the confirmation link was mailed to the claimant's address.
    REQUESTED = "REQUESTED"
    # The claimant followed the link: a moderator decides (or the setting approves).
    CONFIRMED = "CONFIRMED"
    APPROVED = "APPROVED"
    REFUSED = "REFUSED"


# A mailed secret; only its SHA-256 is stored, and it works once, until `expires_at`.
class AccountToken(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    token_hash = fields.CharField(max_length=64, unique=True)
    purpose = fields.CharEnumField(TokenPurpose, max_length=16)
    # The account it acts on; null for an invitation (the account does not exist yet).
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "amicable.User", related_name="account_tokens", null=True, on_delete=fields.CASCADE
    )
    user_id: uuid.UUID | None
    # The address the token was mailed to (the new address, for an email change).
    email = fields.CharField(max_length=254)
    company: fields.ForeignKeyNullableRelation[Company] = fields.ForeignKeyField(
        "amicable.Company", related_name="account_tokens", null=True, on_delete=fields.CASCADE
    )
    company_id: uuid.UUID | None
    claim: fields.ForeignKeyNullableRelation[CompanyClaim] = fields.ForeignKeyField(
        "amicable.CompanyClaim", related_name="tokens", null=True, on_delete=fields.CASCADE
    )
    claim_id: uuid.UUID | None
    created_by_id = fields.UUIDField(null=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "account_token"
        indexes = (("user_id", "purpose"),)


# The domains a company's own staff write from: claims are open to verified addresses there.
class CompanyDomain(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "amicable.Company", related_name="domains", on_delete=fields.CASCADE
    )
    company_id: uuid.UUID
    domain = fields.CharField(max_length=253, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "company_domain"
        unique_together = (("company", "domain"),)


class CompanyClaim(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "amicable.Company", related_name="claims", on_delete=fields.CASCADE
    )
    company_id: uuid.UUID
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "amicable.User", related_name="company_claims", on_delete=fields.CASCADE
    )
    user_id: uuid.UUID
    email = fields.CharField(max_length=254)
    status = fields.CharEnumField(ClaimStatus, max_length=12, default=ClaimStatus.REQUESTED)
    created_at = fields.DatetimeField()
    confirmed_at = fields.DatetimeField(null=True)
    decided_at = fields.DatetimeField(null=True)
    decided_by_id = fields.UUIDField(null=True)

    class Meta:
        table = "company_claim"


# Web reply links are signed, not stored; a moderator withdraws one link (`link_id`) or,
# with an empty `link_id`, every link of the complaint issued until `revoked_at`.
class MagicLinkRevocation(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    complaint: fields.ForeignKeyRelation[Complaint] = fields.ForeignKeyField(
        "amicable.Complaint", related_name="link_revocations", on_delete=fields.CASCADE
    )
    complaint_id: uuid.UUID
    link_id = fields.CharField(max_length=32, default="")
    revoked_at = fields.DatetimeField()
    revoked_by_id = fields.UUIDField(null=True)

    class Meta:
        table = "magic_link_revocation"
        indexes = (("complaint_id", "link_id"),)
