"""Tortoise models, one module per aggregate. Migrations live in `migrations/`."""

from amicable.models.account_tokens import (
    AccountToken,
    CompanyClaim,
    CompanyDomain,
    MagicLinkRevocation,
)
from amicable.models.audit import AuditEntry
from amicable.models.company import Company, CompanyAddress
from amicable.models.complaint import Attachment, Complaint, Message
from amicable.models.mail import InboundMail, OutboxMail
from amicable.models.moderation import (
    CompanySlugRedirect,
    ContentReport,
    CorrectionRequest,
    Escalation,
    LawyerNote,
    ModerationItem,
    Notification,
)
from amicable.models.nudge import Nudge
from amicable.models.score import (
    AwaitingReply,
    CompanyDayStats,
    CompanyMonthStats,
    CompanyScore,
    CompanyScoreCategory,
    CompanyScoreWindow,
)
from amicable.models.user import AccessToken, ApiKey, User

__all__ = [
    "AccessToken",
    "AccountToken",
    "ApiKey",
    "Attachment",
    "AuditEntry",
    "AwaitingReply",
    "Company",
    "CompanyAddress",
    "CompanyClaim",
    "CompanyDayStats",
    "CompanyDomain",
    "CompanyMonthStats",
    "CompanyScore",
    "CompanyScoreCategory",
    "CompanyScoreWindow",
    "CompanySlugRedirect",
    "Complaint",
    "ContentReport",
    "CorrectionRequest",
    "Escalation",
    "InboundMail",
    "LawyerNote",
    "MagicLinkRevocation",
    "Message",
    "ModerationItem",
    "Notification",
    "Nudge",
    "OutboxMail",
    "User",
]
