"""Top-level errors in the viewer's words.

An expected failure raised from a query field (a bad cursor, a negative page size, a date
range the wrong way round) is a top-level error with its code in `extensions.code`; its
message is rendered here in the viewer's language and its parameters, if any, travel in
`extensions.params`. The bare codes (UNAUTHENTICATED, FORBIDDEN) say nothing beyond the
code, in every language, and are left alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from graphql import ExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ExecutionResult as StrawberryExecutionResult

from amicable.infra.errors import OperationFailed


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
            first = failure.errors[0]
            error.message = "; ".join(e.message_in(language) for e in failure.errors)
            if first.params:
                extensions = dict(error.extensions or {})
                extensions["params"] = [
                    {"name": name, "value": str(value)} for name, value in first.params.items()
                ]
                error.extensions = extensions

