"""agentDigestSet."""

from __future__ import annotations

from typing import Annotated

import strawberry

from amicable.resolvers import nudges as nudge_ops
from amicable.schema.context import Info
from amicable.schema.mutations._attempt import attempt
from amicable.schema.permissions import IsAuthenticated, IsUser, requires
from amicable.schema.types.errors import ERRORS, INPUT, UserError
from amicable.schema.types.user import UserType


@strawberry.input(description="Whether to receive the weekly digest.")
class AgentDigestSetInput:
    enabled: bool = strawberry.field(description="True to receive it, false to stop it.")


@strawberry.type(description="The account as it is now, or why not.")
class AgentDigestSetPayload:
    user: UserType | None = strawberry.field(default=None, description="The account as it is now.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type
class NudgeMutations:
    @strawberry.mutation(
        description="An agent turns the weekly digest of the company's open complaints off "
        "or on (agents only).",
        extensions=requires(IsAuthenticated(), IsUser()),
    )
    async def agent_digest_set(
        self,
        info: Info,
        input: Annotated[AgentDigestSetInput, strawberry.argument(description=INPUT)],
    ) -> AgentDigestSetPayload:
        user, errors = await attempt(
            nudge_ops.set_agent_digest(info.context.services, info.context.viewer, input.enabled)
        )
        if user is None:
            return AgentDigestSetPayload(errors=errors)
        return AgentDigestSetPayload(user=UserType.from_model(user), errors=[])
