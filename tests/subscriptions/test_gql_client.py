"""A client nobody here wrote: the `gql` Python library over graphql-transport-ws."""

from __future__ import annotations

import asyncio

import pytest
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

from amicable.models.enums import Role
from amicable.resolvers import messages
from tests.factories import gid, make_company, make_complaint, make_user

pytestmark = pytest.mark.e2e


async def test_gql_client_watches_a_complaint(live):
    services = live.services
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services)
    company = await make_company(moderator.viewer)
    agent = await make_user(services, Role.AGENT, company=company)
    complaint = await make_complaint(services, consumer, company)
    transport = WebsocketsTransport(
        url=live.ws_url,
        init_payload={"Authorization": f"Bearer {consumer.token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    request = gql("subscription($id: ID!) { messageAdded(complaintId: $id) { body authorKind } }")
    request.variable_values = {"id": gid("Complaint", complaint.id)}

    async def first_result() -> dict:
        async with Client(transport=transport) as session:
            async for result in session.subscribe(request):
                return result
        raise AssertionError("the subscription ended without a result")

    receiving = asyncio.create_task(first_result())
    await live.wait_for_subscribers(1)
    await messages.post(services, agent.viewer, complaint.id, "Sent by the company.")
    result = await asyncio.wait_for(receiving, 5)
    assert result == {"messageAdded": {"body": "Sent by the company.", "authorKind": "COMPANY"}}
    await live.wait_for_subscribers(0)
