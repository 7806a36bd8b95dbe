"""Enumerations shared by the models, the policy and the API."""

from enum import StrEnum


class Role(StrEnum):
    CONSUMER = "consumer"
    AGENT = "agent"
    MODERATOR = "moderator"
    LAWYER = "lawyer"


class Language(StrEnum):
    NL = "nl"
    FR = "fr"
    EN = "en"


class Visibility(StrEnum):
    PUBLIC = "PUBLIC"
    PRIVATE = "PRIVATE"


class ComplaintStatus(StrEnum):
    PENDING_MODERATION = "PENDING_MODERATION"
    REJECTED = "REJECTED"
    WAITING_FOR_COMPANY = "WAITING_FOR_COMPANY"
    ANSWERED = "ANSWERED"
    RESOLVED = "RESOLVED"
    UNRESOLVED = "UNRESOLVED"
    # Feedback window (6 months after the first company reply) passed without evaluation.
    CLOSED = "CLOSED"


# Statuses whose content only the author and moderators may see.
UNPUBLISHED_STATUSES = (ComplaintStatus.PENDING_MODERATION, ComplaintStatus.REJECTED)
CLOSED_STATUSES = (ComplaintStatus.RESOLVED, ComplaintStatus.UNRESOLVED, ComplaintStatus.CLOSED)


class ComplaintCategory(StrEnum):
    """What a complaint is about: a closed set, so lists can filter by it and every
    language can name it (labels in `infra/messages.py`)."""

    DELIVERY = "delivery"
    BILLING = "billing"
    PRODUCT_QUALITY = "product_quality"
    SERVICE = "service"
    CONTRACT = "contract"
    REFUND = "refund"
    WARRANTY = "warranty"
    PRIVACY = "privacy"
    OTHER = "other"


class Outcome(StrEnum):
    RESOLVED = "RESOLVED"
    UNRESOLVED = "UNRESOLVED"


class AuthorKind(StrEnum):
    CONSUMER = "CONSUMER"
    COMPANY = "COMPANY"
    MODERATOR = "MODERATOR"
    SYSTEM = "SYSTEM"


class Channel(StrEnum):
    WEB = "WEB"
    EMAIL = "EMAIL"


class ModerationState(StrEnum):
    PUBLISHED = "PUBLISHED"
    PENDING = "PENDING"
    REJECTED = "REJECTED"
