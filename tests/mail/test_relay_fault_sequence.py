"""One mail through a relay that is down, then answers 4xx, then 5xx: each attempt is
counted and backed off, nothing is sent twice, and the permanent refusal ends the retries
and shows to the moderators. (Each fault alone: tests/mail/outbound/test_outbox.py and
tests/mail/test_delivery_state.py.)"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from aiosmtpd.smtp import SMTP

from amicable.models import CompanyAddress, ModerationItem, OutboxMail
from amicable.models.mail import ModerationItemKind, OutboxStatus
from tests.mail.conftest import flush
from tests.mail.test_delivery_state import relay, relay_worker, world

__all__ = ["relay", "relay_worker", "world"]


async def test_down_then_4xx_then_5xx_is_one_visible_failure(settings, world, relay, relay_worker):
    assert relay.server is not None
    relay.server.close()
    await relay.server.wait_closed()
    assert await relay_worker.run_once() == 1
    mail = await OutboxMail.get(complaint_id=world.complaint.id)
    assert mail.status is OutboxStatus.PENDING and mail.attempts == 1
    assert mail.next_attempt_at > datetime.now(UTC)  # backed off
    assert await relay_worker.run_once() == 0  # not due yet

    loop = asyncio.get_running_loop()
    relay.server = await loop.create_server(
        lambda: SMTP(relay, loop=loop), host="127.0.0.1", port=relay.port
    )
    relay.data_reply = "451 4.3.0 Temporary local problem, try again later"
    await asyncio.sleep(settings.outbox_backoff_max_seconds + 0.05)
    assert await relay_worker.run_once() == 1
    mail = await OutboxMail.get(id=mail.id)
    assert mail.status is OutboxStatus.PENDING and mail.attempts == 2 and "451" in mail.last_error
    assert (await CompanyAddress.get(email="klachten@telenova.be")).failing is False

    relay.data_reply = "554 5.7.1 Message refused by policy"
    await asyncio.sleep(settings.outbox_backoff_max_seconds + 0.05)
    assert await relay_worker.run_once() == 1
    mail = await OutboxMail.get(id=mail.id)
    assert mail.status is OutboxStatus.FAILED and mail.attempts == 3 and "554" in mail.last_error
    assert relay.accepted == []
    [item] = await ModerationItem.filter(kind=ModerationItemKind.COMPANY_ADDRESS_FAILING)
    assert item.complaint_id == world.complaint.id
    staff = (await world.delivery(world.moderator))["delivery"]
    assert staff["state"] == "FAILED" and staff["attempts"] == 3

    # A healthy relay later changes nothing for the failed mail: no late duplicate.
    relay.data_reply = "250 OK"
    await asyncio.sleep(settings.outbox_backoff_max_seconds + 0.05)
    await flush(relay_worker)
    assert relay.accepted == []
