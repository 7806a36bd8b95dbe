"""Types of moderation, escalation and notifications. Moderation items and lawyers' notes
are reached only through moderator- or lawyer-only fields; each nested complaint or message
still answers through the policy."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from amicable import models
from amicable.models.moderation import (
    CorrectionStatus,
    EscalationBasis,
    EscalationStatus,
    ModerationDecision,
    ModerationItemKind,
    ModerationItemStatus,
)
from amicable.resolvers import complaints as complaint_ops
from amicable.resolvers import escalations as escalation_ops
from amicable.schema.context import Info
from amicable.schema.permissions import CanHandleEscalations, private
from amicable.schema.relay import global_id
from amicable.schema.types.company import CompanyType
from amicable.schema.types.complaint import ComplaintType
from amicable.schema.types.enums import expose
from amicable.schema.types.message import MessageType

expose(
    ModerationItemKind,
    "Why something is on the moderation queue.",
    {
        ModerationItemKind.HELD_REPLY: "A mailed reply whose sender could not be verified.",
        ModerationItemKind.COMPANY_ADDRESS_FAILING: "The company's address fails: fix it.",
        ModerationItemKind.FLAGGED_COMPLAINT: "Screening flagged a complaint; it waits "
        "unpublished.",
        ModerationItemKind.FLAGGED_MESSAGE: "Screening flagged a message; it waits unpublished.",
        ModerationItemKind.PERSONAL_DATA: "Published with personal data masked; to review.",
        ModerationItemKind.CONTENT_REPORT: "Someone reported a published item.",
        ModerationItemKind.CORRECTION_REQUEST: "A company asks to correct its data.",
        ModerationItemKind.DELIVERY_REPORT: "A delivery report to look at (a bounce naming no "
        "recipient, or failed mail).",
        ModerationItemKind.EMPTY_REPLY: "A mailed reply with nothing new once quoted text "
        "was trimmed; not posted.",
        ModerationItemKind.UNPROCESSABLE_MAIL: "A mail the inbound pipeline could not process.",
    },
)
expose(
    ModerationItemStatus,
    "Whether a queue item waits for a decision.",
    {ModerationItemStatus.OPEN: "Waiting.", ModerationItemStatus.DONE: "Decided."},
)
expose(
    ModerationDecision,
    "A moderator's decision on an item.",
    {
        ModerationDecision.APPROVE: "Publish (or accept) as it is.",
        ModerationDecision.REJECT: "Refuse; the author is told why.",
        ModerationDecision.REDACT: "Publish with a new public text; the author is told why.",
    },
)
expose(
    EscalationStatus,
    "Where an escalated dossier stands.",
    {
        EscalationStatus.OPEN: "Waiting for a lawyer.",
        EscalationStatus.IN_PROGRESS: "A lawyer is on it.",
        EscalationStatus.CLOSED: "Done.",
    },
)
expose(
    EscalationBasis,
    "Why a complaint could be escalated.",
    {
        EscalationBasis.NO_REPLY: "The company did not answer within the deadline.",
        EscalationBasis.UNRESOLVED: "The consumer closed it as not resolved.",
    },
)
expose(
    CorrectionStatus,
    "A company's correction request.",
    {
        CorrectionStatus.OPEN: "Waiting for a moderator.",
        CorrectionStatus.ACCEPTED: "Applied.",
        CorrectionStatus.REFUSED: "Refused.",
    },
)


@strawberry.enum(description="What a lexicon expression is (the screening's lexicon).")
class LexiconCategory(Enum):
    INSULT = strawberry.enum_value("insult", description="An insult.")
    RACISM = strawberry.enum_value("racism", description="A racist expression.")
    VIOLENCE = strawberry.enum_value("violence", description="A threat or call to violence.")


@strawberry.enum(description="What a notification is about.")
class NotificationKind(Enum):
    MODERATION_APPROVED = strawberry.enum_value(
        "moderation.approved", description="A moderator published your text."
    )
    MODERATION_REJECTED = strawberry.enum_value(
        "moderation.rejected", description="A moderator refused your text, saying why."
    )
    MODERATION_REDACTED = strawberry.enum_value(
        "moderation.redacted", description="A moderator published your text edited, saying why."
    )
    ESCALATION_CREATED = strawberry.enum_value(
        "escalation.created", description="Your complaint went to the legal team."
    )
    ESCALATION_UPDATED = strawberry.enum_value(
        "escalation.updated", description="Your escalated dossier changed."
    )
    CORRECTION_ACCEPTED = strawberry.enum_value(
        "correction.accepted", description="Your company's correction request was applied."
    )
    CORRECTION_REFUSED = strawberry.enum_value(
        "correction.refused", description="Your company's correction request was refused."
    )
    NUDGE_DEADLINE_PASSED = strawberry.enum_value(
        "nudge.deadline_passed", description="The company did not reply by the deadline."
    )
    NUDGE_FEEDBACK_PROMPT = strawberry.enum_value(
        "nudge.feedback_prompt", description="The company replied: is it settled?"
    )
    NUDGE_FEEDBACK_LAST_CALL = strawberry.enum_value(
        "nudge.feedback_last_call", description="Your feedback window is about to close."
    )


@strawberry.type(description="An expression of the abusive-language lexicon found in a text.")
class LexiconHit:
    category: LexiconCategory = strawberry.field(description="What kind of expression.")
    expression: str = strawberry.field(description="The lexicon's expression, as listed.")
    language: str = strawberry.field(
        description="The lexicon it comes from (nl, fr, en, de, or a deployment's own)."
    )


@strawberry.type(name="ContentReport", description="One report of a published item.")
class ContentReportType:
    reason: str = strawberry.field(description="What the reporter says is wrong.")
    contact: str = strawberry.field(description="How to reach the reporter, if given.")
    created_at: datetime = strawberry.field(description="When it was reported.")


@strawberry.type(name="CorrectionRequest", description="A company's request to correct its data.")
class CorrectionRequestType:
    id: strawberry.ID = strawberry.field(description="The request's ID.")
    status: CorrectionStatus = strawberry.field(description="Where it stands.")
    name: str | None = strawberry.field(description="The name asked for, if any.")
    addresses: list[str] | None = strawberry.field(description="The complaint addresses asked for.")
    comment: str = strawberry.field(description="The company's word on it.")
    created_at: datetime = strawberry.field(description="When it was asked.")
    decided_at: datetime | None = strawberry.field(
        description="When a moderator decided; null before."
    )

    @classmethod
    def from_model(cls, row: models.CorrectionRequest) -> CorrectionRequestType:
        return cls(
            id=strawberry.ID(global_id("CorrectionRequest", row.id)),
            status=row.status,
            name=row.name,
            addresses=list(row.addresses) if row.addresses is not None else None,
            comment=row.comment,
            created_at=row.created_at,
            decided_at=row.decided_at,
        )


@strawberry.type(name="ModerationItem", description="Something a moderator must look at.")
class ModerationItemType(relay.Node):
    id: relay.NodeID[str]
    model: strawberry.Private[models.ModerationItem]

    @classmethod
    def from_model(cls, item: models.ModerationItem) -> ModerationItemType:
        return cls(id=str(item.id), model=item)

    @strawberry.field(description="Why it is on the queue.")
    def kind(self) -> ModerationItemKind:
        return self.model.kind

    @strawberry.field(description="Waiting or decided.")
    def status(self) -> ModerationItemStatus:
        return self.model.status

    @strawberry.field(description="Why it is here, in words.")
    def reason(self) -> str:
        return self.model.reason

    @strawberry.field(description="The lexicon expressions found (abusive language).")
    def lexicon_hits(self) -> list[LexiconHit]:
        hits: list[dict[str, Any]] = list(self.model.details.get("lexicon", []))  # type: ignore[call-overload]
        return [
            LexiconHit(
                category=LexiconCategory(hit["category"]),
                expression=hit["expression"],
                language=hit["language"],
            )
            for hit in hits
        ]

    @strawberry.field(description="Kinds of personal data masked: email, phone, iban, ...")
    def personal_data(self) -> list[str]:
        return [str(kind) for kind in self.model.details.get("personal_data", [])]  # type: ignore[attr-defined]

    @strawberry.field(description="How many reports were grouped on this item.")
    def report_count(self) -> int:
        return self.model.report_count

    @strawberry.field(description="The reports grouped on it (content reports).")
    async def reports(self, info: Info) -> list[ContentReportType]:
        rows = await info.context.loaders.reports_by_item.load(self.model.id)
        return [
            ContentReportType(reason=r.reason, contact=r.contact, created_at=r.created_at)
            for r in rows
        ]

    @strawberry.field(description="The correction request it carries, if any.")
    async def correction(self, info: Info) -> CorrectionRequestType | None:
        row = await info.context.loaders.correction_by_item.load(self.model.id)
        return CorrectionRequestType.from_model(row) if row else None

    @strawberry.field(description="The complaint it concerns, if any.")
    async def complaint(self, info: Info) -> ComplaintType | None:
        if self.model.complaint_id is None:
            return None
        row = await info.context.loaders.complaint_by_id.load(self.model.complaint_id)
        return ComplaintType.from_model(row) if row else None

    @strawberry.field(description="The message it concerns, if any.")
    async def message(self, info: Info) -> MessageType | None:
        if self.model.message_id is None:
            return None
        row = await info.context.loaders.message_by_id.load(self.model.message_id)
        if row is None:
            return None
        complaint = await info.context.loaders.complaint_by_id.load(row.complaint_id)
        if complaint is None:
            return None
        return MessageType(id=str(row.id), model=row, complaint_model=complaint)

    @strawberry.field(description="The company it concerns, if any.")
    async def company(self, info: Info) -> CompanyType | None:
        if self.model.company_id is None:
            return None
        row = await info.context.loaders.company_by_id.load(self.model.company_id)
        return CompanyType.from_model(row) if row else None

    @strawberry.field(description="When it joined the queue.")
    def created_at(self) -> datetime:
        return self.model.created_at

    @strawberry.field(description="The decision taken; null while open.")
    def decision(self) -> ModerationDecision | None:
        return self.model.decision

    @strawberry.field(description="The reason given with the decision (told to the author).")
    def decision_reason(self) -> str:
        return self.model.decision_reason

    @strawberry.field(description="When it was decided; null while open.")
    def resolved_at(self) -> datetime | None:
        return self.model.resolved_at


@strawberry.type(name="UserNotification", description="Something the platform told you.")
class NotificationType(relay.Node):
    id: relay.NodeID[str]
    model: strawberry.Private[models.Notification]

    @classmethod
    def from_model(cls, row: models.Notification) -> NotificationType:
        return cls(id=str(row.id), model=row)

    @strawberry.field(description="What it is about.")
    def kind(self) -> NotificationKind:
        return NotificationKind(self.model.kind)

    @strawberry.field(description="What it says, in the account's language.")
    def text(self) -> str:
        return self.model.text

    @strawberry.field(description="The complaint it is about, if the viewer may still see it.")
    async def complaint(self, info: Info) -> ComplaintType | None:
        if self.model.complaint_id is None:
            return None
        row = await complaint_ops.get(info.context.viewer, complaint_id=self.model.complaint_id)
        return ComplaintType.from_model(row) if row else None

    @strawberry.field(description="When it was sent.")
    def created_at(self) -> datetime:
        return self.model.created_at

    @strawberry.field(description="When it was marked read; null while unread.")
    def read_at(self) -> datetime | None:
        return self.model.read_at


@strawberry.type(name="Lawyer", description="A lawyer of the legal team.")
class LawyerType:
    id: strawberry.ID = strawberry.field(description="The lawyer's User ID.")
    full_name: str = strawberry.field(description="The lawyer's name.")


@strawberry.type(name="LawyerNote", description="Private to lawyers and moderators.")
class LawyerNoteType:
    id: strawberry.ID = strawberry.field(description="The note's ID.")
    body: str = strawberry.field(description="The note.")
    author: LawyerType | None = strawberry.field(
        description="Who wrote it; null once their account is gone."
    )
    created_at: datetime = strawberry.field(description="When it was written.")


@strawberry.type(name="Escalation", description="A complaint handed to the legal team.")
class EscalationType(relay.Node):
    id: relay.NodeID[str]
    model: strawberry.Private[models.Escalation]

    @classmethod
    def from_model(cls, row: models.Escalation) -> EscalationType:
        return cls(id=str(row.id), model=row)

    @strawberry.field(description="Where the dossier stands.")
    def status(self) -> EscalationStatus:
        return self.model.status

    @strawberry.field(description="Why it could be escalated.")
    def basis(self) -> EscalationBasis:
        return self.model.basis

    @strawberry.field(description="What the consumer asked the lawyers.")
    def request_text(self) -> str:
        return self.model.request_text

    @strawberry.field(description="The whole dossier, as the viewer may see it.")
    async def complaint(self, info: Info) -> ComplaintType | None:
        row = await complaint_ops.get(info.context.viewer, complaint_id=self.model.complaint_id)
        return ComplaintType.from_model(row) if row else None

    @strawberry.field(description="The lawyer on it; null while unassigned.")
    async def assigned_lawyer(self, info: Info) -> LawyerType | None:
        if self.model.assigned_lawyer_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self.model.assigned_lawyer_id)
        return _lawyer(user) if user else None

    @strawberry.field(
        extensions=private(CanHandleEscalations()),
        description="Lawyers' notes: lawyers and moderators only; null for others.",
    )
    async def notes(self, info: Info) -> list[LawyerNoteType] | None:
        rows = await escalation_ops.notes(info.context.viewer, self.model)
        loader = info.context.loaders.user_by_id
        authors = await loader.load_many([r.author_id for r in rows if r.author_id])
        by_id = {u.id: u for u in authors if u is not None}
        return [note_type(r, by_id.get(r.author_id) if r.author_id else None) for r in rows]

    @strawberry.field(description="When it was escalated.")
    def created_at(self) -> datetime:
        return self.model.created_at

    @strawberry.field(description="When it last changed.")
    def updated_at(self) -> datetime:
        return self.model.updated_at

    @strawberry.field(description="When it was closed; null while open.")
    def closed_at(self) -> datetime | None:
        return self.model.closed_at


def _lawyer(user: models.User) -> LawyerType:
    return LawyerType(id=strawberry.ID(global_id("User", user.id)), full_name=user.full_name)


def note_type(note: models.LawyerNote, author: models.User | None) -> LawyerNoteType:
    return LawyerNoteType(
        id=strawberry.ID(str(note.id)),
        body=note.body,
        author=_lawyer(author) if author else None,
        created_at=note.created_at,
    )
