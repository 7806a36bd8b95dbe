"""What an operation can answer besides success.

    Exception
     +-- OperationFailed     expected failure: returned as `errors: [UserError!]!` in a payload
     +-- Unauthenticated     no or bad credential: top-level error, code UNAUTHENTICATED
     +-- Forbidden           the viewer's role may not do this: top-level error, code FORBIDDEN

Messages of the two top-level errors say nothing beyond their code, so they never tell
whether a thing exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    DUPLICATE = "DUPLICATE"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    INVALID_STATE = "INVALID_STATE"
    NOT_ALLOWED = "NOT_ALLOWED"
    FEEDBACK_PERIOD_OVER = "FEEDBACK_PERIOD_OVER"
    RATE_LIMITED = "RATE_LIMITED"
    # Escalation: only members may escalate; a complaint qualifies only after the reply
    # deadline passed unanswered, or once closed as not resolved.
    MEMBERS_ONLY = "MEMBERS_ONLY"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    # A full name that is or holds an email address or a phone number: it would show
    # through the public pseudonym.
    NAME_HAS_CONTACT_DETAILS = "NAME_HAS_CONTACT_DETAILS"
    # A mailed link (verification, reset, invitation, claim) that is unknown, used or
    # expired: one code and one message for all three, so a guess learns nothing.
    INVALID_TOKEN = "INVALID_TOKEN"
    # Attachments: larger than the limit, of a type not accepted (by content), too many.
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    FILE_TYPE_NOT_ALLOWED = "FILE_TYPE_NOT_ALLOWED"
    TOO_MANY_FILES = "TOO_MANY_FILES"


@dataclass(frozen=True, slots=True)
class UserError:
    code: ErrorCode
    message: str
    field: str | None = None


class OperationFailed(Exception):
    def __init__(self, *errors: UserError) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = list(errors)
        # Raised from a query field (a bad cursor), it becomes a top-level error with this code.
        self.extensions = {"code": errors[0].code.value if errors else "INVALID"}


class Unauthenticated(Exception):
    extensions = {"code": "UNAUTHENTICATED"}

    def __init__(self) -> None:
        super().__init__("Unauthenticated")


class Forbidden(Exception):
    extensions = {"code": "FORBIDDEN"}

    def __init__(self) -> None:
        super().__init__("Forbidden")


def not_found(what: str, field: str | None = None) -> OperationFailed:
    return OperationFailed(UserError(ErrorCode.NOT_FOUND, f"{what} not found.", field))


def invalid(field: str, message: str, code: ErrorCode = ErrorCode.INVALID) -> UserError:
    return UserError(code, message, field)
