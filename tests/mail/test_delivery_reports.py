"""Delivery reports through the whole pipeline: only a permanent failure for the company
address a mail of ours went to marks it failing; everything else is recorded (and the
company's next complaint is mailed as usual), or goes to moderators for review."""

from __future__ import annotations

import asyncio

import aiosmtplib
import pytest

from amicable.mail.inbound.pipeline import receive
from amicable.models import CompanyAddress, InboundMail, Message, ModerationItem, OutboxMail
from amicable.models.enums import Role
from amicable.models.mail import InboundDoor, ModerationItemKind, OutboxStatus, RecipientKind
from amicable.resolvers import messages
from amicable.subscriptions.bus.events import (
    ModerationItemAdded,
    event_from_json,
    moderation_channel,
)
from tests.factories import make_company, make_complaint, make_user
from tests.mail.conftest import fill, flush

COMPANY = "klachten@telenova.be"

# Reports that mark the address: `failed` with a 5.x.x status for the address we mailed.
MARKS_THE_ADDRESS = {
    "dsn_bounce.eml": "failed 5.1.1",  # Postfix
    "dsn_failed_outlook.eml": "failed 5.1.10",  # Exchange Online / Outlook.com
    "dsn_failed_gmail.eml": "failed 5.1.1",  # Gmail
    "dsn_mixed_recipients_postfix.eml": "failed 5.1.1",  # failed, delayed and delivered
    "exim_bounce.eml": "failed 5.1.1",  # Exim's plain-text bounce
    "qmail_bounce.eml": "failed 5.1.1",  # qmail's "failure notice"
    "exchange_text_ndr.eml": "failed 5.1.1",  # older Exchange, no report part
}
# Reports that are recorded and nothing more.
RECORDED_ONLY = {
    "dsn_delayed_postfix.eml": "delayed 4.4.1",
    "dsn_delayed_outlook.eml": "delayed 4.4.7",
    "exim_delay_warning.eml": "delayed 4.3.0",
    "dsn_delivered_postfix.eml": "delivered 2.0.0",
    "dsn_relayed_postfix.eml": "relayed 2.0.0",
    "dsn_expanded_postfix.eml": "expanded 2.0.0",
    "dsn_failed_transient_postfix.eml": "failed 4.2.2",  # mailbox full, queue expired
    "exim_bounce_mailbox_full.eml": "failed 4.2.2",
    # An alias: one mailbox behind it failed, another got the mail.
    "dsn_alias_partly_failed_postfix.eml": "also reported delivered or delayed",
}
# Reports a person must read: nothing is marked.
FOR_REVIEW = {
    "dsn_no_recipient_exchange.eml": "names no recipient",
    "text_bounce_no_recipient.eml": "names no recipient",
    "dsn_failed_forward_target_postfix.eml": "not an address this mail was sent to",
}


@pytest.fixture
async def complaint(services, worker):
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services, email="jan.desmet@example.org")
    company = await make_company(moderator.viewer, email=COMPANY)
    made = await make_complaint(services, consumer, company)
    await flush(worker)
    made.consumer_actor = consumer  # type: ignore[attr-defined]
    return made


async def _deliver(services, raw: bytes):
    return await receive(services, raw, door=InboundDoor.SMTP, envelope_sender="<>")


async def _next_complaint_is_mailed(services, complaint, worker, smtp_capture) -> None:
    before = len(smtp_capture.received)
    consumer = await make_user(services, email="els.peeters@example.org", name="Els Peeters")
    company = await complaint.company
    later = await make_complaint(services, consumer, company, title="Modem kapot")
    await flush(worker)
    [mail] = await OutboxMail.filter(complaint_id=later.id)
    assert mail.status is OutboxStatus.SENT and mail.recipient == COMPANY
    assert [c.recipients for c in smtp_capture.received[before:]] == [[COMPANY]]


@pytest.mark.parametrize("name", sorted(MARKS_THE_ADDRESS))
async def test_a_permanent_failure_marks_the_address(name, services, complaint):
    async with services.events.subscribe(moderation_channel()) as moderators:
        verdict = await _deliver(services, await fill(name, complaint))
        event = event_from_json((await asyncio.wait_for(moderators.get(), 5)).message)
    assert verdict.outcome == "BOUNCE" and verdict.smtp_reply.startswith("250")
    assert (await CompanyAddress.get(email=COMPANY)).failing is True
    [item] = await ModerationItem.filter(company_id=complaint.company_id)
    assert item.kind is ModerationItemKind.COMPANY_ADDRESS_FAILING
    assert COMPANY in item.reason and item.complaint_id == complaint.id
    assert event == ModerationItemAdded(str(item.id), str(complaint.id))
    record = await InboundMail.get(id=item.inbound_mail_id)
    assert record.outcome == "BOUNCE" and record.complaint_id == complaint.id
    assert MARKS_THE_ADDRESS[name] in record.detail and "address marked failing" in record.detail
    mail = await OutboxMail.get(complaint_id=complaint.id, recipient_kind=RecipientKind.COMPANY)
    assert mail.status is OutboxStatus.FAILED and mail.last_error.startswith("bounced: 5.")
    assert mail.sent_at is not None  # the relay did accept it
    assert await Message.filter(complaint_id=complaint.id).count() == 0


async def test_a_bounce_after_acceptance_takes_back_the_public_sent_at(services, gql, complaint):
    query = "query($ref: String!) { complaint(reference: $ref) { sentAt } }"
    mail = await OutboxMail.get(complaint_id=complaint.id, recipient_kind=RecipientKind.COMPANY)
    accepted = (await gql.data(query, ref=complaint.reference))["complaint"]["sentAt"]
    assert accepted == mail.sent_at.isoformat()
    await _deliver(services, await fill("dsn_bounce.eml", complaint))
    # The company never got it: the public no longer reads a time it was mailed.
    assert (await gql.data(query, ref=complaint.reference))["complaint"]["sentAt"] is None


async def test_a_second_report_for_a_failing_address_queues_nothing_more(services, complaint):
    await _deliver(services, await fill("dsn_bounce.eml", complaint))
    await _deliver(services, await fill("dsn_failed_gmail.eml", complaint))
    assert await ModerationItem.filter(company_id=complaint.company_id).count() == 1


@pytest.mark.parametrize("name", sorted(RECORDED_ONLY))
async def test_other_reports_are_recorded_and_change_nothing(
    name, services, complaint, worker, smtp_capture
):
    verdict = await _deliver(services, await fill(name, complaint))
    assert verdict.outcome == "BOUNCE" and verdict.smtp_reply.startswith("250")
    record = await InboundMail.get(outcome="BOUNCE")
    assert RECORDED_ONLY[name] in record.detail
    assert record.complaint_id == complaint.id and record.raw_message
    assert (await CompanyAddress.get(email=COMPANY)).failing is False
    assert await ModerationItem.all().count() == 0
    assert await Message.filter(complaint_id=complaint.id).count() == 0
    mail = await OutboxMail.get(complaint_id=complaint.id, recipient_kind=RecipientKind.COMPANY)
    assert mail.status is OutboxStatus.SENT
    await _next_complaint_is_mailed(services, complaint, worker, smtp_capture)


@pytest.mark.parametrize("name", sorted(FOR_REVIEW))
async def test_reports_we_cannot_act_on_go_to_moderators(name, services, complaint):
    async with services.events.subscribe(moderation_channel()) as moderators:
        verdict = await _deliver(services, await fill(name, complaint))
        event = event_from_json((await asyncio.wait_for(moderators.get(), 5)).message)
    assert verdict.outcome == "BOUNCE"
    assert (await CompanyAddress.get(email=COMPANY)).failing is False
    [item] = await ModerationItem.all()
    assert item.kind is ModerationItemKind.DELIVERY_REPORT
    assert FOR_REVIEW[name] in item.reason
    assert item.complaint_id == complaint.id and item.inbound_mail_id is not None
    assert event == ModerationItemAdded(str(item.id), str(complaint.id))
    assert await Message.filter(complaint_id=complaint.id).count() == 0


async def test_a_consumers_address_failing_marks_no_company_address(
    services, complaint, worker, smtp_capture
):
    moderator = await make_user(services, Role.MODERATOR)
    agent = await make_user(
        services, Role.AGENT, company=await complaint.company, email="sofie@telenova.be"
    )
    del moderator
    await messages.post(services, agent.viewer, complaint.id, "We storten het bedrag terug.")
    await flush(worker)
    relayed = await OutboxMail.get(complaint_id=complaint.id, recipient_kind=RecipientKind.CONSUMER)
    raw = await fill(
        "dsn_failed_consumer_postfix.eml",
        complaint,
        CONSUMER_ADDRESS=relayed.recipient,
        CONSUMER_REPLY_TO=relayed.envelope_sender,
        CONSUMER_MESSAGE_ID=relayed.rfc_message_id,
    )
    verdict = await _deliver(services, raw)
    assert verdict.outcome == "BOUNCE"
    await relayed.refresh_from_db()
    assert relayed.status is OutboxStatus.FAILED and "5.2.1" in relayed.last_error
    assert (await CompanyAddress.get(email=COMPANY)).failing is False
    assert await ModerationItem.all().count() == 0
    record = await InboundMail.get(outcome="BOUNCE")
    assert "consumer's address; recorded" in record.detail
    company_mail = await OutboxMail.get(
        complaint_id=complaint.id, recipient_kind=RecipientKind.COMPANY, kind="COMPLAINT"
    )
    assert company_mail.status is OutboxStatus.SENT


async def test_a_delayed_report_over_smtp_leaves_the_next_complaint_mailed(
    services, complaint, worker, smtp_capture, listener
):
    """The regression: a routine "delivery delayed" warning used to mark the address
    failing, and the company's later complaints were silently never mailed."""
    mail = await OutboxMail.get(complaint_id=complaint.id, recipient_kind=RecipientKind.COMPANY)
    for name in ("dsn_delayed_postfix.eml", "dsn_delayed_outlook.eml", "exim_delay_warning.eml"):
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=listener) as client:
            await client.mail("")  # the null reverse-path of RFC 5321 section 4.5.5
            await client.rcpt(mail.envelope_sender)
            await client.data(await fill(name, complaint))
    assert await InboundMail.filter(outcome="BOUNCE").count() == 3
    assert (await CompanyAddress.get(email=COMPANY)).failing is False
    await _next_complaint_is_mailed(services, complaint, worker, smtp_capture)
