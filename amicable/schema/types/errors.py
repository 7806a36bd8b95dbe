"""UserError: an expected failure, returned in a mutation payload, in the viewer's words."""

from __future__ import annotations

import strawberry

from amicable.infra import errors
from amicable.infra.errors import ErrorCode
from amicable.schema.context import Info
from amicable.schema.types.enums import describe_values

ERRORS = "Expected failures, each with a code; empty when the mutation succeeded."
INPUT = "What to do; see the input type."

ERROR_CODE_DESCRIPTIONS = {
    ErrorCode.NOT_FOUND: "The thing does not exist, or the viewer may not know it exists "
    "(one answer for both).",
    ErrorCode.INVALID: "The value is not acceptable (a format, a range, a minimum length).",
    ErrorCode.REQUIRED: "A value is missing.",
    ErrorCode.TOO_LONG: "The value is longer than allowed (`maxLength`).",
    ErrorCode.DUPLICATE: "Something with this value exists already.",
    ErrorCode.INVALID_CREDENTIALS: "The email address or the password is wrong.",
    ErrorCode.INVALID_STATE: "Not possible in the thing's current state.",
    ErrorCode.NOT_ALLOWED: "The viewer may not do this to this thing.",
    ErrorCode.FEEDBACK_PERIOD_OVER: "Feedback is closed: the window after the company's "
    "first reply has passed.",
    ErrorCode.RATE_LIMITED: "Too many attempts in a short time (`limit`, `windowSeconds`).",
    ErrorCode.MEMBERS_ONLY: "Only members of the organisation may do this.",
    ErrorCode.NOT_ELIGIBLE: "The complaint does not qualify (yet); the message says when.",
    ErrorCode.NAME_HAS_CONTACT_DETAILS: "A name holds an email address or a phone number, "
    "which would show through the public pseudonym.",
    ErrorCode.INVALID_TOKEN: "A mailed link (verification, reset, invitation, claim) is "
    "unknown, used or expired; the same answer for all three.",
    ErrorCode.FILE_TOO_LARGE: "A file is larger than allowed (`maxBytes`).",
    ErrorCode.FILE_TYPE_NOT_ALLOWED: "A file's content is not of an accepted type.",
    ErrorCode.TOO_MANY_FILES: "More files than allowed at once (`maxCount`).",
}

strawberry.enum(
    ErrorCode,
    name="UserErrorCode",
    description="Why a mutation failed; codes never change with the language.",
)
describe_values(ErrorCode, ERROR_CODE_DESCRIPTIONS)


@strawberry.type(description="A named value the message was made from, e.g. minLength = 5.")
class UserErrorParam:
    name: str = strawberry.field(description="The parameter's name, e.g. `minLength`.")
    value: str = strawberry.field(description="Its value, as text.")


@strawberry.type(description="An expected failure of a mutation: a code, and words for people.")
class UserError:
    error: strawberry.Private[errors.UserError]

    @strawberry.field(description="The input field at fault, if one is.")
    def field(self) -> str | None:
        return self.error.field

    @strawberry.field(description="What went wrong, for programs; the same in every language.")
    def code(self) -> ErrorCode:
        return self.error.code

    @strawberry.field(
        description="What went wrong, for people: in the account's language, else the "
        "request's Accept-Language (nl, fr or en), else English."
    )
    async def message(self, info: Info) -> str:
        return self.error.message_in(await info.context.language())

    @strawberry.field(
        description="The values the message was made from (a minimum or maximum length, a "
        "limit, a date), so an app can word it its own way."
    )
    def params(self) -> list[UserErrorParam]:
        return [
            UserErrorParam(name=name, value=str(value)) for name, value in self.error.params.items()
        ]


def user_errors(failure: errors.OperationFailed) -> list[UserError]:
    return [UserError(error=e) for e in failure.errors]
