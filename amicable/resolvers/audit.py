"""Writing the audit log, inside the caller's transaction."""

from __future__ import annotations

import uuid

from amicable.models import AuditEntry
from amicable.policy import Viewer


async def record(
    viewer: Viewer | None,
    action: str,
    target_type: str,
    target_id: uuid.UUID,
    *,
    actor_kind: str | None = None,
    company_id: uuid.UUID | None = None,
    **data: object,
) -> None:
    if viewer is not None and viewer.link_recipient:
        data.setdefault("link_recipient", viewer.link_recipient)
    await AuditEntry.create(
        company_id=company_id or (viewer.company_id if viewer else None),
        actor_user_id=viewer.user_id if viewer else None,
        actor_kind=actor_kind or (viewer.kind.value if viewer else "system"),
        action=action,
        target_type=target_type,
        target_id=target_id,
        data={k: _jsonable(v) for k, v in data.items()},
    )


def _jsonable(value: object) -> object:
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
