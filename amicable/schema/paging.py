"""How many items a connection returns: `first`, its default, and the viewer's cap."""

from __future__ import annotations

from amicable import policy
from amicable.infra.pagination import clamp_page_size
from amicable.schema.context import Info


def page_size(info: Info, first: int | None, default: int | None = None) -> int:
    settings = info.context.services.settings
    cap = policy.page_size_cap(
        info.context.viewer, settings.page_size_max, settings.partner_page_size_max
    )
    return clamp_page_size(first, default or settings.page_size_default, cap)


def asks_total(info: Info) -> bool:
    """Whether the connection's `totalCount` was asked for (in any fragment of the field):
    counting is a statement of its own, skipped when nobody reads it."""

    def _has(selections: list) -> bool:
        for selection in selections:
            if getattr(selection, "name", None) == "totalCount":
                return True
            if _has(getattr(selection, "selections", None) or []):
                return True
        return False

    return any(_has(field.selections) for field in info.selected_fields)
