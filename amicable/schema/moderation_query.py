"""Read operations of moderation, escalation and notifications; mixed into `Query`."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry
from strawberry import relay

from amicable.infra.pagination import NEWEST_FIRST, OLDEST_FIRST
from amicable.models.moderation import EscalationStatus, ModerationItemKind, ModerationItemStatus
from amicable.resolvers import escalations as escalation_ops
from amicable.resolvers import moderation as moderation_ops
from amicable.resolvers import notifications as notification_ops
from amicable.schema.context import Info
from amicable.schema.paging import After, Before, First, Last, page_window
from amicable.schema.permissions import (
    CanHandleEscalations,
    IsAuthenticated,
    IsModerator,
    IsUser,
    requires,
)
from amicable.schema.relay import Connection, connection_from_page, decode_global_id
from amicable.schema.types.moderation import EscalationType, ModerationItemType, NotificationType


async def moderation_node(info: Info, type_name: str, node_id: uuid.UUID) -> relay.Node | None:
    """`node(id)` for moderation items (moderators) and escalations (lawyers, moderators);
    null for anyone else, as for an ID that does not exist."""
    viewer = info.context.viewer
    if type_name == "ModerationItem":
        item = await moderation_ops.get_item(viewer, node_id)
        return ModerationItemType.from_model(item) if item else None
    escalation = await escalation_ops.get(viewer, node_id)
    return EscalationType.from_model(escalation) if escalation else None


@strawberry.type(description="The staff's reading: the queue, dossiers, notifications.")
class ModerationQueries:
    @strawberry.field(
        description="The moderation queue, oldest first (moderators). Open items unless "
        "`status` says otherwise; `complaint` narrows it to one complaint's items.",
        extensions=requires(IsAuthenticated(), IsModerator()),
    )
    async def moderation_queue(
        self,
        info: Info,
        kind: Annotated[
            list[ModerationItemKind] | None,
            strawberry.argument(description="Only items of these kinds."),
        ] = None,
        status: Annotated[
            list[ModerationItemStatus] | None,
            strawberry.argument(description="Only items in these statuses (default: OPEN)."),
        ] = None,
        complaint: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="A Complaint ID: only that complaint's items."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ModerationItemType]:
        filters = moderation_ops.QueueFilter(kinds=kind, statuses=status)
        if complaint is not None:
            decoded = decode_global_id(complaint, "Complaint")
            # An unknown complaint matches nothing, as one without items would.
            filters.complaint_id = decoded[1] if decoded else uuid.UUID(int=0)
        page = await moderation_ops.queue(
            info.context.viewer, filters, page=page_window(info, first, after, last, before)
        )
        return connection_from_page(page, OLDEST_FIRST, ModerationItemType.from_model)

    @strawberry.field(
        description="Escalated dossiers, newest first (lawyers and moderators).",
        extensions=requires(IsAuthenticated(), CanHandleEscalations()),
    )
    async def escalations(
        self,
        info: Info,
        status: Annotated[
            list[EscalationStatus] | None,
            strawberry.argument(description="Only dossiers in these statuses."),
        ] = None,
        assigned_to_me: Annotated[
            bool, strawberry.argument(description="Only the dossiers assigned to the viewer.")
        ] = False,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[EscalationType]:
        page = await escalation_ops.search(
            info.context.viewer,
            statuses=status,
            assigned_to_me=assigned_to_me,
            page=page_window(info, first, after, last, before),
        )
        return connection_from_page(page, NEWEST_FIRST, EscalationType.from_model)

    @strawberry.field(
        description="What the platform told you (statements of reasons, escalation news), "
        "newest first.",
        extensions=requires(IsAuthenticated(), IsUser()),
    )
    async def notifications(
        self,
        info: Info,
        unread_only: Annotated[
            bool, strawberry.argument(description="Only those not marked read yet.")
        ] = False,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[NotificationType]:
        page = await notification_ops.list_for(
            info.context.viewer,
            unread_only=unread_only,
            page=page_window(info, first, after, last, before),
        )
        return connection_from_page(page, NEWEST_FIRST, NotificationType.from_model)
