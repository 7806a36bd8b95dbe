"""Small input checks shared by operations; each returns UserErrors, never raises."""

from __future__ import annotations

import re

from amicable.infra.errors import ErrorCode, UserError

# Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is proven by
# mail, not by a regular expression.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(value: str) -> str:
    return value.strip().lower()


def check_email(field: str, value: str) -> list[UserError]:
    if not value:
        return [UserError(ErrorCode.REQUIRED, "An email address is required.", field)]
    if len(value) > 254 or not _EMAIL.match(value):
        return [UserError(ErrorCode.INVALID, "This is not a valid email address.", field)]
    return []


def check_text(
    field: str, value: str, *, max_length: int, required: bool = True, min_length: int = 1
) -> list[UserError]:
    stripped = value.strip()
    if required and not stripped:
        return [UserError(ErrorCode.REQUIRED, f"{_label(field)} is required.", field)]
    if stripped and len(stripped) < min_length:
        return [
            UserError(
                ErrorCode.INVALID,
                f"{_label(field)} must be at least {min_length} characters.",
                field,
            )
        ]
    if len(value) > max_length:
        return [
            UserError(
                ErrorCode.TOO_LONG,
                f"{_label(field)} is longer than {max_length} characters.",
                field,
            )
        ]
    return []


def _label(field: str) -> str:
    words = re.sub(r"([A-Z])", r" \1", field).split()
    return " ".join(words).capitalize() if words else field
