"""Schema extensions: the credential gate, error masking, and limits on hostile queries."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from functools import partial

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from amicable.infra.errors import Forbidden, OperationFailed, Unauthenticated
from amicable.schema.localise import LocalisedErrors
from amicable.settings import Settings

log = logging.getLogger(__name__)


class CredentialGate(SchemaExtension):
    """A request that presented a bad credential gets one UNAUTHENTICATED error and no data,
    whatever it asked: answering it as anonymous would hide an expired session from the app."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
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
    log.error("unexpected error in %s", error.path, exc_info=original)
    return True


def _limit_rules(settings: Settings) -> list:
    """The depth and alias limits as validation rule classes, built once per schema.

    Strawberry's limiter extensions build new rule classes on every request, which makes
    every request's rule set unique and defeats the validation cache; built once, the same
    document is validated once, then answered from the cache."""
    depth = QueryDepthLimiter(max_depth=settings.max_query_depth)
    aliases = MaxAliasesLimiter(max_alias_count=settings.max_aliases)
    return [*depth.validation_rules, *aliases.validation_rules]


def schema_extensions(settings: Settings) -> list:
    # Factories, not instances: Strawberry builds extensions per operation.
    return [
        CredentialGate,
        # Apps send the same few documents over and over; parse and validate each once.
        partial(ParserCache, maxsize=512),
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(AddValidationRules, _limit_rules(settings)),
        partial(ValidationCache, maxsize=512),
        partial(MaskErrors, should_mask_error=_should_mask),
        # After masking in the list, so it runs first on the way out (hooks unwind in
        # reverse): it only rewrites expected failures, which masking leaves alone anyway.
        LocalisedErrors,
    ]
