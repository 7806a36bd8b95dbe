"""Which page a connection returns: `first`/`after` forward, `last`/`before` backward, the
default size and the viewer's cap. Every connection takes the same four arguments and
reads them here."""

from __future__ import annotations

from typing import Annotated

import strawberry

from amicable import policy
from amicable.infra.pagination import Window, window
from amicable.schema.context import Info

FIRST = "How many items from the start (or after `after`); the default and the cap are settings."
AFTER = "A cursor: the page starts after this item."
LAST = "How many items from the end (or before `before`): backward paging."
BEFORE = "A cursor: the page ends before this item."

# The four arguments every connection field declares, described once.
First = Annotated[int | None, strawberry.argument(description=FIRST)]
After = Annotated[str | None, strawberry.argument(description=AFTER)]
Last = Annotated[int | None, strawberry.argument(description=LAST)]
Before = Annotated[str | None, strawberry.argument(description=BEFORE)]


def page_window(
    info: Info,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
    default: int | None = None,
) -> Window:
    settings = info.context.services.settings
    cap = policy.page_size_cap(
        info.context.viewer, settings.page_size_max, settings.partner_page_size_max
    )
    return window(
        first=first,
        after=after,
        last=last,
        before=before,
        default=default or settings.page_size_default,
        maximum=cap,
    )


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
