"""The model enumerations, exposed to GraphQL under the same names, each value described.

`strawberry.enum` marks the class itself, so the names re-exported here are the model
enums: one definition for the database, the policy and the API. The models may not import
strawberry, so their values get their descriptions here (`describe_values`), which refuses
an enum with a value left undescribed.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

import strawberry

from amicable.models.enums import (
    AuthorKind,
    Channel,
    ComplaintCategory,
    ComplaintStatus,
    Language,
    ModerationState,
    Outcome,
    Role,
    Visibility,
)

E = TypeVar("E", bound=Enum)


def describe_values(enum: type[E], descriptions: Mapping[E, str]) -> None:
    """Give each value of a strawberry enum its description; every value must have one."""
    missing = [member.name for member in enum if member not in descriptions]
    if missing:
        raise ValueError(f"{enum.__name__}: no description for {', '.join(missing)}")
    definition = enum.__strawberry_definition__  # type: ignore[attr-defined]
    for value in definition.values:
        value.description = descriptions[enum[value.name]]


def expose(enum: type[E], description: str, values: Mapping[E, str]) -> None:
    """Make a model enum a GraphQL enum with its description and its values'."""
    strawberry.enum(enum, description=description)
    describe_values(enum, values)


expose(
    AuthorKind,
    "Who wrote a message.",
    {
        AuthorKind.CONSUMER: "The consumer who filed the complaint.",
        AuthorKind.COMPANY: "The company (by mail or by an agent on the web).",
        AuthorKind.MODERATOR: "A moderator of the platform.",
        AuthorKind.SYSTEM: "The platform itself.",
    },
)
expose(
    Channel,
    "How a message came in.",
    {Channel.WEB: "Written in the app.", Channel.EMAIL: "Mailed in (a reply to our mail)."},
)
expose(
    ComplaintCategory,
    "What a complaint is about; the `categories` query names each in nl, fr and en.",
    {
        ComplaintCategory.DELIVERY: "Delivery: late, missing or damaged.",
        ComplaintCategory.BILLING: "Invoices, charges and payments.",
        ComplaintCategory.PRODUCT_QUALITY: "A product that is faulty or not as described.",
        ComplaintCategory.SERVICE: "Customer service and how one was treated.",
        ComplaintCategory.CONTRACT: "Contracts, subscriptions and their terms.",
        ComplaintCategory.REFUND: "Refunds not paid or refused.",
        ComplaintCategory.WARRANTY: "Repairs and replacements under warranty.",
        ComplaintCategory.PRIVACY: "Personal data and how it was used.",
        ComplaintCategory.OTHER: "Anything else.",
    },
)
expose(
    ComplaintStatus,
    "Where a complaint stands in its lifecycle.",
    {
        ComplaintStatus.PENDING_MODERATION: "Held for a moderator before publication; seen "
        "by its consumer and moderators only.",
        ComplaintStatus.REJECTED: "Refused by a moderator; seen by its consumer and moderators.",
        ComplaintStatus.WAITING_FOR_COMPANY: "Sent to the company, no reply yet.",
        ComplaintStatus.ANSWERED: "The company replied.",
        ComplaintStatus.RESOLVED: "Closed by the consumer as resolved.",
        ComplaintStatus.UNRESOLVED: "Closed by the consumer as not resolved.",
        ComplaintStatus.CLOSED: "Closed without feedback: the feedback window passed.",
    },
)
expose(
    Language,
    "A language of the platform.",
    {Language.NL: "Dutch.", Language.FR: "French.", Language.EN: "English."},
)
expose(
    ModerationState,
    "Whether a message is published.",
    {
        ModerationState.PUBLISHED: "Readable by everyone who may read the complaint.",
        ModerationState.PENDING: "Held for a moderator; seen by its author and moderators.",
        ModerationState.REJECTED: "Refused by a moderator; seen by its author and moderators.",
    },
)
expose(
    Outcome,
    "The consumer's feedback when closing.",
    {Outcome.RESOLVED: "The problem was solved.", Outcome.UNRESOLVED: "It was not."},
)
expose(
    Role,
    "What an account is for.",
    {
        Role.CONSUMER: "Files complaints (a member is a consumer with `isMember`).",
        Role.AGENT: "Answers complaints for one company.",
        Role.MODERATOR: "Platform staff: moderation, companies, accounts.",
        Role.LAWYER: "The legal team: escalated dossiers.",
    },
)
expose(
    Visibility,
    "Who may read a complaint.",
    {
        Visibility.PUBLIC: "Everyone, once published (personal data masked).",
        Visibility.PRIVATE: "Its consumer, the company's agents, moderators, and lawyers "
        "once escalated.",
    },
)

__all__ = [
    "AuthorKind",
    "Channel",
    "ComplaintCategory",
    "ComplaintStatus",
    "Language",
    "ModerationState",
    "Outcome",
    "Role",
    "Visibility",
    "describe_values",
    "expose",
]
