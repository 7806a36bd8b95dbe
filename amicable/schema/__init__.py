"""Strawberry types, inputs, payloads and permissions. Fields call `amicable.resolvers`."""

from __future__ import annotations

import logging

import strawberry
from strawberry.schema.config import StrawberryConfig

from amicable.schema.execution import EventScopedExecutionContext
from amicable.schema.extensions import schema_extensions
from amicable.schema.mutations import Mutation
from amicable.schema.observe import ObservedSchema
from amicable.schema.query import Query
from amicable.schema.subscription import Subscription
from amicable.schema.types.company import CompanyType
from amicable.schema.types.complaint import ComplaintType
from amicable.schema.types.message import MessageType
from amicable.schema.types.user import UserType
from amicable.settings import Settings

log = logging.getLogger(__name__)


def build_schema(settings: Settings) -> strawberry.Schema:
    # Logs a client's mistakes at INFO, not as tracebacks (amicable.schema.observe).
    return ObservedSchema(
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
