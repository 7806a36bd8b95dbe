"""Read operations. Every one of them answers through the visibility policy."""

from __future__ import annotations

import uuid

import strawberry
from strawberry import relay

from amicable import policy
from amicable.infra.pagination import BY_NAME, NEWEST_FIRST
from amicable.resolvers import accounts as account_ops
from amicable.resolvers import companies as company_ops
from amicable.resolvers import complaints as complaint_ops
from amicable.resolvers import messages as message_ops
from amicable.resolvers import score_ranking
from amicable.schema.account_query import AccountQueries
from amicable.schema.context import Info
from amicable.schema.moderation_query import ModerationQueries, moderation_node
from amicable.schema.operations import OperatorQueries
from amicable.schema.paging import asks_total, page_size
from amicable.schema.relay import (
    Connection,
    Edge,
    PageInfo,
    connection_from_page,
    decode_global_id,
)
from amicable.schema.types.company import CompanyType
from amicable.schema.types.complaint import ComplaintType
from amicable.schema.types.enums import ComplaintStatus
from amicable.schema.types.message import MessageType
from amicable.schema.types.score import CompanyOrder
from amicable.schema.types.user import UserType


@strawberry.input
class ComplaintFilter:
    company: strawberry.ID | None = strawberry.field(default=None, description="A Company ID.")
    status: list[ComplaintStatus] | None = None
    text: str | None = strawberry.field(default=None, description="Words in title or description.")


async def _node(info: Info, type_name: str, node_id: uuid.UUID) -> relay.Node | None:
    viewer = info.context.viewer
    if type_name == "Complaint":
        complaint = await complaint_ops.get(viewer, complaint_id=node_id)
        return ComplaintType.from_model(complaint) if complaint else None
    if type_name == "Company":
        company = await info.context.loaders.company_by_id.load(node_id)
        return (
            CompanyType.from_model(company)
            if company and policy.can_find_company(viewer, company)
            else None
        )
    if type_name == "Message":
        found = await message_ops.get(viewer, node_id)
        if found is None:
            return None
        complaint, message = found
        return MessageType(id=str(message.id), model=message, complaint_model=complaint)
    if type_name in ("ModerationItem", "Escalation"):
        return await moderation_node(info, type_name, node_id)
    if type_name == "User":
        if not policy.can_see_account(viewer, node_id):
            return None
        user = await account_ops.get_user(node_id)
        return UserType.from_model(user) if user else None
    return None


async def _ranking(
    info: Info,
    search: str | None,
    first: int | None,
    after: str | None,
    category: str | None,
    min_complaints: int,
) -> Connection[CompanyType]:
    ranking = await score_ranking.ranking(
        info.context.viewer,
        text=search,
        category=category,
        min_complaints=min_complaints,
        first=page_size(info, first),
        after=after,
    )
    edges = [
        Edge(cursor=item.cursor, node=CompanyType.from_model(item.company))
        for item in ranking.items
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=ranking.has_next_page,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=ranking.total_count,
    )


@strawberry.type
class Query(ModerationQueries, OperatorQueries, AccountQueries):
    @strawberry.field(description="Any object by its global ID, if the viewer may see it.")
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        decoded = decode_global_id(id)
        if decoded is None:
            return None
        return await _node(info, *decoded)

    @strawberry.field(description="The signed-in account; null for anonymous visitors.")
    async def me(self, info: Info) -> UserType | None:
        viewer = info.context.viewer
        if viewer.user_id is None:
            return None
        user = await account_ops.get_user(viewer.user_id)
        return UserType.from_model(user) if user else None

    @strawberry.field(description="One complaint by ID or by reference.")
    async def complaint(
        self, info: Info, id: strawberry.ID | None = None, reference: str | None = None
    ) -> ComplaintType | None:
        complaint_id = None
        if id is not None:
            decoded = decode_global_id(id, "Complaint")
            if decoded is None:
                return None
            complaint_id = decoded[1]
        complaint = await complaint_ops.get(
            info.context.viewer, complaint_id=complaint_id, reference=reference
        )
        return ComplaintType.from_model(complaint) if complaint else None

    @strawberry.field(description="The complaints the viewer may see, newest first.")
    async def complaints(
        self,
        info: Info,
        filter: ComplaintFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ComplaintType]:
        filters = complaint_ops.ComplaintFilter()
        if filter is not None:
            filters.statuses = list(filter.status) if filter.status else None
            filters.text = filter.text
            if filter.company is not None:
                decoded = decode_global_id(filter.company, "Company")
                # An unknown company matches nothing, as a company without complaints would.
                filters.company_id = decoded[1] if decoded else uuid.UUID(int=0)
        page = await complaint_ops.search(
            info.context.viewer,
            filters,
            first=page_size(info, first),
            after=after,
            with_total=asks_total(info),
        )
        return connection_from_page(page, NEWEST_FIRST, ComplaintType.from_model)

    @strawberry.field
    async def company(self, info: Info, slug: str) -> CompanyType | None:
        company = await company_ops.get_by_slug(info.context.viewer, slug)
        return CompanyType.from_model(company) if company else None

    @strawberry.field(
        description="Listed companies, by name; search matches names and aliases. Partners "
        "rank them with `orderBy: SCORE` (best first, those without a score last), filtered "
        "by `category` and `minComplaints` (complaints received in the score's window, in "
        "that category if one is given)."
    )
    async def companies(
        self,
        info: Info,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
        order_by: CompanyOrder = CompanyOrder.NAME,
        category: str | None = None,
        min_complaints: int | None = None,
    ) -> Connection[CompanyType]:
        if order_by is CompanyOrder.SCORE or category or min_complaints:
            return await _ranking(info, search, first, after, category, min_complaints or 0)
        page = await company_ops.search(
            info.context.viewer, text=search, first=page_size(info, first), after=after
        )
        return connection_from_page(page, BY_NAME, CompanyType.from_model)
