"""What the GraphQL layer tells the operator: a log line per refused operation, and the
latency of each operation by name and type.

Strawberry logs every error of a result at ERROR with its traceback, a client's typo or a
refused subscription included, so anyone could flood the log. Here a client's mistake
(validation, a denied field, an expected failure) is one INFO line with its code and
path, never the message's variable values (WARNING when it hit a limit on hostile
queries); only an unexpected error is an ERROR, with its
traceback (logged where it is masked).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from amicable import metrics
from amicable.infra.errors import Forbidden, OperationFailed, Unauthenticated

log = logging.getLogger("amicable.graphql")

_EXPECTED = (GraphQLError, Unauthenticated, Forbidden, OperationFailed)


def _describe(error: GraphQLError) -> str:
    code = (error.extensions or {}).get("code") or "INVALID_REQUEST"
    where = ".".join(str(part) for part in error.path) if error.path else ""
    # A variable's coercion error quotes the value it got, which may be a password.
    message = "invalid variable value" if "Variable '$" in error.message else error.message
    return f"{code} {where} {message[:200]}".replace("  ", " ").strip()


# The limits on hostile queries (depth, aliases, cost, and the parser's token limit, which
# has no code of its own).
_HOSTILE_CODES = frozenset({"QUERY_TOO_DEEP", "TOO_MANY_ALIASES", "QUERY_TOO_COSTLY"})
_HOSTILE_MESSAGES = ("Document contains more than",)


def _is_hostile(error: GraphQLError) -> bool:
    code = (error.extensions or {}).get("code")
    return code in _HOSTILE_CODES or any(m in error.message for m in _HOSTILE_MESSAGES)


class ObservedSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        operation = getattr(execution_context, "operation_name", None) or "anonymous"
        for error in errors:
            original = error.original_error
            if original is None or isinstance(original, _EXPECTED):
                # Hitting a limit on hostile queries is worth a look: WARNING.
                level = logging.WARNING if _is_hostile(error) else logging.INFO
                log.log(level, "refused %s: %s", operation, _describe(error))
            # Anything else was logged with its traceback when MaskErrors masked it.


class OperationMetrics(SchemaExtension):
    """Times each operation (queries, mutations, and a subscription's set-up) by operation
    type and name; names are bounded in `metrics.operation_label`."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        try:
            kind = context.operation_type.value
        except Exception:
            kind = "invalid"  # the document did not parse or named no operation
        metrics.observe_operation(kind, context.operation_name, time.perf_counter() - started)
