"""The complaint lists: the public feed (`complaints`), a company's (`Company.complaints`)
and an account's own (`User.complaints`: what a consumer filed, what an agent's company
received). One filter input, one order, one paging, and the policy's filter under all."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

import strawberry

from amicable.resolvers import complaints as complaint_ops
from amicable.resolvers.complaints import ComplaintOrder
from amicable.schema import thread_view
from amicable.schema.context import Info
from amicable.schema.paging import asks_total, page_window
from amicable.schema.relay import Connection, connection_from_page, decode_global_id
from amicable.schema.types.enums import ComplaintCategory, ComplaintStatus, expose

if TYPE_CHECKING:
    from amicable.schema.types.complaint import ComplaintType

expose(
    ComplaintOrder,
    "The order of a complaint list; ties are broken by ID, so paging is stable.",
    {
        ComplaintOrder.NEWEST: "Newest filed first.",
        ComplaintOrder.OLDEST: "Oldest filed first.",
        ComplaintOrder.LAST_ACTIVITY: "Most recent activity first: filing, or a message "
        "published in the thread.",
    },
)


@strawberry.input(description="Narrows a complaint list; every condition given must hold.")
class ComplaintFilter:
    company: strawberry.ID | None = strawberry.field(
        default=None,
        description="A Company ID: only complaints against that company (an unknown ID "
        "matches nothing).",
    )
    status: list[ComplaintStatus] | None = strawberry.field(
        default=None, description="Only complaints in one of these statuses."
    )
    category: list[ComplaintCategory] | None = strawberry.field(
        default=None, description="Only complaints in one of these categories."
    )
    created_after: datetime | None = strawberry.field(
        default=None, description="Only complaints filed at or after this moment."
    )
    created_before: datetime | None = strawberry.field(
        default=None,
        description="Only complaints filed before this moment (must be later than `createdAfter`).",
    )
    text: str | None = strawberry.field(
        default=None,
        description="Words in the public title or description (as the public reads them).",
    )


FILTER = "Conditions the complaints must meet; none means all the viewer may see."
ORDER_BY = "The order: newest filed first (the default), oldest first, or by last activity."


async def complaint_connection(
    info: Info,
    filter: ComplaintFilter | None,
    order_by: ComplaintOrder,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    *,
    company_id: uuid.UUID | None = None,
    account_id: uuid.UUID | None = None,
    statuses: list[ComplaintStatus] | None = None,
    complaint_id: uuid.UUID | None = None,
) -> Connection[ComplaintType]:
    # Imported here: the complaint type's module imports the company type, which lists
    # complaints through this module.
    from amicable.schema.types.complaint import ComplaintType

    filters = complaint_ops.ComplaintFilter(
        company_id=company_id,
        account_id=account_id,
        statuses=statuses,
        complaint_id=complaint_id,
    )
    if filter is not None:
        if filter.status:
            filters.statuses = list(filter.status)
        filters.categories = list(filter.category) if filter.category else None
        filters.created_after = filter.created_after
        filters.created_before = filter.created_before
        filters.text = filter.text
        if filter.company is not None:
            decoded = decode_global_id(filter.company, "Company")
            wanted = decoded[1] if decoded else uuid.UUID(int=0)
            # Within one company's list, another company matches nothing.
            if company_id is not None and wanted != company_id:
                wanted = uuid.UUID(int=0)
            filters.company_id = wanted
    page = await complaint_ops.search(
        info.context.viewer,
        filters,
        page_window(info, first, after, last, before),
        order_by,
        with_total=asks_total(info),
    )
    from amicable.schema.types.complaint import MAX_RECENT_MESSAGES, RECENT_MESSAGES

    asked = [selection for field in info.selected_fields for selection in field.selections]
    counts = thread_view.recent_counts(asked, RECENT_MESSAGES, MAX_RECENT_MESSAGES)
    await thread_view.prepare(info.context.loaders, page.items, counts)
    return connection_from_page(page, complaint_ops.SORTS[order_by], ComplaintType.from_model)
