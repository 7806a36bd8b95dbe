"""Tortoise models, one module per aggregate. Migrations live in `migrations/`."""

from amicable.models.audit import AuditEntry
from amicable.models.company import Company, CompanyAddress
from amicable.models.complaint import Attachment, Complaint, Message
from amicable.models.user import AccessToken, ApiKey, User

__all__ = [
    "AccessToken",
    "ApiKey",
    "Attachment",
    "AuditEntry",
    "Company",
    "CompanyAddress",
    "Complaint",
    "Message",
    "User",
]
