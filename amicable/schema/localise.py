"""Top-level errors in the viewer's words.

An expected failure raised from a query field (a bad cursor, a negative page size, a date
range the wrong way round) is a top-level error with its code in `extensions.code`; its
message is rendered here in the viewer's language and its parameters, if any, travel in
`extensions.params`. The bare codes (UNAUTHENTICATED, FORBIDDEN) say nothing beyond the
code, in every language, and are left alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ExecutionResult as StrawberryExecutionResult

from amicable.infra.errors import OperationFailed
from amicable.models.enums import Language
from amicable.schema.context import Context


class LocalisedErrors(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        yield
        result = self.execution_context.result
        if not isinstance(result, ExecutionResult | StrawberryExecutionResult):
            return
        if not result.errors:
            return
        failures = [e for e in result.errors if isinstance(e.original_error, OperationFailed)]
        if not failures:
            return
        context = self.execution_context.context
        language = await context.language() if hasattr(context, "language") else None
        for error in failures:
            failure = error.original_error
            assert isinstance(failure, OperationFailed)
            error.message, extensions = _worded(failure, language)
            error.extensions = {**(error.extensions or {}), **extensions}


async def localised_error(context: Context, failure: OperationFailed) -> GraphQLError:
    """A top-level error for an expected failure outside a query's execution (a
    subscription's), in the viewer's words."""
    message, extensions = _worded(failure, await context.language())
    return GraphQLError(message, extensions=extensions)


def _worded(failure: OperationFailed, language: Language | None) -> tuple[str, dict[str, Any]]:
    message = "; ".join(e.message_in(language) for e in failure.errors)
    extensions: dict[str, Any] = dict(failure.extensions)
    first = failure.errors[0] if failure.errors else None
    if first is not None and first.params:
        extensions["params"] = [
            {"name": name, "value": str(value)} for name, value in first.params.items()
        ]
    return message, extensions
