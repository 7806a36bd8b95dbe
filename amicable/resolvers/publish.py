"""Publishing events after commit, with what a publisher left out filled in so an event
reaches every feed it belongs to. The lookup lives here, among the operations, so the bus
beneath them never queries the database."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tortoise.transactions import in_transaction

from amicable.models import Complaint
from amicable.services import Services
from amicable.subscriptions.bus.events import ComplaintEvent, Event

log = logging.getLogger(__name__)


async def with_consumer(event: ComplaintEvent) -> ComplaintEvent:
    """The event addressed to its complaint's consumer too (one primary-key lookup).
    Publishers that have the complaint at hand pass `consumer_id` and skip this."""
    consumer_ids = await Complaint.filter(id=event.complaint_id).values_list(
        "consumer_id", flat=True
    )
    if not consumer_ids:
        return event
    return event.with_consumer(str(consumer_ids[0]))


async def publish(services: Services, *events: Event) -> None:
    """Publish each event on the bus. Runs after the commit that caused the events: a
    failure is logged, never raised, because the data is safe in the database and a
    subscriber reloads it on the next event."""
    for event in events:
        if isinstance(event, ComplaintEvent) and not event.consumer:
            try:
                event = await with_consumer(event)
            except Exception:
                log.exception("could not address %s to its consumer", event.name)
        await services.events.publish(event)


@asynccontextmanager
async def committed(services: Services) -> AsyncIterator[list[Event]]:
    """A transaction whose events are published once it commits, and never if it fails.
    Operations collect what they announce in the yielded list (see `moderation_items`)."""
    events: list[Event] = []
    async with in_transaction():
        yield events
    await publish(services, *events)
