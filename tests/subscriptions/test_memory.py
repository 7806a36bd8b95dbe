"""What a long-lived subscription keeps: nothing per delivered event once it is delivered.
(`bench/memory.py` measures the bytes; these tests hold the two causes found.)"""

from __future__ import annotations

import gc

import pytest
from graphql import parse

from amicable.models.enums import Role
from amicable.resolvers import messages
from amicable.schema import build_schema
from amicable.settings import Settings
from amicable.subscriptions import feeds
from amicable.subscriptions.bus.events import complaint_channel
from tests.factories import gid, make_company, make_complaint, make_user
from tests.subscriptions.wsclient import TRANSPORT_WS, connect

pytestmark = pytest.mark.e2e

MESSAGE_ADDED = "subscription($id: ID!) { messageAdded(complaintId: $id) { id body } }"


def test_each_event_executes_with_its_own_memo():
    """graphql-core shares the subscription executor's subfield memo with every event's
    copy; it grew by every event for the life of the subscription."""
    schema = build_schema(Settings(_env_file=None))  # type: ignore[call-arg]
    executor_class = schema.execution_context_class
    executor = executor_class.build(
        schema._schema, parse(MESSAGE_ADDED), raw_variable_values={"id": "x"}
    )
    assert not isinstance(executor, list)
    first = executor.build_per_event_executor({})
    second = executor.build_per_event_executor({})
    assert first._relevant_sub_fields is not executor._relevant_sub_fields
    assert first._relevant_sub_fields is not second._relevant_sub_fields
    assert first._stream_usages is not executor._stream_usages


async def test_rows_read_for_an_event_are_released_once_it_is_delivered(live):
    services = live.services
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services)
    company = await make_company(moderator.viewer)
    agent = await make_user(services, Role.AGENT, company=company)
    complaint = await make_complaint(services, consumer, company)
    async with connect(live.ws_url, TRANSPORT_WS, consumer.token) as ws:
        await ws.subscribe(MESSAGE_ADDED, id=gid("Complaint", complaint.id))
        await live.wait_for_subscribers(1, complaint_channel(str(complaint.id)))
        for number in range(30):
            await messages.post(services, agent.viewer, complaint.id, f"Antwoord {number}.")
            assert (await ws.next())["data"]["messageAdded"]["body"] == f"Antwoord {number}."
        gc.collect()
        # At most the event the subscription's loop still holds, not one per event.
        assert len(feeds._SNAPSHOTS) <= 2
