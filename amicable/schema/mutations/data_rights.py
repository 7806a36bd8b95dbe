"""accountExport, accountErase, notificationsMarkRead."""

from __future__ import annotations

from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON

from amicable.infra.errors import ErrorCode, OperationFailed
from amicable.infra.errors import UserError as Failure
from amicable.infra.messages import Msg
from amicable.resolvers import data_rights
from amicable.resolvers import notifications as notification_ops
from amicable.schema.context import Info
from amicable.schema.mutations._attempt import attempt, decode_id
from amicable.schema.permissions import IsAuthenticated, IsConsumer, IsUser, requires
from amicable.schema.types.errors import ERRORS, INPUT, UserError


@strawberry.type(description="All the account's data, or why not.")
class AccountExportPayload:
    data: JSON | None = strawberry.field(
        default=None, description="Everything held about you: account, complaints, messages..."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="Erasing the account; it cannot be undone.")
class AccountEraseInput:
    confirm: bool = strawberry.field(description="Must be true: erasure cannot be undone.")


@strawberry.type(description="Whether the account was erased.")
class AccountErasePayload:
    erased: bool = strawberry.field(
        default=False, description="The account is erased; its token no longer works."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="Which notifications were read.")
class NotificationsMarkReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Which ones; all when omitted."
    )


@strawberry.type(description="How many notifications were marked read.")
class NotificationsMarkReadPayload:
    count: int = strawberry.field(default=0, description="How many were unread and are now read.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type
class DataRightsMutations:
    @strawberry.mutation(
        description="A copy of all your data, as JSON.",
        extensions=requires(IsAuthenticated(), IsUser()),
    )
    async def account_export(self, info: Info) -> AccountExportPayload:
        data, errors = await attempt(data_rights.export(info.context.viewer))
        return AccountExportPayload(data=cast(JSON, data), errors=errors)

    @strawberry.mutation(
        description="Erase your account (consumers). Your complaints stay as anonymous "
        "history so companies' scores stay true; your texts and details are removed.",
        extensions=requires(IsAuthenticated(), IsConsumer()),
    )
    async def account_erase(
        self,
        info: Info,
        input: Annotated[AccountEraseInput, strawberry.argument(description=INPUT)],
    ) -> AccountErasePayload:
        async def run() -> bool:
            if not input.confirm:
                raise OperationFailed(Failure(ErrorCode.REQUIRED, Msg.CONFIRM_ERASURE, "confirm"))
            await data_rights.erase(info.context.services, info.context.viewer)
            return True

        erased, errors = await attempt(run())
        return AccountErasePayload(erased=bool(erased), errors=errors)

    @strawberry.mutation(
        description="Mark your notifications read: the ones named, or all.",
        extensions=requires(IsAuthenticated(), IsUser()),
    )
    async def notifications_mark_read(
        self,
        info: Info,
        input: Annotated[NotificationsMarkReadInput, strawberry.argument(description=INPUT)],
    ) -> NotificationsMarkReadPayload:
        async def run() -> int:
            ids = (
                [decode_id(i, "UserNotification", "ids") for i in input.ids]
                if input.ids is not None
                else None
            )
            return await notification_ops.mark_read(info.context.services, info.context.viewer, ids)

        count, errors = await attempt(run())
        return NotificationsMarkReadPayload(count=count or 0, errors=errors)
