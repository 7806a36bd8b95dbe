"""Outbound mail the relay refuses: a real SMTP relay on loopback answering 550 or 451. A
permanent refusal (or every retry spent) marks the company address failing, opens an
announced moderation item, and shows on the complaint as its delivery state."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from amicable.mail.outbound.outbox import OutboxWorker
from amicable.mail.outbound.sender import transport_for
from amicable.models import CompanyAddress, Complaint, ModerationItem, OutboxMail
from amicable.models.enums import ComplaintStatus, Role
from amicable.models.mail import ModerationDecision, ModerationItemKind, OutboxStatus
from amicable.resolvers import bounces, companies, moderation
from amicable.subscriptions.bus.events import (
    ModerationItemAdded,
    event_from_json,
    moderation_channel,
)
from tests.conftest import GraphQLClient
from tests.factories import make_company, make_complaint, make_user
from tests.mail.conftest import flush, free_port

COMPANY = "klachten@telenova.be"
DELIVERY = """
query($ref: String!) {
  complaint(reference: $ref) { sentAt delivery { state sentAt attempts lastError } }
}"""


@dataclass
class Relay:
    """A relay that answers what the test tells it to, at RCPT TO or at DATA."""

    port: int
    rcpt_reply: str = "250 OK"
    data_reply: str = "250 OK"
    accepted: list[bytes] = field(default_factory=list)
    server: asyncio.Server | None = None

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if self.rcpt_reply.startswith("250"):
            envelope.rcpt_tos.append(address)
        return self.rcpt_reply

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.data_reply.startswith("250"):
            content = envelope.original_content or b""
            assert isinstance(content, bytes)
            self.accepted.append(content)
        return self.data_reply


@pytest.fixture
async def relay() -> AsyncIterator[Relay]:
    loop = asyncio.get_running_loop()
    found = Relay(free_port())
    found.server = await loop.create_server(
        lambda: SMTP(found, loop=loop), host="127.0.0.1", port=found.port
    )
    yield found
    found.server.close()
    await found.server.wait_closed()


@pytest.fixture
def relay_worker(settings, services, relay) -> OutboxWorker:
    pointed = settings.model_copy(
        update={"smtp_url": f"smtp://127.0.0.1:{relay.port}?starttls=off"}
    )
    on_gave_up = functools.partial(bounces.outbound_failed, services)
    return OutboxWorker(pointed, transport_for(pointed), on_gave_up=on_gave_up)


@dataclass
class World:
    complaint: Complaint
    consumer: GraphQLClient
    agent: GraphQLClient
    moderator: GraphQLClient
    public: GraphQLClient

    async def delivery(self, who: GraphQLClient) -> dict:
        data = await who.data(DELIVERY, ref=self.complaint.reference)
        return data["complaint"]


@pytest.fixture
async def world(services, gql) -> World:
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services, email="jan.desmet@example.org")
    company = await make_company(moderator.viewer, email=COMPANY)
    agent = await make_user(services, Role.AGENT, company=company, email="sofie@telenova.be")
    complaint = await make_complaint(services, consumer, company)
    return World(
        complaint,
        GraphQLClient(gql.http, consumer.token),
        GraphQLClient(gql.http, agent.token),
        GraphQLClient(gql.http, moderator.token),
        GraphQLClient(gql.http),
    )


async def test_queued_is_not_sent(world) -> None:
    seen = await world.delivery(world.consumer)
    assert seen["sentAt"] is None  # queued (it counts in the score), not accepted yet
    assert seen["delivery"] == {
        "state": "QUEUED",
        "sentAt": None,
        "attempts": None,
        "lastError": None,
    }


async def test_accepted_by_the_relay_is_sent(world, relay, relay_worker) -> None:
    await flush(relay_worker)
    assert len(relay.accepted) == 1
    mail = await OutboxMail.get(complaint_id=world.complaint.id)
    seen = await world.delivery(world.agent)
    assert seen["delivery"]["state"] == "SENT"
    assert seen["delivery"]["sentAt"] == mail.sent_at.isoformat()
    assert mail.sent_at > world.complaint.sent_at  # accepted after it was queued
    # The complaint's own `sentAt` is the relay's acceptance, for the public too.
    assert seen["sentAt"] == mail.sent_at.isoformat()
    assert (await world.delivery(world.public))["sentAt"] == mail.sent_at.isoformat()


@pytest.mark.parametrize("where", ["rcpt", "data"])
async def test_a_permanent_refusal_marks_the_address_and_shows(
    where, services, world, relay, relay_worker
) -> None:
    refusal = "550 5.1.1 <klachten@telenova.be>: Recipient address rejected: User unknown"
    if where == "rcpt":
        relay.rcpt_reply = refusal
    else:
        relay.data_reply = "554 5.7.1 Message refused by policy"
    async with services.events.subscribe(moderation_channel()) as moderators:
        assert await relay_worker.run_once() == 1
        event = event_from_json((await asyncio.wait_for(moderators.get(), 5)).message)
    mail = await OutboxMail.get(complaint_id=world.complaint.id)
    assert mail.status is OutboxStatus.FAILED and mail.attempts == 1 and mail.sent_at is None
    assert (await CompanyAddress.get(email=COMPANY)).failing is True
    [item] = await ModerationItem.filter(kind=ModerationItemKind.COMPANY_ADDRESS_FAILING)
    assert item.complaint_id == world.complaint.id and COMPANY in item.reason
    assert event == ModerationItemAdded(str(item.id), str(world.complaint.id))
    code = "550" if where == "rcpt" else "554"
    for reader in (world.consumer, world.agent):
        seen = await world.delivery(reader)
        assert seen["delivery"] == {
            "state": "FAILED",
            "sentAt": None,
            "attempts": None,
            "lastError": None,
        }
    staff = (await world.delivery(world.moderator))["delivery"]
    assert staff["state"] == "FAILED" and staff["attempts"] == 1 and code in staff["lastError"]
    public = await world.delivery(world.public)
    # Refused: the company was never mailed, so nobody reads a `sentAt`.
    assert public["sentAt"] is None and public["delivery"] is None
    await flush(relay_worker)  # nothing retried
    assert relay.accepted == [] and (await OutboxMail.get(id=mail.id)).attempts == 1


async def test_a_temporary_refusal_is_retried_then_sent(
    settings, world, relay, relay_worker
) -> None:
    relay.data_reply = "451 4.3.0 Temporary local problem, try again later"
    assert await relay_worker.run_once() == 1
    mail = await OutboxMail.get(complaint_id=world.complaint.id)
    assert mail.status is OutboxStatus.PENDING and "451" in mail.last_error
    assert (await CompanyAddress.get(email=COMPANY)).failing is False
    assert await ModerationItem.all().count() == 0
    consumer = (await world.delivery(world.consumer))["delivery"]
    assert consumer == {"state": "RETRYING", "sentAt": None, "attempts": None, "lastError": None}
    staff = (await world.delivery(world.moderator))["delivery"]
    assert "451" in staff["lastError"]
    relay.data_reply = "250 OK"
    await asyncio.sleep(settings.outbox_backoff_max_seconds + 0.05)
    await flush(relay_worker)
    assert len(relay.accepted) == 1
    consumer = (await world.delivery(world.consumer))["delivery"]
    assert consumer["state"] == "SENT" and consumer["sentAt"] is not None


async def test_sent_at_is_null_while_the_relay_refuses_and_set_once_it_accepts(
    settings, world, relay, relay_worker
) -> None:
    relay.rcpt_reply = "450 4.2.0 Mailbox temporarily unavailable"
    assert await relay_worker.run_once() == 1
    for reader in (world.public, world.consumer, world.agent, world.moderator):
        assert (await world.delivery(reader))["sentAt"] is None
    relay.rcpt_reply = "250 OK"
    await asyncio.sleep(settings.outbox_backoff_max_seconds + 0.05)
    await flush(relay_worker)
    mail = await OutboxMail.get(complaint_id=world.complaint.id)
    assert mail.status is OutboxStatus.SENT and mail.attempts == 2
    for reader in (world.public, world.consumer, world.agent, world.moderator):
        assert (await world.delivery(reader))["sentAt"] == mail.sent_at.isoformat()
    # Queuing did not move: the score's clock stays on the moment the complaint went out.
    assert (await Complaint.get(id=world.complaint.id)).sent_at == world.complaint.sent_at


async def test_every_retry_spent_marks_the_address(settings, world, relay, relay_worker) -> None:
    relay_worker.settings.outbox_max_attempts = 2
    relay_worker.settings.outbox_backoff_seconds = 0
    relay.rcpt_reply = "451 4.7.1 Greylisted, please try again later"
    await relay_worker.run_once()
    assert (await CompanyAddress.get(email=COMPANY)).failing is False
    await relay_worker.run_once()
    mail = await OutboxMail.get(complaint_id=world.complaint.id)
    assert mail.status is OutboxStatus.FAILED and mail.attempts == 2
    assert (await CompanyAddress.get(email=COMPANY)).failing is True
    assert await ModerationItem.filter(kind=ModerationItemKind.COMPANY_ADDRESS_FAILING).count() == 1
    assert (await world.delivery(world.consumer))["delivery"]["state"] == "FAILED"


async def test_a_later_complaint_to_a_company_without_a_working_address(
    services, world, relay, relay_worker
) -> None:
    relay.rcpt_reply = "550 5.1.1 User unknown"
    await relay_worker.run_once()
    consumer = await make_user(services, email="els.peeters@example.org", name="Els Peeters")
    later = await make_complaint(services, consumer, await world.complaint.company)
    reader = GraphQLClient(world.consumer.http, consumer.token)
    seen = await reader.data(DELIVERY, ref=later.reference)
    assert seen["complaint"]["delivery"]["state"] == "NO_ADDRESS"
    assert await OutboxMail.filter(complaint_id=later.id).count() == 0


async def test_fixing_the_address_and_approving_the_item_sends_it_again(
    services, world, relay, relay_worker
) -> None:
    relay.rcpt_reply = "550 5.1.1 User unknown"
    await relay_worker.run_once()
    [item] = await ModerationItem.filter(kind=ModerationItemKind.COMPANY_ADDRESS_FAILING)
    moderator = await make_user(services, Role.MODERATOR)
    company = await world.complaint.company
    await companies.update(
        moderator.viewer, company.id, companies.CompanyChanges(addresses=["service@telenova.be"])
    )
    relay.rcpt_reply = "250 OK"
    await moderation.decide(
        services, moderator.viewer, item.id, ModerationDecision.APPROVE, "Nieuw adres via KBO."
    )
    await flush(relay_worker)
    assert len(relay.accepted) == 1 and b"To: service@telenova.be" in relay.accepted[0]
    seen = (await world.delivery(world.consumer))["delivery"]
    assert seen["state"] == "SENT" and seen["sentAt"] is not None


@pytest.mark.parametrize("decision", [ModerationDecision.APPROVE, ModerationDecision.REJECT])
async def test_deciding_a_delivery_report_item_leaves_the_complaint_alone(
    decision, services, world
) -> None:
    item = await ModerationItem.create(
        kind=ModerationItemKind.DELIVERY_REPORT,
        complaint_id=world.complaint.id,
        company_id=world.complaint.company_id,
        reason="The delivery report names no recipient.",
        created_at=services.now(),
    )
    moderator = await make_user(services, Role.MODERATOR)
    await moderation.decide(services, moderator.viewer, item.id, decision, "Gelezen.")
    await world.complaint.refresh_from_db()
    assert world.complaint.status is ComplaintStatus.WAITING_FOR_COMPANY
    assert await OutboxMail.filter(complaint_id=world.complaint.id).count() == 1
