"""UserError: an expected failure, returned in a mutation payload."""

import strawberry

from amicable.infra import errors
from amicable.infra.errors import ErrorCode

strawberry.enum(ErrorCode, name="UserErrorCode")


@strawberry.type
class UserError:
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    code: ErrorCode
    message: str


def user_errors(failure: errors.OperationFailed) -> list[UserError]:
    return [UserError(field=e.field, code=e.code, message=e.message) for e in failure.errors]
