"""What an operation can answer besides success.

    Exception
     +-- OperationFailed     expected failure: returned as `errors: [UserError!]!` in a payload
     +-- Unauthenticated     no or bad credential: top-level error, code UNAUTHENTICATED
     +-- Forbidden           the viewer's role may not do this: top-level error, code FORBIDDEN

Messages of the two top-level errors say nothing beyond their code, so they never tell
whether a thing exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as _field
from enum import StrEnum

from amicable.infra.messages import Msg, render
from amicable.models.enums import Language


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
    """`text` names the message in the catalogue (`infra/messages.py`); `params` are its
    machine-readable parameters (a minimum length, a limit), also shown to API clients."""

    code: ErrorCode
    text: Msg
    field: str | None = None
    params: Mapping[str, str | int] = _field(default_factory=dict)

    def message_in(self, language: Language | None) -> str:
        return render(self.text, language, self.params, self.field)

    @property
    def message(self) -> str:
        """In English: for logs and for callers without a viewer."""
        return self.message_in(Language.EN)


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
    """`what` is the API's type name (Complaint, Company, ...): a parameter, and the
    thing named in the message."""
    return OperationFailed(UserError(ErrorCode.NOT_FOUND, Msg.NOT_FOUND, field, {"type": what}))
