"""Filling in what a publisher left out so an event reaches every feed it belongs to."""

from __future__ import annotations

from amicable.models import Complaint
from amicable.subscriptions.events import ComplaintEvent


async def with_consumer(event: ComplaintEvent) -> ComplaintEvent:
    """The event addressed to its complaint's consumer too (one primary-key lookup).
    Publishers that have the complaint at hand pass `consumer_id` and skip this."""
    consumer_ids = await Complaint.filter(id=event.complaint_id).values_list(
        "consumer_id", flat=True
    )
    if not consumer_ids:
        return event
    return event.with_consumer(str(consumer_ids[0]))
