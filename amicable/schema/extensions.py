"""Schema extensions: the credential gate, error masking, and limits on hostile queries."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from functools import partial

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)

from amicable.infra.errors import Forbidden, OperationFailed, Unauthenticated
from amicable.infra.outage import ServiceUnavailable, is_database_outage
from amicable.schema.http_edge import SERVICE_UNAVAILABLE, UNAVAILABLE_MESSAGE
from amicable.schema.inputs import check_inputs
from amicable.schema.limits import (
    DocumentMeter,
    Pages,
    alias_error,
    depth_and_alias_rule,
    depth_error,
)
from amicable.schema.localise import LocalisedErrors
from amicable.schema.observe import OperationMetrics
from amicable.settings import Settings

log = logging.getLogger(__name__)


class CredentialGate(SchemaExtension):
    """A request that presented a bad credential gets one UNAUTHENTICATED error and no data,
    whatever it asked: answering it as anonymous would hide an expired session from the app."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if getattr(context, "service_unavailable", False):
            # Raised, not set as the result: subscriptions ignore a preset result.
            raise ServiceUnavailable()
        if getattr(context, "auth_failed", False):
            self.execution_context.result = ExecutionResult(
                data=None,
                errors=[GraphQLError("Unauthenticated", extensions={"code": "UNAUTHENTICATED"})],
            )
        yield


_EXPECTED = (GraphQLError, Unauthenticated, Forbidden, OperationFailed)


def _should_mask(error: GraphQLError) -> bool:
    """Mask bugs, not answers: validation errors (no original error), permission denials and
    our expected failures stay readable; anything else is logged and masked."""
    original = error.original_error
    if original is None or isinstance(original, _EXPECTED):
        return False
    if is_database_outage(original):
        # Not a bug: answered SERVICE_UNAVAILABLE (see `_MaskErrors`), logged once briefly.
        log.warning("database unavailable in %s: %s", error.path, type(original).__name__)
        return True
    log.error("unexpected error in %s", error.path, exc_info=original)
    return True


def _pages(settings: Settings) -> Pages:
    return Pages(
        default=settings.page_size_default,
        cap=max(settings.page_size_max, settings.partner_page_size_max),
    )


class _MaskErrors(MaskErrors):
    """Masks bugs as "Unexpected error."; a database outage becomes SERVICE_UNAVAILABLE,
    the same answer for every viewer, which a client can act on (retry later)."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if is_database_outage(error.original_error):
            return GraphQLError(
                UNAVAILABLE_MESSAGE, path=error.path, extensions={"code": SERVICE_UNAVAILABLE}
            )
        return super().anonymise_error(error)


def _limit_rules(settings: Settings) -> list:
    """The depth and alias limits as one validation rule class, built once per schema.

    Built once (not per request, as Strawberry's limiter extensions do), the rule set stays
    the same and the validation cache answers a document seen before; and ours expands
    fragments memoised, where Strawberry's limiters are exponential in spreads."""
    return [depth_and_alias_rule(_pages(settings), settings.max_query_depth, settings.max_aliases)]


class _ValidationCache(ValidationCache):
    """Strawberry's cache of validation results, skipped for a request already refused."""

    def on_validate(self) -> Iterator[None]:
        if self.execution_context.pre_execution_errors:
            yield
            return
        yield from super().on_validate()


class PreExecutionChecks(SchemaExtension):
    """Refuses, before execution, a request with a text input that breaks the rules in
    `amicable.schema.inputs`, or whose cost (fields with fragments expanded, times the page
    sizes asked for) passes `max_query_cost`; and gives every validation error a code.
    Inputs and cost depend on the variables, so they are checked per request, in time
    linear in the document's size; the measure copes with invalid documents (unknown
    fields count once, cycles as empty), whose validation errors follow if they pass."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and not context.pre_execution_errors:
            # Before validation: graphql-core's overlapping-fields rule is quadratic in the
            # fields of a selection set, and a costly document need not be validated at all.
            refusal = self._refusal()
            if refusal is not None:
                context.pre_execution_errors = [refusal]
        yield
        _add_code(context.pre_execution_errors, "GRAPHQL_VALIDATION_FAILED")

    def _refusal(self) -> GraphQLError | None:
        context = self.execution_context
        assert context.graphql_document is not None
        variables = context.variables if isinstance(context.variables, dict) else {}
        bad_input = check_inputs(context.graphql_document, variables)
        if bad_input is not None:
            return bad_input
        meter = DocumentMeter(
            context.schema._schema, context.graphql_document, _pages(self.settings), variables
        )
        operation = meter.operation(context.operation_name)
        if operation is None:
            return None  # execution refuses an ambiguous or unknown operation itself
        measure = meter.measure(operation)
        if meter.has_cycle:
            return None  # validation refuses it, naming the cycle
        # Depth and aliases first, as validation would have refused them.
        if measure.depth > self.settings.max_query_depth:
            return depth_error(operation, measure.depth, self.settings.max_query_depth)
        if measure.aliases > self.settings.max_aliases:
            return alias_error(measure.aliases, self.settings.max_aliases)
        cost = measure.cost
        limit = self.settings.max_query_cost
        if cost <= limit:
            return None
        return GraphQLError(
            f"This operation would cost {cost} (fields times page sizes, fragments "
            f"expanded); the limit is {limit}. Ask for fewer fields or smaller pages.",
            operation,
            extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": limit},
        )


def _add_code(errors: list[GraphQLError] | None, code: str) -> None:
    for error in errors or ():
        if not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": code}


def schema_extensions(settings: Settings) -> list:
    # Factories, not instances: Strawberry builds extensions per operation.
    return [
        OperationMetrics,
        CredentialGate,
        # Apps send the same few documents over and over; parse and validate each once.
        partial(ParserCache, maxsize=512),
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(AddValidationRules, _limit_rules(settings)),
        # Outside the cache: a request refused for its inputs or cost is not validated.
        partial(PreExecutionChecks, settings),
        partial(_ValidationCache, maxsize=512),
        partial(_MaskErrors, should_mask_error=_should_mask),
        # After masking in the list, so it runs first on the way out (hooks unwind in
        # reverse): it only rewrites expected failures, which masking leaves alone anyway.
        LocalisedErrors,
    ]
