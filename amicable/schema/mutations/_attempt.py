"""Turning an operation's expected failure into payload errors."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from amicable.resolvers.errors import OperationFailed
from amicable.schema.types.errors import UserError, user_errors

T = TypeVar("T")


async def attempt(operation: Awaitable[T]) -> tuple[T | None, list[UserError]]:
    """Run an operation; OperationFailed becomes `errors`, anything else propagates
    (Unauthenticated and Forbidden become top-level errors, bugs get masked)."""
    try:
        return await operation, []
    except OperationFailed as failure:
        return None, user_errors(failure)
