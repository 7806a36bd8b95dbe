"""attachmentSetPrivate: moderators publish a file or make it private again."""

from __future__ import annotations

from typing import Annotated

import strawberry

from amicable import models
from amicable.resolvers import attachments as attachment_ops
from amicable.schema.context import Info
from amicable.schema.mutations._attempt import attempt, decode_id
from amicable.schema.permissions import IsAuthenticated, IsModerator, requires
from amicable.schema.types.attachment import AttachmentType
from amicable.schema.types.errors import ERRORS, INPUT, UserError


@strawberry.input(description="An attachment whose visibility changes.")
class AttachmentSetPrivateInput:
    attachment_id: strawberry.ID = strawberry.field(description="The attachment's `id`.")
    private: bool = strawberry.field(description="False publishes it; true hides it again.")


@strawberry.type(description="The attachment as it is now, or why not.")
class AttachmentSetPrivatePayload:
    attachment: AttachmentType | None = strawberry.field(
        default=None, description="The attachment as it is now."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type
class AttachmentMutations:
    @strawberry.mutation(
        description="Publish a file or make it private (moderators): mailed files arrive "
        "private, since mail cannot say which of them may be shown.",
        extensions=requires(IsAuthenticated(), IsModerator()),
    )
    async def attachment_set_private(
        self,
        info: Info,
        input: Annotated[AttachmentSetPrivateInput, strawberry.argument(description=INPUT)],
    ) -> AttachmentSetPrivatePayload:
        async def run() -> tuple[models.Attachment, models.Complaint, models.Message | None]:
            return await attachment_ops.set_private(
                info.context.viewer,
                decode_id(input.attachment_id, "Attachment", "attachmentId"),
                input.private,
            )

        found, errors = await attempt(run())
        if found is None:
            return AttachmentSetPrivatePayload(errors=errors)
        attachment, complaint, message = found
        return AttachmentSetPrivatePayload(
            attachment=AttachmentType(
                model=attachment, complaint_model=complaint, message_model=message
            ),
            errors=[],
        )
