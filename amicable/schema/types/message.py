"""The Message type: one entry in a complaint's thread."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime

import strawberry
from strawberry import relay

from amicable import models, policy
from amicable.models.enums import AuthorKind as AuthorKindEnum
from amicable.resolvers import attachments as attachment_ops
from amicable.resolvers import public_text
from amicable.schema.context import Info
from amicable.schema.permissions import CanSeeOriginalText, CanSeeSenderAddresses, private
from amicable.schema.thread_view import view_of
from amicable.schema.types.attachment import AttachmentType
from amicable.schema.types.attachment import of_complaint as attachment_types
from amicable.schema.types.enums import AuthorKind, Channel, ModerationState


@strawberry.type(name="Message", description="A message in a complaint's thread.")
class MessageType(relay.Node):
    id: relay.NodeID[str]
    model: strawberry.Private[models.Message]
    complaint_model: strawberry.Private[models.Complaint]

    async def _public_body(self, info: Info) -> str:
        """The public version as read now: the thread's private facts masked, with the
        markers in the writer's language."""
        loaders = info.context.loaders
        known = await loaders.known_private(self.complaint_model)
        if self.model.author_kind is AuthorKindEnum.COMPANY:
            language = (await loaders.company(self.complaint_model.company_id)).language
        else:
            language = (await loaders.user(self.complaint_model.consumer_id)).language
        return public_text.public_version(self.model.public_body, known, language.value)

    @strawberry.field(description="The text as this viewer may read it.", graphql_type=str)
    def body(self, info: Info) -> str | Awaitable[str]:
        # A listed complaint's message answers at once from its view; otherwise through
        # the loaders.
        view = view_of(info.context.loaders, self.complaint_model)
        if view is not None:
            return view.text(self.model.body, self.model.public_body, self.model.author_kind)
        return self._body(info)

    async def _body(self, info: Info) -> str:
        if policy.sees_original_text(info.context.viewer, self.complaint_model):
            return self.model.body
        return await self._public_body(info)

    @strawberry.field(description="The public text was edited (personal data masked or redacted).")
    async def is_redacted(self, info: Info) -> bool:
        if self.model.is_redacted:
            return True
        return await self._public_body(info) != self.model.public_body

    @strawberry.field(description="Who wrote it.")
    def author_kind(self) -> AuthorKind:
        return self.model.author_kind

    @strawberry.field(description="Who wrote it, as this viewer may know them.", graphql_type=str)
    def author_name(self, info: Info) -> str | Awaitable[str]:
        kind = self.model.author_kind
        if kind is AuthorKindEnum.CONSUMER:
            view = view_of(info.context.loaders, self.complaint_model)
            if view is not None and view.consumer is not None:
                return self._consumer_name(info, view.consumer)
            return self._loaded_consumer_name(info)
        if kind is AuthorKindEnum.COMPANY:
            view = view_of(info.context.loaders, self.complaint_model)
            if view is not None:
                return self._company_name(info, view.company)
            return self._loaded_company_name(info)
        return info.context.services.settings.platform_name

    def _consumer_name(self, info: Info, user: models.User) -> str:
        if policy.can_see_private_details(info.context.viewer, self.complaint_model):
            return user.full_name
        return policy.pseudonym(user.full_name)

    async def _loaded_consumer_name(self, info: Info) -> str:
        user = await info.context.loaders.user(self.complaint_model.consumer_id)
        return self._consumer_name(info, user)

    def _company_name(self, info: Info, company: models.Company) -> str:
        if policy.can_find_company(info.context.viewer, company):
            return company.name
        # An unlisted company is known by the name typed on this complaint.
        return self.complaint_model.company_name or company.name

    async def _loaded_company_name(self, info: Info) -> str:
        company = await info.context.loaders.company(self.complaint_model.company_id)
        return self._company_name(info, company)

    @strawberry.field(description="How it came in.")
    def channel(self) -> Channel:
        return self.model.channel

    @strawberry.field(
        description="Published, or held or refused (seen by its author and moderators only)."
    )
    def moderation_state(self) -> ModerationState:
        return self.model.moderation_state

    @strawberry.field(description="When it was written (or mailed).")
    def created_at(self) -> datetime:
        return self.model.created_at

    @strawberry.field(description="Files sent with it that this viewer may see.")
    async def attachments(self, info: Info) -> list[AttachmentType]:
        rows = await info.context.loaders.attachments_by_message.load(self.model.id)
        shown = attachment_ops.visible(info.context.viewer, self.complaint_model, self.model, rows)
        return attachment_types(shown, self.complaint_model, self.model)

    @strawberry.field(
        extensions=private(CanSeeOriginalText()),
        description="The text as written, before masking or redaction: for those who read "
        "originals; null for others.",
    )
    def original_body(self) -> str | None:
        return self.model.body

    @strawberry.field(
        extensions=private(CanSeeSenderAddresses()),
        description="The address a mailed reply came from.",
    )
    def sender_address(self) -> str | None:
        return self.model.sender_email or None
