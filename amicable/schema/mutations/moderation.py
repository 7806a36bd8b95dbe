"""moderationDecide, contentReport, companyCorrectionRequest, companyMerge."""

from __future__ import annotations

from typing import Annotated

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
from amicable.schema.types.errors import ERRORS, INPUT, UserError
from amicable.schema.types.moderation import CorrectionRequestType, ModerationItemType


@strawberry.input(description="The new public text of a complaint or message; parts left out stay.")
class RedactionInput:
    title: str | None = strawberry.field(
        default=None, description="For a complaint: its new public title."
    )
    description: str | None = strawberry.field(
        default=None, description="For a complaint: its new public description."
    )
    desired_solution: str | None = strawberry.field(
        default=None, description="For a complaint: its new public desired solution."
    )
    body: str | None = strawberry.field(default=None, description="For a message.")


@strawberry.input(
    description="A moderator's decision on a queue item, with the reason the author is told."
)
class ModerationDecideInput:
    item_id: strawberry.ID = strawberry.field(description="The ModerationItem ID.")
    decision: ModerationDecision = strawberry.field(description="Approve, reject or redact.")
    reason: str = strawberry.field(description="Told to the author (statement of reasons).")
    redaction: RedactionInput | None = strawberry.field(
        default=None, description="The new public text, for REDACT."
    )


@strawberry.type(description="The decided item, or why not.")
class ModerationDecidePayload:
    item: ModerationItemType | None = strawberry.field(
        default=None, description="The decided item."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="A report of a published complaint or message.")
class ContentReportInput:
    complaint_id: strawberry.ID | None = strawberry.field(
        default=None, description="The Complaint ID, to report a complaint."
    )
    message_id: strawberry.ID | None = strawberry.field(
        default=None, description="The Message ID, to report a message."
    )
    reason: str = strawberry.field(description="What is wrong with it.")
    contact: str = strawberry.field(default="", description="Optional: how to reach you.")


@strawberry.type(description="Whether the report was taken.")
class ContentReportPayload:
    reported: bool = strawberry.field(
        default=False, description="The report is on the moderation queue."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="A company's request to correct its name or addresses.")
class CompanyCorrectionRequestInput:
    company_id: strawberry.ID = strawberry.field(description="The Company ID (your own).")
    name: str | None = strawberry.field(default=None, description="The right name, if it is wrong.")
    complaint_addresses: list[str] | None = strawberry.field(
        default=None, description="The right complaint addresses."
    )
    comment: str = strawberry.field(default="", description="Anything the moderators should know.")


@strawberry.type(description="The request, or why not.")
class CompanyCorrectionRequestPayload:
    correction_request: CorrectionRequestType | None = strawberry.field(
        default=None, description="The request, waiting for a moderator."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(
    description="Two records of one company: the duplicate is merged into the survivor."
)
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
        self,
        info: Info,
        input: Annotated[ModerationDecideInput, strawberry.argument(description=INPUT)],
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
    async def content_report(
        self,
        info: Info,
        input: Annotated[ContentReportInput, strawberry.argument(description=INPUT)],
    ) -> ContentReportPayload:
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
        self,
        info: Info,
        input: Annotated[CompanyCorrectionRequestInput, strawberry.argument(description=INPUT)],
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
    async def company_merge(
        self,
        info: Info,
        input: Annotated[CompanyMergeInput, strawberry.argument(description=INPUT)],
    ) -> CompanyPayload:
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
