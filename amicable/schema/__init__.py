"""Strawberry types, inputs, payloads and permissions. Fields call `amicable.resolvers`."""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from amicable.schema.execution import EventScopedExecutionContext
from amicable.schema.extensions import schema_extensions
from amicable.schema.mutations import Mutation
from amicable.schema.query import Query
from amicable.schema.subscription import Subscription
from amicable.schema.types.company import CompanyType
from amicable.schema.types.complaint import ComplaintType
from amicable.schema.types.message import MessageType
from amicable.schema.types.user import UserType
from amicable.settings import Settings

log = logging.getLogger(__name__)


class _Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Strawberry logs every error at ERROR with the whole document. A client's mistake
        (a bad cursor, a refused query) is an answer, not a server fault, and documents may
        hold personal data: bugs are logged where they are masked (`extensions._should_mask`)."""
        for error in errors:
            log.debug("GraphQL error answered: %s", error.message)


def build_schema(settings: Settings) -> strawberry.Schema:
    return _Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[CompanyType, ComplaintType, MessageType, UserType],
        extensions=schema_extensions(settings),
        config=StrawberryConfig(auto_camel_case=True),
        execution_context_class=EventScopedExecutionContext,
    )


def print_schema(settings: Settings | None = None) -> str:
    return build_schema(settings or Settings()).as_str() + "\n"
