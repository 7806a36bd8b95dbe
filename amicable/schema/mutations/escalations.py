"""complaintEscalate (members), escalationUpdate and escalationNoteAdd (lawyers)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from amicable import models
from amicable.models.moderation import EscalationStatus
from amicable.resolvers import escalations as escalation_ops
from amicable.schema.context import Info
from amicable.schema.mutations._attempt import attempt, decode_id
from amicable.schema.permissions import CanHandleEscalations, IsAuthenticated, IsUser, requires
from amicable.schema.types.complaint import ComplaintType
from amicable.schema.types.errors import ERRORS, INPUT, UserError
from amicable.schema.types.moderation import EscalationType, LawyerNoteType, note_type


@strawberry.input(description="Handing a complaint to the legal team (members).")
class ComplaintEscalateInput:
    complaint_id: strawberry.ID = strawberry.field(description="The Complaint ID.")
    request_text: str = strawberry.field(default="", description="What you ask the lawyers.")


@strawberry.type(description="The escalated complaint and its dossier, or why not.")
class ComplaintEscalatePayload:
    complaint: ComplaintType | None = strawberry.field(
        default=None, description="The complaint, now escalated."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="Changes to an escalated dossier (lawyers and moderators).")
class EscalationUpdateInput:
    escalation_id: strawberry.ID = strawberry.field(description="The Escalation ID.")
    status: EscalationStatus | None = strawberry.field(default=None, description="A new status.")
    lawyer_id: strawberry.ID | None = strawberry.field(
        default=None, description="A lawyer's User ID, to assign the dossier to."
    )
    unassign: bool = strawberry.field(
        default=False, description="Take the dossier away from its lawyer."
    )


@strawberry.type(description="The dossier as it is now, or why not.")
class EscalationPayload:
    escalation: EscalationType | None = strawberry.field(
        default=None, description="The dossier as it is now."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="A lawyer's note on a dossier.")
class EscalationNoteAddInput:
    escalation_id: strawberry.ID = strawberry.field(description="The Escalation ID.")
    body: str = strawberry.field(description="The note: lawyers and moderators read it.")


@strawberry.type(description="The note and its dossier, or why not.")
class EscalationNoteAddPayload:
    note: LawyerNoteType | None = strawberry.field(default=None, description="The new note.")
    escalation: EscalationType | None = strawberry.field(default=None, description="Its dossier.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type
class EscalationMutations:
    @strawberry.mutation(
        description="Hand a complaint to the legal team (members): once the company let the "
        "reply deadline pass, or after closing it as not resolved.",
        extensions=requires(IsAuthenticated(), IsUser()),
    )
    async def complaint_escalate(
        self,
        info: Info,
        input: Annotated[ComplaintEscalateInput, strawberry.argument(description=INPUT)],
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
        self,
        info: Info,
        input: Annotated[EscalationUpdateInput, strawberry.argument(description=INPUT)],
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
        self,
        info: Info,
        input: Annotated[EscalationNoteAddInput, strawberry.argument(description=INPUT)],
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
