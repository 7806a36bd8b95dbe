"""Relay plumbing: global IDs, connections with totalCount, keyset cursors."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry
from strawberry import relay
from tortoise.models import Model

from amicable.infra.pagination import Page, Sort

T = TypeVar("T")
M = TypeVar("M", bound=Model)


@strawberry.type(description="Where a page sits in its list (Relay cursor connections).")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="More items follow this page (read them with `first` and `after`)."
    )
    has_previous_page: bool = strawberry.field(
        description="Items come before this page (read them with `last` and `before`)."
    )
    start_cursor: str | None = strawberry.field(
        description="The first item's cursor; null for an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="The last item's cursor; null for an empty page."
    )


@strawberry.type(description="One item of a page, with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(
        description="Opaque; names the item's place in this list's order only."
    )
    node: T = strawberry.field(description="The item.")


@strawberry.type(
    description="A page of a list, in keyset order: stable when items are added meanwhile."
)
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The page's items with their cursors.")
    page_info: PageInfo = strawberry.field(description="Whether pages come before and after.")
    total_count: int = strawberry.field(
        description="How many items match, across all pages, of those the viewer may see."
    )

    @strawberry.field(description="The page's items without their cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def connection_from_page(page: Page[M], sort: Sort, wrap: Callable[[M], T]) -> Connection[T]:
    edges = [Edge(cursor=page.cursor_for(item, sort), node=wrap(item)) for item in page.items]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=page.total_count,
    )


def decode_global_id(value: str, expected_type: str | None = None) -> tuple[str, uuid.UUID] | None:
    """(type name, uuid) of a global ID, or None for anything malformed; a malformed ID is
    answered like an unknown one."""
    try:
        gid = relay.GlobalID.from_id(value)
        node_id = uuid.UUID(gid.node_id)
    except Exception:
        return None
    if expected_type is not None and gid.type_name != expected_type:
        return None
    return gid.type_name, node_id


def global_id(type_name: str, node_id: uuid.UUID) -> str:
    return str(relay.GlobalID(type_name, str(node_id)))
