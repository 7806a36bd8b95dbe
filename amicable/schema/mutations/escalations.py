"""complaintEscalate (members), escalationUpdate and escalationNoteAdd (lawyers)."""

from __future__ import annotations

import strawberry

from amicable import models
from amicable.models.moderation import EscalationStatus
from amicable.resolvers import escalations as escalation_ops
from amicable.schema.context import Info
from amicable.schema.mutations._attempt import attempt, decode_id
from amicable.schema.permissions import CanHandleEscalations, IsAuthenticated, IsUser, requires
from amicable.schema.types.complaint import ComplaintType
from amicable.schema.types.errors import UserError
from amicable.schema.types.moderation import EscalationType, LawyerNoteType, note_type


@strawberry.input
class ComplaintEscalateInput:
    complaint_id: strawberry.ID
    request_text: str = strawberry.field(default="", description="What you ask the lawyers.")


@strawberry.type
class ComplaintEscalatePayload:
    complaint: ComplaintType | None = None
    errors: list[UserError]


@strawberry.input
class EscalationUpdateInput:
    escalation_id: strawberry.ID
    status: EscalationStatus | None = None
    lawyer_id: strawberry.ID | None = strawberry.field(
        default=None, description="A lawyer's User ID, to assign the dossier to."
    )
    unassign: bool = False


@strawberry.type
class EscalationPayload:
    escalation: EscalationType | None = None
    errors: list[UserError]


@strawberry.input
class EscalationNoteAddInput:
    escalation_id: strawberry.ID
    body: str


@strawberry.type
class EscalationNoteAddPayload:
    note: LawyerNoteType | None = None
    escalation: EscalationType | None = None
    errors: list[UserError]


@strawberry.type
class EscalationMutations:
    @strawberry.mutation(
        description="Hand a complaint to the legal team (members): once the company let the "
        "reply deadline pass, or after closing it as not resolved.",
        extensions=requires(IsAuthenticated(), IsUser()),
    )
    async def complaint_escalate(
        self, info: Info, input: ComplaintEscalateInput
    ) -> ComplaintEscalatePayload:
        async def run() -> models.Escalation:
            return await escalation_ops.escalate(
                info.context.services,
                info.context.viewer,
                decode_id(input.complaint_id, "Complaint", "complaintId"),
                input.request_text,
            )

        escalation, errors = await attempt(run())
        if escalation is None:
            return ComplaintEscalatePayload(errors=errors)
        complaint = await info.context.loaders.complaint(escalation.complaint_id)
        return ComplaintEscalatePayload(complaint=ComplaintType.from_model(complaint), errors=[])

    @strawberry.mutation(
        description="Assign a dossier to a lawyer or change its status (lawyers, moderators).",
        extensions=requires(IsAuthenticated(), CanHandleEscalations()),
    )
    async def escalation_update(
        self, info: Info, input: EscalationUpdateInput
    ) -> EscalationPayload:
        async def run() -> models.Escalation:
            changes = escalation_ops.EscalationChanges(status=input.status, unassign=input.unassign)
            if input.lawyer_id is not None:
                changes.lawyer_id = decode_id(input.lawyer_id, "User", "lawyerId")
            return await escalation_ops.update(
                info.context.services,
                info.context.viewer,
                decode_id(input.escalation_id, "Escalation", "escalationId"),
                changes,
            )

        escalation, errors = await attempt(run())
        if escalation is None:
            return EscalationPayload(errors=errors)
        return EscalationPayload(escalation=EscalationType.from_model(escalation), errors=[])

    @strawberry.mutation(
        description="Add a note to a dossier (lawyers, moderators; never shown to others).",
        extensions=requires(IsAuthenticated(), CanHandleEscalations()),
    )
    async def escalation_note_add(
        self, info: Info, input: EscalationNoteAddInput
    ) -> EscalationNoteAddPayload:
        async def run() -> models.LawyerNote:
            return await escalation_ops.add_note(
                info.context.services,
                info.context.viewer,
                decode_id(input.escalation_id, "Escalation", "escalationId"),
                input.body,
            )

        note, errors = await attempt(run())
        if note is None:
            return EscalationNoteAddPayload(errors=errors)
        escalation = await info.context.loaders.escalation(note.escalation_id)
        author = (
            await info.context.loaders.user_by_id.load(note.author_id) if note.author_id else None
        )
        return EscalationNoteAddPayload(
            note=note_type(note, author),
            escalation=EscalationType.from_model(escalation),
            errors=[],
        )
