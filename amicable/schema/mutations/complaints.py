"""complaintCreate, complaintClose, complaintSetVisibility, messagePost."""

from __future__ import annotations

import strawberry

from amicable import models
from amicable.resolvers import complaints as complaint_ops
from amicable.resolvers import messages as message_ops
from amicable.schema.context import Info
from amicable.schema.mutations._attempt import attempt, decode_id
from amicable.schema.permissions import IsAuthenticated, IsConsumer, IsUser, requires
from amicable.schema.types.complaint import ComplaintType
from amicable.schema.types.enums import ComplaintCategory, Outcome, Visibility
from amicable.schema.types.errors import UserError
from amicable.schema.types.message import MessageType


@strawberry.input
class ComplaintPrivateDetailsInput:
    customer_reference: str = ""
    phone: str = ""
    postal_address: str = ""


@strawberry.input
class ComplaintCreateInput:
    company_id: strawberry.ID | None = strawberry.field(
        default=None, description="A listed company; or give companyName and companyEmail."
    )
    company_name: str | None = None
    company_email: str | None = None
    title: str
    description: str
    desired_solution: str = ""
    category: ComplaintCategory = strawberry.field(
        default=ComplaintCategory.OTHER,
        description="What it is about (the `categories` query lists them with their names).",
    )
    visibility: Visibility = Visibility.PRIVATE
    private_details: ComplaintPrivateDetailsInput | None = None


@strawberry.type
class ComplaintPayload:
    complaint: ComplaintType | None = None
    errors: list[UserError]


@strawberry.input
class ComplaintCloseInput:
    complaint_id: strawberry.ID
    outcome: Outcome
    comment: str = ""


@strawberry.input
class ComplaintSetVisibilityInput:
    complaint_id: strawberry.ID
    visibility: Visibility


@strawberry.input
class MessagePostInput:
    complaint_id: strawberry.ID
    body: str


@strawberry.type
class MessagePostPayload:
    message: MessageType | None = None
    complaint: ComplaintType | None = None
    errors: list[UserError]


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
    async def complaint_create(self, info: Info, input: ComplaintCreateInput) -> ComplaintPayload:
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
            )
            return await complaint_ops.create(info.context.services, info.context.viewer, draft)

        complaint, errors = await attempt(run())
        return _payload(complaint, errors)

    @strawberry.mutation(
        description="Close with feedback: resolved or not (the consumer who filed it).",
        extensions=requires(IsAuthenticated(), IsUser()),
    )
    async def complaint_close(self, info: Info, input: ComplaintCloseInput) -> ComplaintPayload:
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
        self, info: Info, input: ComplaintSetVisibilityInput
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
        description="Write in a complaint's thread (its consumer, its company, moderators).",
        extensions=requires(IsAuthenticated(), IsUser()),
    )
    async def message_post(self, info: Info, input: MessagePostInput) -> MessagePostPayload:
        async def run() -> models.Message:
            return await message_ops.post(
                info.context.services,
                info.context.viewer,
                decode_id(input.complaint_id, "Complaint", "complaintId"),
                input.body,
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
