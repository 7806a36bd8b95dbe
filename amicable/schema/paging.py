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
