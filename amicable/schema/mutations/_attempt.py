"""Shared by the mutations: expected failures into payload errors, and input IDs."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import TypeVar

import strawberry

from amicable.infra.errors import OperationFailed, not_found
from amicable.schema.relay import decode_global_id
from amicable.schema.types.errors import UserError, user_errors

T = TypeVar("T")


async def attempt(operation: Awaitable[T]) -> tuple[T | None, list[UserError]]:
    """Run an operation; OperationFailed becomes `errors`, anything else propagates
    (Unauthenticated and Forbidden become top-level errors, bugs get masked)."""
    try:
        return await operation, []
    except OperationFailed as failure:
        return None, user_errors(failure)


def decode_id(value: strawberry.ID | None, type_name: str, field: str) -> uuid.UUID:
    """The UUID in a global ID of the expected type; NOT_FOUND for anything else, exactly
    as for a thing that does not exist."""
    decoded = decode_global_id(value, type_name) if value is not None else None
    if decoded is None:
        raise not_found(type_name, field)
    return decoded[1]
