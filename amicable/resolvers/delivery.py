"""Where the complaint's mail to the company stands (docs/mail.md, "Delivery").

Read from the outbox: the latest complaint mail of each complaint says whether it waits,
is being retried, was accepted by the relay, or failed for good (refused, every retry
spent, or bounced afterwards by a delivery report). Who reads which part is the policy's
decision (`can_see_delivery`, `can_see_delivery_errors`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from amicable.models import Complaint, OutboxMail
from amicable.models.mail import ModerationItem, ModerationItemKind, OutboxKind, OutboxStatus


class DeliveryState(StrEnum):
    NOT_SENT = "NOT_SENT"  # not handed to the mail system yet (waiting for moderation)
    NO_ADDRESS = "NO_ADDRESS"  # the company had no working address: nothing was queued
    QUEUED = "QUEUED"  # waiting for the worker
    RETRYING = "RETRYING"  # the relay was unreachable or answered 4xx; tried again later
    SENT = "SENT"  # the relay accepted it
    FAILED = "FAILED"  # refused (5xx), every retry spent, or bounced after acceptance


@dataclass(frozen=True, slots=True)
class Delivery:
    state: DeliveryState
    # When the relay accepted the mail (not when it was queued); None until then.
    sent_at: datetime | None
    attempts: int
    last_error: str  # the relay's answer or the bounce; moderators only

    @property
    def accepted_at(self) -> datetime | None:
        """The complaint's public `sentAt`: when the relay accepted its mail, only while that
        still stands (a bounce afterwards means the company never got it)."""
        return self.sent_at if self.state is DeliveryState.SENT else None


async def deliveries(complaints: Sequence[Complaint]) -> list[Delivery]:
    """The delivery of each complaint's mail to the company, in order; two queries at most
    whatever the number of complaints."""
    ids = [c.id for c in complaints]
    latest: dict[uuid.UUID, OutboxMail] = {}
    # Not the mail's content: the public feed reads `sentAt` through this for every page.
    rows = (
        await OutboxMail.filter(complaint_id__in=ids, kind=OutboxKind.COMPLAINT)
        .order_by("created_at")
        .only("id", "complaint_id", "status", "sent_at", "attempts", "last_error", "created_at")
    )
    for row in rows:
        assert row.complaint_id is not None
        latest[row.complaint_id] = row
    unqueued = [c.id for c in complaints if c.id not in latest and c.sent_at is not None]
    no_address: set[uuid.UUID] = set()
    if unqueued:
        found = await ModerationItem.filter(
            complaint_id__in=unqueued,
            kind=ModerationItemKind.COMPANY_ADDRESS_FAILING,
            inbound_mail_id__isnull=True,
        ).values_list("complaint_id", flat=True)
        no_address = {uuid.UUID(str(i)) for i in found}
    return [_delivery(c, latest.get(c.id), c.id in no_address) for c in complaints]


def _delivery(complaint: Complaint, mail: OutboxMail | None, no_address: bool) -> Delivery:
    if mail is None:
        if complaint.sent_at is None:
            return Delivery(DeliveryState.NOT_SENT, None, 0, "")
        if no_address:
            return Delivery(DeliveryState.NO_ADDRESS, None, 0, "no working company address")
        # Imported history: sent before the platform kept an outbox record of it.
        return Delivery(DeliveryState.SENT, complaint.sent_at, 0, "")
    if mail.status is OutboxStatus.SENT:
        state = DeliveryState.SENT
    elif mail.status is OutboxStatus.FAILED:
        state = DeliveryState.FAILED
    elif mail.last_error:
        state = DeliveryState.RETRYING
    else:
        state = DeliveryState.QUEUED
    return Delivery(state, mail.sent_at, mail.attempts, mail.last_error)
