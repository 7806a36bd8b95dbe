"""Small input checks shared by operations; each returns UserErrors, never raises."""

from __future__ import annotations

import re

from amicable.infra.errors import ErrorCode, UserError
from amicable.infra.messages import Msg

# Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is proven by
# mail, not by a regular expression.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(value: str) -> str:
    return value.strip().lower()


def check_email(field: str, value: str) -> list[UserError]:
    if not value:
        return [UserError(ErrorCode.REQUIRED, Msg.EMAIL_REQUIRED, field)]
    if len(value) > 254 or not _EMAIL.match(value):
        return [UserError(ErrorCode.INVALID, Msg.EMAIL_INVALID, field, {"maxLength": 254})]
    return []


def check_text(
    field: str, value: str, *, max_length: int, required: bool = True, min_length: int = 1
) -> list[UserError]:
    stripped = value.strip()
    if required and not stripped:
        return [UserError(ErrorCode.REQUIRED, Msg.REQUIRED, field)]
    if stripped and len(stripped) < min_length:
        return [UserError(ErrorCode.INVALID, Msg.TOO_SHORT, field, {"minLength": min_length})]
    if len(value) > max_length:
        return [UserError(ErrorCode.TOO_LONG, Msg.TOO_LONG, field, {"maxLength": max_length})]
    return []
