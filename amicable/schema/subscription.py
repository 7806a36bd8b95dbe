"""The Subscription type: live events over graphql-transport-ws and legacy graphql-ws.

Fields translate; `amicable.subscriptions.feeds` subscribes, reloads and applies the policy.
Before each event is resolved the connection's context gets fresh loaders, so no row cached
for an earlier event (when the viewer may have been allowed to see it) is reused.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Annotated, TypeVar

import strawberry
from graphql import GraphQLError

from amicable.infra.errors import OperationFailed
from amicable.infra.messages import Msg, render
from amicable.resolvers import accounts as account_ops
from amicable.schema.context import Info
from amicable.schema.loaders import Loaders
from amicable.schema.localise import localised_error
from amicable.schema.relay import decode_global_id, global_id
from amicable.schema.types.company import CompanyType
from amicable.schema.types.complaint import ComplaintType
from amicable.schema.types.message import MessageType
from amicable.subscriptions import feeds
from amicable.subscriptions.bus.broadcast import SubscriberOverflowed

T = TypeVar("T")


@strawberry.type(description="A new complaint against the viewer's company.")
class ComplaintCreatedNotification:
    complaint: ComplaintType = strawberry.field(description="The new complaint.")


@strawberry.type(description="A complaint's status (or visibility) changed.")
class ComplaintUpdatedNotification:
    complaint: ComplaintType = strawberry.field(description="The complaint as it is now.")


@strawberry.type(description="A new message in a thread the viewer follows.")
class MessageAddedNotification:
    complaint: ComplaintType = strawberry.field(description="The message's complaint.")
    message: MessageType = strawberry.field(description="The new message.")


@strawberry.type(description="A new item on the moderation queue (moderators only).")
class ModerationItemAddedNotification:
    item_id: strawberry.ID = strawberry.field(description="The ModerationItem's global ID.")
    # Not `complaint`/`message`: in a union, same-named fields must agree on nullability,
    # and a queue item (a bounced address, say) may concern no complaint at all.
    related_complaint: ComplaintType | None = strawberry.field(
        description="The complaint it concerns, if any."
    )
    related_message: MessageType | None = strawberry.field(
        description="The message it concerns, if any."
    )


Notification = Annotated[
    ComplaintCreatedNotification
    | ComplaintUpdatedNotification
    | MessageAddedNotification
    | ModerationItemAddedNotification,
    strawberry.union(
        "Notification", description="One event of the viewer's own feed (`notifications`)."
    ),
]


@strawberry.type(description="A company's score was recomputed.")
class CompanyScoreUpdate:
    company: CompanyType = strawberry.field(description="The company; read its new `score`.")


def _message(posted: feeds.MessagePosted) -> MessageType:
    return MessageType(
        id=str(posted.message.id), model=posted.message, complaint_model=posted.complaint
    )


def _notification(item: feeds.Notification) -> Notification:
    if isinstance(item, feeds.MessagePosted):
        return MessageAddedNotification(
            complaint=ComplaintType.from_model(item.complaint), message=_message(item)
        )
    if isinstance(item, feeds.ComplaintChanged):
        complaint = ComplaintType.from_model(item.complaint)
        if item.created:
            return ComplaintCreatedNotification(complaint=complaint)
        return ComplaintUpdatedNotification(complaint=complaint)
    return ModerationItemAddedNotification(
        item_id=strawberry.ID(global_id("ModerationItem", uuid.UUID(item.item_id))),
        related_complaint=ComplaintType.from_model(item.complaint) if item.complaint else None,
        related_message=(
            _message(feeds.MessagePosted(item.complaint, item.message))
            if item.complaint and item.message
            else None
        ),
    )


async def _deliver(info: Info, source: AsyncIterator[T]) -> AsyncIterator[T]:
    """Each event with fresh loaders, to a viewer whose credential still holds; a subscriber
    dropped for falling behind ends with an error that tells the client to subscribe again."""
    try:
        async for item in source:
            await _check_credential(info)
            info.context.loaders = Loaders(info.context.viewer)
            yield item
    except SubscriberOverflowed:
        raise GraphQLError(
            render(Msg.SLOW_CONSUMER, await info.context.language(), {}),
            extensions={"code": "SLOW_CONSUMER"},
        ) from None
    except OperationFailed as failure:
        # Query results are put in the viewer's words by an extension after execution; a
        # subscription's error leaves before that, so it is worded here.
        raise await localised_error(info.context, failure) from None
    finally:
        await _close(source)


async def _check_credential(info: Info) -> None:
    """A websocket outlives its token: signing out or erasing the account ends its
    subscriptions at the next event, once the last check is older than the setting."""
    context = info.context
    now = time.monotonic()
    if now - context.credential_checked_at < context.services.settings.websocket_recheck_seconds:
        return
    if not await account_ops.credential_still_valid(context.services, context.viewer):
        raise GraphQLError("Unauthenticated", extensions={"code": "UNAUTHENTICATED"})
    context.credential_checked_at = now


async def _close(source: AsyncIterator[object]) -> None:
    if isinstance(source, AsyncGenerator):
        await source.aclose()


def _id(value: strawberry.ID, type_name: str) -> uuid.UUID:
    # A malformed id is answered like an unknown one: the generator says NOT_FOUND.
    decoded = decode_global_id(value, type_name)
    return decoded[1] if decoded else uuid.UUID(int=0)


COMPLAINT_ID = (
    "The Complaint ID to follow; NOT_FOUND for one the viewer may not see, as for one "
    "that does not exist."
)


@strawberry.type(description="Live events over a websocket, each filtered by the policy.")
class Subscription:
    @strawberry.subscription(
        description="New messages on a complaint, as this viewer may see them."
    )
    async def message_added(
        self,
        info: Info,
        complaint_id: Annotated[strawberry.ID, strawberry.argument(description=COMPLAINT_ID)],
    ) -> AsyncGenerator[MessageType, None]:
        source = feeds.message_added(
            info.context.services.events, info.context.viewer, _id(complaint_id, "Complaint")
        )
        async for posted in _deliver(info, source):
            yield _message(posted)

    @strawberry.subscription(description="A complaint's status or visibility changed.")
    async def complaint_updated(
        self,
        info: Info,
        complaint_id: Annotated[strawberry.ID, strawberry.argument(description=COMPLAINT_ID)],
    ) -> AsyncGenerator[ComplaintType, None]:
        source = feeds.complaint_updated(
            info.context.services.events, info.context.viewer, _id(complaint_id, "Complaint")
        )
        async for complaint in _deliver(info, source):
            yield ComplaintType.from_model(complaint)

    @strawberry.subscription(
        description="The viewer's own feed: replies and status changes on a consumer's "
        "complaints; new complaints and messages for an agent's company; a moderator's queue."
    )
    async def notifications(self, info: Info) -> AsyncGenerator[Notification, None]:
        source = feeds.notifications(info.context.services.events, info.context.viewer)
        async for item in _deliver(info, source):
            yield _notification(item)

    @strawberry.subscription(description="A company's score was recomputed.")
    async def company_score_updated(
        self,
        info: Info,
        company_id: Annotated[
            strawberry.ID, strawberry.argument(description="The Company ID to follow.")
        ],
    ) -> AsyncGenerator[CompanyScoreUpdate, None]:
        source = feeds.company_score_updated(
            info.context.services.events, info.context.viewer, _id(company_id, "Company")
        )
        async for changed in _deliver(info, source):
            yield CompanyScoreUpdate(company=CompanyType.from_model(changed.company))
