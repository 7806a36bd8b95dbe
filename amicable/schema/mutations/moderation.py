"""moderationDecide, contentReport, companyCorrectionRequest, companyMerge."""

from __future__ import annotations

import strawberry

from amicable import models
from amicable.models.moderation import ModerationDecision
from amicable.resolvers import corrections as correction_ops
from amicable.resolvers import merge as merge_ops
from amicable.resolvers import moderation as moderation_ops
from amicable.resolvers import reports as report_ops
from amicable.schema.context import Info
from amicable.schema.mutations._attempt import attempt, decode_id
from amicable.schema.mutations.companies import CompanyPayload
from amicable.schema.permissions import IsAuthenticated, IsModerator, IsUser, requires
from amicable.schema.types.company import CompanyType
from amicable.schema.types.errors import UserError
from amicable.schema.types.moderation import CorrectionRequestType, ModerationItemType


@strawberry.input
class RedactionInput:
    title: str | None = None
    description: str | None = None
    desired_solution: str | None = None
    body: str | None = strawberry.field(default=None, description="For a message.")


@strawberry.input
class ModerationDecideInput:
    item_id: strawberry.ID
    decision: ModerationDecision
    reason: str = strawberry.field(description="Told to the author (statement of reasons).")
    redaction: RedactionInput | None = strawberry.field(
        default=None, description="The new public text, for REDACT."
    )


@strawberry.type
class ModerationDecidePayload:
    item: ModerationItemType | None = None
    errors: list[UserError]


@strawberry.input
class ContentReportInput:
    complaint_id: strawberry.ID | None = None
    message_id: strawberry.ID | None = None
    reason: str
    contact: str = strawberry.field(default="", description="Optional: how to reach you.")


@strawberry.type
class ContentReportPayload:
    reported: bool = False
    errors: list[UserError]


@strawberry.input
class CompanyCorrectionRequestInput:
    company_id: strawberry.ID
    name: str | None = None
    complaint_addresses: list[str] | None = None
    comment: str = ""


@strawberry.type
class CompanyCorrectionRequestPayload:
    correction_request: CorrectionRequestType | None = None
    errors: list[UserError]


@strawberry.input
class CompanyMergeInput:
    survivor_id: strawberry.ID = strawberry.field(description="The company that stays.")
    duplicate_id: strawberry.ID = strawberry.field(description="Merged into it, then gone.")


@strawberry.type
class ModerationMutations:
    @strawberry.mutation(
        description="Decide on a queue item: approve, reject or redact, always with a reason.",
        extensions=requires(IsAuthenticated(), IsModerator()),
    )
    async def moderation_decide(
        self, info: Info, input: ModerationDecideInput
    ) -> ModerationDecidePayload:
        async def run() -> models.ModerationItem:
            redaction = None
            if input.redaction is not None:
                redaction = moderation_ops.Redaction(
                    title=input.redaction.title,
                    description=input.redaction.description,
                    desired_solution=input.redaction.desired_solution,
                    body=input.redaction.body,
                )
            return await moderation_ops.decide(
                info.context.services,
                info.context.viewer,
                decode_id(input.item_id, "ModerationItem", "itemId"),
                input.decision,
                input.reason,
                redaction,
            )

        item, errors = await attempt(run())
        if item is None:
            return ModerationDecidePayload(errors=errors)
        return ModerationDecidePayload(item=ModerationItemType.from_model(item), errors=[])

    @strawberry.mutation(
        description="Report a published complaint or message to the moderators (anyone)."
    )
    async def content_report(self, info: Info, input: ContentReportInput) -> ContentReportPayload:
        async def run() -> models.ContentReport:
            draft = report_ops.ReportDraft(reason=input.reason, contact=input.contact)
            if input.message_id is not None:
                draft.message_id = decode_id(input.message_id, "Message", "messageId")
            if input.complaint_id is not None:
                draft.complaint_id = decode_id(input.complaint_id, "Complaint", "complaintId")
            return await report_ops.report(
                info.context.services,
                info.context.viewer,
                draft,
                client_key=info.context.client_key,
            )

        report, errors = await attempt(run())
        return ContentReportPayload(reported=report is not None, errors=errors)

    @strawberry.mutation(
        description="Ask the moderators to correct your company's name or complaint "
        "addresses (its agents).",
        extensions=requires(IsAuthenticated(), IsUser()),
    )
    async def company_correction_request(
        self, info: Info, input: CompanyCorrectionRequestInput
    ) -> CompanyCorrectionRequestPayload:
        async def run() -> models.CorrectionRequest:
            draft = correction_ops.CorrectionDraft(
                company_id=decode_id(input.company_id, "Company", "companyId"),
                name=input.name,
                addresses=input.complaint_addresses,
                comment=input.comment,
            )
            return await correction_ops.request(info.context.services, info.context.viewer, draft)

        row, errors = await attempt(run())
        if row is None:
            return CompanyCorrectionRequestPayload(errors=errors)
        return CompanyCorrectionRequestPayload(
            correction_request=CorrectionRequestType.from_model(row), errors=[]
        )

    @strawberry.mutation(
        description="Merge a duplicate company into another (moderators): its complaints "
        "and score move, its slug redirects.",
        extensions=requires(IsAuthenticated(), IsModerator()),
    )
    async def company_merge(self, info: Info, input: CompanyMergeInput) -> CompanyPayload:
        async def run() -> models.Company:
            return await merge_ops.merge(
                info.context.services,
                info.context.viewer,
                decode_id(input.survivor_id, "Company", "survivorId"),
                decode_id(input.duplicate_id, "Company", "duplicateId"),
            )

        company, errors = await attempt(run())
        if company is None:
            return CompanyPayload(errors=errors)
        return CompanyPayload(company=CompanyType.from_model(company), errors=[])
