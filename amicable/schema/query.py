"""Read operations. Every one of them answers through the visibility policy."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry
from strawberry import relay

from amicable import policy
from amicable.infra.pagination import BY_NAME, Window
from amicable.resolvers import accounts as account_ops
from amicable.resolvers import companies as company_ops
from amicable.resolvers import complaints as complaint_ops
from amicable.resolvers import messages as message_ops
from amicable.resolvers import score_ranking
from amicable.resolvers.complaints import ComplaintOrder
from amicable.schema.account_query import AccountQueries
from amicable.schema.complaint_lists import (
    FILTER,
    ORDER_BY,
    ComplaintFilter,
    complaint_connection,
)
from amicable.schema.context import Info
from amicable.schema.moderation_query import ModerationQueries, moderation_node
from amicable.schema.operations import OperatorQueries
from amicable.schema.paging import AFTER, BEFORE, FIRST, LAST, page_window
from amicable.schema.relay import (
    Connection,
    Edge,
    PageInfo,
    connection_from_page,
    decode_global_id,
)
from amicable.schema.types.category import CategoryType
from amicable.schema.types.company import CompanyType
from amicable.schema.types.complaint import ComplaintType
from amicable.schema.types.enums import ComplaintCategory
from amicable.schema.types.message import MessageType
from amicable.schema.types.score import CompanyOrder
from amicable.schema.types.user import UserType


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
    page: Window,
    category: ComplaintCategory | None,
    min_complaints: int,
) -> Connection[CompanyType]:
    ranking = await score_ranking.ranking(
        info.context.services,
        info.context.viewer,
        text=search,
        category=category.value if category else None,
        min_complaints=min_complaints,
        page=page,
    )
    edges = [
        Edge(cursor=item.cursor, node=CompanyType.from_model(item.company))
        for item in ranking.items
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=ranking.has_next_page,
            has_previous_page=ranking.has_previous_page,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=ranking.total_count,
    )


@strawberry.type(description="What the API reads; every answer goes through the policy.")
class Query(ModerationQueries, OperatorQueries, AccountQueries):
    @strawberry.field(description="Any object by its global ID, if the viewer may see it.")
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global ID.")],
    ) -> relay.Node | None:
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
        self,
        info: Info,
        id: Annotated[
            strawberry.ID | None, strawberry.argument(description="The complaint's global ID.")
        ] = None,
        reference: Annotated[
            str | None,
            strawberry.argument(description="The complaint's reference, e.g. AM-7K3F9Q."),
        ] = None,
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

    @strawberry.field(
        description="The complaints the viewer may see (the policy decides: the public sees "
        "published public ones; a consumer also their own, pending and private included; an "
        "agent also their company's; moderators all), filtered and ordered. A consumer's own "
        "list and an agent's company list: `me { complaints }`."
    )
    async def complaints(
        self,
        info: Info,
        filter: Annotated[ComplaintFilter | None, strawberry.argument(description=FILTER)] = None,
        order_by: Annotated[
            ComplaintOrder, strawberry.argument(description=ORDER_BY)
        ] = ComplaintOrder.NEWEST,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        last: Annotated[int | None, strawberry.argument(description=LAST)] = None,
        before: Annotated[str | None, strawberry.argument(description=BEFORE)] = None,
    ) -> Connection[ComplaintType]:
        return await complaint_connection(info, filter, order_by, first, after, last, before)

    @strawberry.field(
        description="The complaint categories, in the order a form shows them, with their "
        "names in Dutch, French and English."
    )
    def categories(self) -> list[CategoryType]:
        return [CategoryType(value=category) for category in ComplaintCategory]

    @strawberry.field(
        description="A company by its slug (or a slug it had before a merge). Unlisted "
        "companies only for their agents and moderators."
    )
    async def company(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The company's slug.")],
    ) -> CompanyType | None:
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
        search: Annotated[
            str | None, strawberry.argument(description="Words in the name or an alias.")
        ] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        order_by: Annotated[
            CompanyOrder, strawberry.argument(description="By name, or by score (partners).")
        ] = CompanyOrder.NAME,
        category: Annotated[
            ComplaintCategory | None,
            strawberry.argument(description="Ranking: companies with complaints in it."),
        ] = None,
        min_complaints: Annotated[
            int | None,
            strawberry.argument(description="Ranking: at least this many in the window."),
        ] = None,
        last: Annotated[int | None, strawberry.argument(description=LAST)] = None,
        before: Annotated[str | None, strawberry.argument(description=BEFORE)] = None,
    ) -> Connection[CompanyType]:
        page = page_window(info, first, after, last, before)
        if order_by is CompanyOrder.SCORE or category or min_complaints:
            return await _ranking(info, search, page, category, min_complaints or 0)
        found = await company_ops.search(info.context.viewer, text=search, page=page)
        return connection_from_page(found, BY_NAME, CompanyType.from_model)
