"""An open websocket is closed (4401), not only its operations ended, when the token it
was opened with is revoked, expires, or all of its owner's tokens are revoked; real
uvicorn, real websockets."""

from __future__ import annotations

from datetime import timedelta

import pytest
import websockets

from amicable.models import AccessToken
from amicable.models.enums import Role
from amicable.resolvers import accounts
from amicable.subscriptions.bus.events import complaint_channel
from tests.factories import gid, make_company, make_complaint, make_user
from tests.subscriptions.wsclient import LEGACY_WS, TRANSPORT_WS, connect

pytestmark = pytest.mark.e2e

MESSAGE_ADDED = "subscription($id: ID!) { messageAdded(complaintId: $id) { body } }"
RECHECK = 0.3


async def _closed_with(ws, within: float = 5.0) -> int:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await ws.receive(within)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


async def _world(services):
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services)
    company = await make_company(moderator.viewer)
    complaint = await make_complaint(services, consumer, company)
    return consumer, complaint


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
@pytest.mark.parametrize("how", ["sign_out", "revoke_all", "expiry"])
async def test_a_withdrawn_credential_closes_the_socket(settings, serve, protocol, how):
    update = {"websocket_recheck_seconds": RECHECK}
    async for live in serve(settings.model_copy(update=update)):
        services = live.services
        consumer, complaint = await _world(services)
        async with connect(live.ws_url, protocol, consumer.token) as ws:
            await ws.subscribe(MESSAGE_ADDED, id=gid("Complaint", complaint.id))
            await live.wait_for_subscribers(1, complaint_channel(str(complaint.id)))
            if how == "sign_out":
                await accounts.revoke_token(services, consumer.viewer)
            elif how == "revoke_all":
                assert await accounts.revoke_all_tokens(services, consumer.user.id) == 1
            else:
                await AccessToken.filter(id=consumer.viewer.token_id).update(
                    expires_at=services.now() - timedelta(seconds=1)
                )
            assert await _closed_with(ws) == 4401
        # The server let go of the subscription with the socket.
        await live.wait_for_subscribers(0)


async def test_a_valid_credential_keeps_the_socket_open(settings, serve):
    update = {"websocket_recheck_seconds": RECHECK}
    async for live in serve(settings.model_copy(update=update)):
        consumer, complaint = await _world(live.services)
        other, _ = await _world(live.services)
        async with connect(live.ws_url, TRANSPORT_WS, consumer.token) as ws:
            await ws.subscribe(MESSAGE_ADDED, id=gid("Complaint", complaint.id))
            # Someone else's tokens going away leaves this socket alone.
            await accounts.revoke_all_tokens(live.services, other.user.id)
            await ws.nothing(within=RECHECK * 4)
            assert ws.ws.close_code is None


async def test_the_recheck_is_short_by_default():
    from amicable.settings import Settings

    assert Settings(_env_file=None).websocket_recheck_seconds <= 5  # type: ignore[call-arg]
