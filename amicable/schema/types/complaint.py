"""The Complaint type and the consumer as others see them.

Text fields answer the original to those who may read it (the author, the company,
moderators, lawyers on the dossier) and the public version to everyone else; `isRedacted`
is the visible marker that the public version was edited.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from amicable import models, policy
from amicable.infra.pagination import OLDEST_FIRST
from amicable.resolvers import attachments as attachment_ops
from amicable.resolvers import messages as message_ops
from amicable.resolvers import public_text
from amicable.schema.context import Info
from amicable.schema.paging import AFTER, BEFORE, FIRST, LAST, page_window
from amicable.schema.permissions import CanSeeDelivery, CanSeePrivateDetails, private
from amicable.schema.relay import Connection, connection_from_page
from amicable.schema.thread_view import view_of
from amicable.schema.types.attachment import AttachmentType
from amicable.schema.types.attachment import of_complaint as attachment_types
from amicable.schema.types.company import CompanyType
from amicable.schema.types.delivery import ComplaintDeliveryType
from amicable.schema.types.enums import ComplaintCategory, ComplaintStatus, Outcome, Visibility
from amicable.schema.types.message import MessageType
from amicable.schema.types.nudge import NudgeType

MAX_RECENT_MESSAGES = 10
RECENT_MESSAGES = 3


@strawberry.type(description="The private part of a complaint, for the company only.")
class ComplaintPrivateDetails:
    customer_reference: str = strawberry.field(description="A customer or order number.")
    phone: str = strawberry.field(description="A phone number.")
    postal_address: str = strawberry.field(description="A postal address.")


@strawberry.type(name="Consumer", description="The consumer who filed a complaint.")
class ConsumerType:
    complaint_model: strawberry.Private[models.Complaint]
    user: strawberry.Private[models.User]

    @strawberry.field(description='How the public sees the consumer, e.g. "Jan D.".')
    def pseudonym(self) -> str:
        return policy.pseudonym(self.user.full_name)

    @strawberry.field(
        extensions=private(CanSeePrivateDetails()),
        description="The whole name: the company, moderators and lawyers on the dossier; null "
        "for others.",
    )
    def full_name(self) -> str | None:
        return self.user.full_name

    @strawberry.field(
        extensions=private(CanSeePrivateDetails()),
        description="The email address: the company, moderators and lawyers on the dossier; "
        "null for others.",
    )
    def email(self) -> str | None:
        return self.user.email


@strawberry.type(
    name="Complaint",
    description="A complaint: its public part, its private part (for those who may see it), "
    "its thread.",
)
class ComplaintType(relay.Node):
    id: relay.NodeID[str]
    model: strawberry.Private[models.Complaint]

    @classmethod
    def from_model(cls, complaint: models.Complaint) -> ComplaintType:
        return cls(id=str(complaint.id), model=complaint)

    @property
    def complaint_model(self) -> models.Complaint:
        return self.model

    def _original(self, info: Info) -> bool:
        return policy.sees_original_text(info.context.viewer, self.model)

    @strawberry.field(description="Human reference used in mail subjects, e.g. AM-7K3F9Q.")
    def reference(self) -> str:
        return self.model.reference

    async def _public(self, info: Info, text: str) -> str:
        """The public version as read now: the thread's private facts masked."""
        known = await info.context.loaders.known_private(self.model)
        consumer = await info.context.loaders.user(self.model.consumer_id)
        return public_text.public_version(text, known, consumer.language.value)

    async def _text(self, info: Info, original: str, public: str) -> str:
        if self._original(info):
            return original
        return await self._public(info, public)

    @strawberry.field(
        description="The title: the original for those who read originals, else the public "
        "version.",
        graphql_type=str,
    )
    def title(self, info: Info) -> str | Awaitable[str]:
        # A listed complaint answers at once from its view; otherwise through the loaders.
        view = view_of(info.context.loaders, self.model)
        if view is not None:
            return view.text(self.model.title, self.model.public_title)
        return self._text(info, self.model.title, self.model.public_title)

    @strawberry.field(description="What happened, as this viewer may read it.")
    async def description(self, info: Info) -> str:
        if self._original(info):
            return self.model.description
        return await self._public(info, self.model.public_description)

    @strawberry.field(description="What would settle it, as this viewer may read it.")
    async def desired_solution(self, info: Info) -> str:
        if self._original(info):
            return self.model.desired_solution
        return await self._public(info, self.model.public_desired_solution)

    @strawberry.field(description="The public text was edited (personal data masked or redacted).")
    async def is_redacted(self, info: Info) -> bool:
        if self.model.is_redacted:
            return True
        model = self.model
        for text in (model.public_title, model.public_description, model.public_desired_solution):
            if await self._public(info, text) != text:
                return True
        return False

    @strawberry.field(description="What it is about (names: the `categories` query).")
    def category(self) -> ComplaintCategory:
        return ComplaintCategory(self.model.category)

    @strawberry.field(description="Who may read it.")
    def visibility(self) -> Visibility:
        return self.model.visibility

    @strawberry.field(description="Where it stands.")
    def status(self) -> ComplaintStatus:
        return self.model.status

    @strawberry.field(description="When it was filed.")
    def created_at(self) -> datetime:
        return self.model.created_at

    @strawberry.field(
        description="When the relay accepted the complaint's mail to the company; null while "
        "it waits, is retried or failed, and when it was never queued."
    )
    async def sent_at(self, info: Info) -> datetime | None:
        # Public like the status; read through the page's delivery loader, so a page of
        # complaints costs the same few queries whatever its size.
        found = await info.context.loaders.delivery_by_complaint.load(self.model)
        return found.accepted_at

    @strawberry.field(
        extensions=private(CanSeeDelivery()),
        description="The complaint's mail to the company: for its consumer, the company's "
        "agents and moderators; null for everyone else.",
    )
    async def delivery(self, info: Info) -> ComplaintDeliveryType | None:
        found = await info.context.loaders.delivery_by_complaint.load(self.model)
        return ComplaintDeliveryType(complaint_model=self.model, delivery=found)

    @strawberry.field(description="When the company's first reply came; null before.")
    def first_company_reply_at(self) -> datetime | None:
        return self.model.first_company_reply_at

    @strawberry.field(description="When it was closed; null while open.")
    def closed_at(self) -> datetime | None:
        return self.model.closed_at

    @strawberry.field(description="The consumer's feedback on closing; null before.")
    def outcome(self) -> Outcome | None:
        return self.model.outcome

    @strawberry.field(description="The consumer's word on closing (may be empty).")
    async def feedback_comment(self, info: Info) -> str:
        # Public text like the rest, though written late and never stored masked.
        if self._original(info):
            return self.model.feedback_comment
        return await self._public(info, self.model.feedback_comment)

    @strawberry.field(
        extensions=private(CanSeePrivateDetails()),
        description="When the consumer handed it to the legal team (members' escalation).",
    )
    def escalated_at(self) -> datetime | None:
        return self.model.escalated_at

    @strawberry.field(
        extensions=private(CanSeePrivateDetails()),
        description="Why a complaint ready to send was not mailed yet: EMAIL_NOT_VERIFIED "
        "until its consumer verifies their address. Null once sent.",
    )
    def unsent_reason(self) -> str | None:
        return self.model.unsent_reason or None

    @strawberry.field(description="The company it is against.", graphql_type=CompanyType)
    def company(self, info: Info) -> CompanyType | Awaitable[CompanyType]:
        view = view_of(info.context.loaders, self.model)
        if view is not None:
            return CompanyType.for_complaint(info.context.viewer, self.model, view.company)
        return self._company(info)

    async def _company(self, info: Info) -> CompanyType:
        company = await info.context.loaders.company(self.model.company_id)
        return CompanyType.for_complaint(info.context.viewer, self.model, company)

    @strawberry.field(
        description="Who filed it, as this viewer may know them.", graphql_type=ConsumerType
    )
    def consumer(self, info: Info) -> ConsumerType | Awaitable[ConsumerType]:
        view = view_of(info.context.loaders, self.model)
        if view is not None and view.consumer is not None:
            return ConsumerType(complaint_model=self.model, user=view.consumer)
        return self._consumer(info)

    async def _consumer(self, info: Info) -> ConsumerType:
        user = await info.context.loaders.user(self.model.consumer_id)
        return ConsumerType(complaint_model=self.model, user=user)

    @strawberry.field(
        extensions=private(CanSeePrivateDetails()),
        description="The private part: its consumer, the company, moderators and lawyers on "
        "the dossier; null for everyone else.",
    )
    def private_details(self) -> ComplaintPrivateDetails | None:
        return ComplaintPrivateDetails(
            customer_reference=self.model.customer_reference,
            phone=self.model.phone,
            postal_address=self.model.postal_address,
        )

    @strawberry.field(
        description="Reminders to the company and notices and prompts to the consumer, sent "
        "and pending, in the order they fall due: for the consumer, the company's agents and "
        "moderators; null for anyone else."
    )
    async def nudges(self, info: Info) -> list[NudgeType] | None:
        if not policy.can_see_nudges(info.context.viewer, self.model):
            return None
        rows = await info.context.loaders.nudges_by_complaint.load(self.model.id)
        return [NudgeType(model=row) for row in rows]

    @strawberry.field(description="The thread, oldest first.")
    async def messages(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        last: Annotated[int | None, strawberry.argument(description=LAST)] = None,
        before: Annotated[str | None, strawberry.argument(description=BEFORE)] = None,
    ) -> Connection[MessageType]:
        page = await message_ops.thread(
            info.context.viewer,
            self.model,
            page=page_window(info, first, after, last, before, default=50),
        )
        return connection_from_page(
            page,
            OLDEST_FIRST,
            lambda m: MessageType(id=str(m.id), model=m, complaint_model=self.model),
        )

    @strawberry.field(
        description="Files filed with the complaint itself that this viewer may see; a "
        "message's files are on the message."
    )
    async def attachments(self, info: Info) -> list[AttachmentType]:
        rows = await attachment_ops.of_complaint(info.context.viewer, self.model)
        return attachment_types(rows, self.model, None)

    @strawberry.field(
        description="The last few messages (at most 10), oldest first.",
        graphql_type=list[MessageType],
    )
    def recent_messages(
        self,
        info: Info,
        count: Annotated[
            int, strawberry.argument(description="How many, at most 10 (the feed shows 3).")
        ] = RECENT_MESSAGES,
    ) -> list[MessageType] | Awaitable[list[MessageType]]:
        count = max(0, min(count, MAX_RECENT_MESSAGES))
        view = view_of(info.context.loaders, self.model)
        if view is not None and count in view.recent:
            return self._message_types(view.recent[count])
        return self._recent_messages(info, count)

    async def _recent_messages(self, info: Info, count: int) -> list[MessageType]:
        rows = await info.context.loaders.recent_messages(count).load(self.model.id)
        return self._message_types(rows)

    def _message_types(self, rows: list[models.Message]) -> list[MessageType]:
        return [MessageType(id=str(m.id), model=m, complaint_model=self.model) for m in rows]
