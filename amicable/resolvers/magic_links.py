"""The web reply link: a complaint mail's signed link turned into a viewer with the rights
of that thread's Reply-To address, and moderators withdrawing links.

Expired, revoked and forged links all answer alike (no viewer: UNAUTHENTICATED), so a
guess cannot tell a link that once worked from one that never did.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from amicable.infra.errors import ErrorCode, Forbidden, OperationFailed, UserError, not_found
from amicable.infra.messages import Msg
from amicable.mail.outbound import links
from amicable.models import Complaint, MagicLinkRevocation
from amicable.policy import Viewer, can_moderate
from amicable.resolvers import audit
from amicable.services import Services


async def authenticate(services: Services, credential: str) -> Viewer | None:
    claims = links.read(services.settings, credential, services.now())
    if claims is None:
        return None
    complaint = await Complaint.get_or_none(id=claims.complaint_id).only("id", "company_id")
    if complaint is None or await _revoked(complaint.id, claims.link_id, claims.issued_at):
        return None
    return Viewer.for_link(
        complaint.id, complaint.company_id, claims.recipient, claims.link_id, claims.issued_at
    )


async def still_valid(services: Services, viewer: Viewer) -> bool:
    """For a long-lived connection: the link was not withdrawn since it connected."""
    complaint_id, link_id = viewer.link_complaint_id, viewer.link_id
    if complaint_id is None or link_id is None or viewer.link_issued_at is None:
        return False
    return not await _revoked(complaint_id, link_id, viewer.link_issued_at)


async def for_download(services: Services, identity: str) -> Viewer | None:
    """The reply link a signed download link was made for (`complaint:link id:issued`,
    authenticated by the download link's own signature), as long as it still works: not
    expired, not withdrawn since."""
    complaint_raw, _, rest = identity.partition(":")
    link_id, _, issued_raw = rest.partition(":")
    try:
        complaint_id = uuid.UUID(complaint_raw)
        issued_at = datetime.fromtimestamp(int(issued_raw), UTC)
    except (ValueError, OverflowError, OSError):
        return None
    if not link_id or issued_at + timedelta(days=services.settings.reply_link_days) <= (
        services.now()
    ):
        return None
    complaint = await Complaint.get_or_none(id=complaint_id).only("id", "company_id")
    if complaint is None or await _revoked(complaint.id, link_id, issued_at):
        return None
    # The address the mail went to is not needed to read the thread.
    return Viewer.for_link(complaint.id, complaint.company_id, "", link_id, issued_at)


async def _revoked(complaint_id: uuid.UUID, link_id: str, issued_at: datetime) -> bool:
    return await MagicLinkRevocation.exists(
        Q(link_id=link_id) | Q(link_id="", revoked_at__gte=issued_at),
        complaint_id=complaint_id,
    )


async def revoke(
    services: Services, viewer: Viewer, complaint_id: uuid.UUID, link: str | None
) -> Complaint:
    """Withdraw one link (given as sent) or, without one, every link of the complaint sent
    until now; mail sent later carries new links that work."""
    if not can_moderate(viewer):
        raise Forbidden()
    link_id = ""
    if link:
        claims = links.read(services.settings, link.strip(), services.now(), allow_expired=True)
        if claims is None or claims.complaint_id != complaint_id:
            raise OperationFailed(UserError(ErrorCode.INVALID, Msg.NOT_A_REPLY_LINK, "link"))
        link_id = claims.link_id
    async with in_transaction():
        complaint = await Complaint.get_or_none(id=complaint_id)
        if complaint is None:
            raise not_found("Complaint", "complaintId")
        await MagicLinkRevocation.create(
            complaint_id=complaint.id,
            link_id=link_id,
            revoked_at=services.now(),
            revoked_by_id=viewer.user_id,
        )
        await audit.record(
            viewer, "reply_link.revoke", "complaint", complaint.id, link_id=link_id or "all"
        )
    return complaint
