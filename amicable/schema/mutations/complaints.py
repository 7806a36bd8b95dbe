"""complaintCreate, complaintClose, complaintSetVisibility, messagePost."""

from __future__ import annotations

from typing import Annotated

import strawberry

from amicable import models
from amicable.resolvers import complaints as complaint_ops
from amicable.resolvers import messages as message_ops
from amicable.schema.context import Info
from amicable.schema.mutations._attempt import attempt, decode_id
from amicable.schema.permissions import (
    CanWriteMessages,
    IsAuthenticated,
    IsConsumer,
    IsUser,
    requires,
)
from amicable.schema.types.attachment import AttachmentUploadInput, read_uploads
from amicable.schema.types.complaint import ComplaintType
from amicable.schema.types.enums import ComplaintCategory, Outcome, Visibility
from amicable.schema.types.errors import ERRORS, INPUT, UserError
from amicable.schema.types.message import MessageType


@strawberry.input(description="The private part: for the company only, never public.")
class ComplaintPrivateDetailsInput:
    customer_reference: str = strawberry.field(
        default="", description="A customer or order number."
    )
    phone: str = strawberry.field(default="", description="A phone number the company may call.")
    postal_address: str = strawberry.field(default="", description="A postal address.")


@strawberry.input(
    description="A new complaint: against a listed company, or a company named by name and address."
)
class ComplaintCreateInput:
    company_id: strawberry.ID | None = strawberry.field(
        default=None, description="A listed company; or give companyName and companyEmail."
    )
    company_name: str | None = strawberry.field(
        default=None, description="An unlisted company: its name."
    )
    company_email: str | None = strawberry.field(
        default=None, description="An unlisted company: where to mail the complaint."
    )
    title: str = strawberry.field(description="5 to 200 characters.")
    description: str = strawberry.field(description="What happened: 20 to 20,000 characters.")
    desired_solution: str = strawberry.field(
        default="", description="What would settle it (optional)."
    )
    category: ComplaintCategory = strawberry.field(
        default=ComplaintCategory.OTHER,
        description="What it is about (the `categories` query lists them with their names).",
    )
    visibility: Visibility = strawberry.field(
        default=Visibility.PRIVATE, description="PUBLIC or PRIVATE (the default)."
    )
    private_details: ComplaintPrivateDetailsInput | None = strawberry.field(
        default=None, description="For the company only."
    )
    attachments: list[AttachmentUploadInput] | None = strawberry.field(
        default=None, description="Files (multipart upload), each public or private."
    )


@strawberry.type(description="The complaint as it is now, or why not.")
class ComplaintPayload:
    complaint: ComplaintType | None = strawberry.field(
        default=None, description="The complaint as it is now."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="Closing a complaint with feedback.")
class ComplaintCloseInput:
    complaint_id: strawberry.ID = strawberry.field(description="The Complaint ID.")
    outcome: Outcome = strawberry.field(description="Resolved or not.")
    comment: str = strawberry.field(
        default="", description="A word on the outcome (optional, public with the complaint)."
    )


@strawberry.input(description="Who may read a complaint.")
class ComplaintSetVisibilityInput:
    complaint_id: strawberry.ID = strawberry.field(description="The Complaint ID.")
    visibility: Visibility = strawberry.field(
        description="PUBLIC, or PRIVATE before the company answered."
    )


@strawberry.input(description="A message for a complaint's thread.")
class MessagePostInput:
    complaint_id: strawberry.ID = strawberry.field(description="The Complaint ID.")
    body: str = strawberry.field(description="The message: 1 to 20,000 characters.")
    attachments: list[AttachmentUploadInput] | None = strawberry.field(
        default=None, description="Files (multipart upload), each public or private."
    )


@strawberry.type(description="The message and its complaint, or why not.")
class MessagePostPayload:
    message: MessageType | None = strawberry.field(default=None, description="The new message.")
    complaint: ComplaintType | None = strawberry.field(
        default=None, description="Its complaint, with a status the message may have changed."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


def _payload(complaint: models.Complaint | None, errors: list[UserError]) -> ComplaintPayload:
    if complaint is None:
        return ComplaintPayload(errors=errors)
    return ComplaintPayload(complaint=ComplaintType.from_model(complaint), errors=[])


@strawberry.type
class ComplaintMutations:
    @strawberry.mutation(
        description="File a complaint (consumers). It is mailed to the company once published.",
        extensions=requires(IsAuthenticated(), IsConsumer()),
    )
    async def complaint_create(
        self,
        info: Info,
        input: Annotated[ComplaintCreateInput, strawberry.argument(description=INPUT)],
    ) -> ComplaintPayload:
        async def run() -> models.Complaint:
            details = input.private_details or ComplaintPrivateDetailsInput()
            draft = complaint_ops.ComplaintDraft(
                title=input.title,
                description=input.description,
                desired_solution=input.desired_solution,
                category=input.category,
                visibility=input.visibility,
                company_id=(
                    decode_id(input.company_id, "Company", "companyId")
                    if input.company_id is not None
                    else None
                ),
                company_name=input.company_name,
                company_email=input.company_email,
                customer_reference=details.customer_reference,
                phone=details.phone,
                postal_address=details.postal_address,
                uploads=await read_uploads(info, input.attachments),
            )
            return await complaint_ops.create(info.context.services, info.context.viewer, draft)

        complaint, errors = await attempt(run())
        return _payload(complaint, errors)

    @strawberry.mutation(
        description="Close with feedback: resolved or not (the consumer who filed it).",
        extensions=requires(IsAuthenticated(), IsUser()),
    )
    async def complaint_close(
        self,
        info: Info,
        input: Annotated[ComplaintCloseInput, strawberry.argument(description=INPUT)],
    ) -> ComplaintPayload:
        async def run() -> models.Complaint:
            return await complaint_ops.close(
                info.context.services,
                info.context.viewer,
                decode_id(input.complaint_id, "Complaint", "complaintId"),
                input.outcome,
                input.comment,
            )

        complaint, errors = await attempt(run())
        return _payload(complaint, errors)

    @strawberry.mutation(
        description="Make a complaint public, or private again before the company answered.",
        extensions=requires(IsAuthenticated(), IsUser()),
    )
    async def complaint_set_visibility(
        self,
        info: Info,
        input: Annotated[ComplaintSetVisibilityInput, strawberry.argument(description=INPUT)],
    ) -> ComplaintPayload:
        async def run() -> models.Complaint:
            return await complaint_ops.set_visibility(
                info.context.services,
                info.context.viewer,
                decode_id(input.complaint_id, "Complaint", "complaintId"),
                input.visibility,
            )

        complaint, errors = await attempt(run())
        return _payload(complaint, errors)

    @strawberry.mutation(
        description="Write in a complaint's thread (its consumer, its company, moderators; "
        "a web reply link's holder in its thread).",
        extensions=requires(IsAuthenticated(), CanWriteMessages()),
    )
    async def message_post(
        self, info: Info, input: Annotated[MessagePostInput, strawberry.argument(description=INPUT)]
    ) -> MessagePostPayload:
        async def run() -> models.Message:
            return await message_ops.post(
                info.context.services,
                info.context.viewer,
                decode_id(input.complaint_id, "Complaint", "complaintId"),
                input.body,
                uploads=await read_uploads(info, input.attachments),
            )

        message, errors = await attempt(run())
        if message is None:
            return MessagePostPayload(errors=errors)
        complaint = await info.context.loaders.complaint(message.complaint_id)
        return MessagePostPayload(
            message=MessageType(id=str(message.id), model=message, complaint_model=complaint),
            complaint=ComplaintType.from_model(complaint),
            errors=[],
        )
