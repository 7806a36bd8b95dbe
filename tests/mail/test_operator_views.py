"""The operator views: failed outbound and unprocessable inbound mail with their retries,
and the audit log, for moderators only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from amicable.mail.inbound.pipeline import receive
from amicable.mail.outbound import addresses
from amicable.models import CompanyAddress, InboundMail, Message, OutboxMail
from amicable.models.enums import Role
from amicable.models.mail import InboundDoor, OutboxStatus
from amicable.resolvers import accounts, companies
from tests.conftest import GraphQLClient
from tests.factories import gid, make_company, make_complaint, make_user
from tests.mail.conftest import fill, flush

FAILED = """{ failedOutboundMail { totalCount nodes { id recipient status attempts lastError
  complaintId } } }"""
UNPROCESSABLE = """{ unprocessableInboundMail { totalCount nodes { id door outcome detail
  sender subject } } }"""
RETRY_OUT = """mutation($id: ID!) { outboundMailRetry(mailId: $id) {
  mail { id recipient status attempts lastError } errors { code field } } }"""
RETRY_IN = """mutation($id: ID!) { inboundMailRetry(mailId: $id) {
  outcome mail { id outcome } errors { code field } } }"""
AUDIT = """query($filter: AuditFilter) { auditLog(filter: $filter) { totalCount
  nodes { action actorKind actorId targetType targetId } } }"""


async def _world(services):
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services)
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    agent = await make_user(services, Role.AGENT, company=company)
    lawyer = await make_user(services, Role.LAWYER)
    complaint = await make_complaint(services, consumer, company)
    return moderator, consumer, agent, lawyer, company, complaint


async def _fail_the_complaint_mail(settings, worker, smtp_capture) -> OutboxMail:
    settings.outbox_max_attempts = 1
    await smtp_capture.stop()
    await worker.run_once()
    mail = await OutboxMail.get()
    assert mail.status is OutboxStatus.FAILED
    return mail


async def test_a_failed_mail_is_retried_to_the_corrected_address(
    services, settings, worker, smtp_capture, gql: GraphQLClient
):
    moderator, _, _, _, company, complaint = await _world(services)
    mail = await _fail_the_complaint_mail(settings, worker, smtp_capture)
    gql.token = moderator.token

    listed = (await gql.data(FAILED))["failedOutboundMail"]
    assert listed["totalCount"] == 1
    [node] = listed["nodes"]
    assert node["recipient"] == "klachten@telenova.be"
    assert node["status"] == "FAILED" and node["attempts"] == 1
    assert "Error" in node["lastError"]
    assert node["complaintId"] == gid("Complaint", complaint.id)

    # The address bounced; a moderator corrects the company's address, then retries.
    await CompanyAddress.filter(company_id=company.id).update(failing=True)
    no_address = (await gql.data(RETRY_OUT, id=node["id"]))["outboundMailRetry"]
    assert no_address["errors"] == [{"code": "INVALID_STATE", "field": "mailId"}]
    await companies.update(
        moderator.viewer,
        company.id,
        companies.CompanyChanges(addresses=["klantendienst@telenova.be"]),
    )
    retried = (await gql.data(RETRY_OUT, id=node["id"]))["outboundMailRetry"]
    assert retried["errors"] == []
    assert retried["mail"] == {
        "id": node["id"],
        "recipient": "klantendienst@telenova.be",
        "status": "PENDING",
        "attempts": 0,
        "lastError": "",
    }
    assert (await gql.data(FAILED))["failedOutboundMail"]["totalCount"] == 0

    await smtp_capture.start()
    await flush(worker)
    [sent] = smtp_capture.received
    assert sent.recipients == ["klantendienst@telenova.be"]
    assert sent.message["To"] == "klantendienst@telenova.be"
    token = addresses.reply_token(settings, complaint.id, "klantendienst@telenova.be")
    # Replies from the new address are recognised as the company's (not held).
    assert sent.message["Reply-To"] == addresses.reply_address(settings, token)
    assert sent.sender == addresses.reply_address(settings, token)
    stored = await OutboxMail.get(id=mail.id)
    assert stored.status is OutboxStatus.SENT and stored.reply_token == token

    again = (await gql.data(RETRY_OUT, id=node["id"]))["outboundMailRetry"]
    assert again["errors"] == [{"code": "INVALID_STATE", "field": "mailId"}]
    unknown = await gql.data(RETRY_OUT, id=gid("OutboundMail", complaint.id))
    assert unknown["outboundMailRetry"]["errors"] == [{"code": "NOT_FOUND", "field": "mailId"}]
    malformed = await gql.data(RETRY_OUT, id="garbage")
    assert malformed["outboundMailRetry"]["errors"] == [{"code": "NOT_FOUND", "field": "mailId"}]


async def test_a_retry_keeps_a_working_address(
    services, settings, worker, smtp_capture, gql: GraphQLClient
):
    moderator, *_ = await _world(services)
    mail = await _fail_the_complaint_mail(settings, worker, smtp_capture)
    gql.token = moderator.token
    retried = await gql.data(RETRY_OUT, id=gid("OutboundMail", mail.id))
    assert retried["outboundMailRetry"]["mail"]["recipient"] == "klachten@telenova.be"
    await smtp_capture.start()
    await flush(worker)
    assert [c.recipients for c in smtp_capture.received] == [["klachten@telenova.be"]]


async def test_unprocessable_inbound_mail_is_listed_and_processed_again(
    services, settings, worker, gql: GraphQLClient
):
    moderator, _, _, _, _, complaint = await _world(services)
    await flush(worker)
    reply = await fill("gmail_nl.eml", complaint)
    mail = await OutboxMail.get(complaint_id=complaint.id)
    # What an outage mid-pipeline leaves: the raw kept, the Message-ID freed for a retry.
    outage = await InboundMail.create(
        door=InboundDoor.SMTP,
        dedupe_key=None,
        rfc_message_id="<CAH7x9kQ2mZp0bT5nL3rW8yVxGmail-nl@mail.gmail.com>",
        envelope_sender="sofie.peeters@telenova.be",
        envelope_recipients=[mail.envelope_sender],
        sender="sofie.peeters@telenova.be",
        subject="Re: outage",
        raw_message=reply,
        size=len(reply),
        outcome="TEMPORARY_FAILURE",
        detail="ConnectionError: the database went away",
        received_at=services.now() - timedelta(minutes=5),
    )
    # And one no thread matches, through the real pipeline.
    stray = reply.replace(mail.rfc_message_id.encode(), b"<unknown@elsewhere.example>")
    stray = stray.replace(mail.envelope_sender.encode(), b"someone@reply.amicable.test")
    stray = stray.replace(b"Message-ID: <CAH7", b"Message-ID: <stray-CAH7")
    stray = stray.replace(complaint.reference.encode(), b"no reference")
    verdict = await receive(services, stray, door=InboundDoor.HTTP)
    assert verdict.outcome == "UNROUTABLE"

    gql.token = moderator.token
    listed = (await gql.data(UNPROCESSABLE))["unprocessableInboundMail"]
    assert listed["totalCount"] == 2
    newest, oldest = listed["nodes"]
    assert newest["outcome"] == "UNROUTABLE" and newest["door"] == "HTTP"
    assert oldest == {
        "id": gid("InboundMail", outage.id),
        "door": "SMTP",
        "outcome": "TEMPORARY_FAILURE",
        "detail": "ConnectionError: the database went away",
        "sender": "sofie.peeters@telenova.be",
        "subject": "Re: outage",
    }

    retried = (await gql.data(RETRY_IN, id=oldest["id"]))["inboundMailRetry"]
    assert retried["errors"] == []
    assert retried["outcome"] in ("POSTED", "HELD")
    assert retried["mail"]["outcome"] == retried["outcome"]
    assert retried["mail"]["id"] != oldest["id"]
    assert await Message.filter(complaint_id=complaint.id, body__contains="technicus").exists()
    assert (await InboundMail.get(id=outage.id)).outcome == "RETRIED"

    # Still unroutable: a new record says so, the old one leaves the list.
    stays = (await gql.data(RETRY_IN, id=newest["id"]))["inboundMailRetry"]
    assert stays["outcome"] == "UNROUTABLE"
    after = (await gql.data(UNPROCESSABLE))["unprocessableInboundMail"]
    assert [n["id"] for n in after["nodes"]] == [stays["mail"]["id"]]

    done = (await gql.data(RETRY_IN, id=oldest["id"]))["inboundMailRetry"]
    assert done["errors"] == [{"code": "INVALID_STATE", "field": "mailId"}]


async def test_the_audit_log_filters(services, gql: GraphQLClient):
    moderator, consumer, _, _, company, complaint = await _world(services)
    other = await make_company(moderator.viewer, name="Elders")
    gql.token = moderator.token

    everything = (await gql.data(AUDIT))["auditLog"]
    actions = [n["action"] for n in everything["nodes"]]
    assert actions[:2] == ["company.create", "complaint.create"]  # newest first
    assert set(actions) >= {"company.create", "complaint.create"}

    by_actor = (await gql.data(AUDIT, filter={"actor": gid("User", consumer.user.id)}))["auditLog"]
    assert [(n["action"], n["actorKind"]) for n in by_actor["nodes"]] == [
        ("complaint.create", "consumer")
    ]
    assert by_actor["nodes"][0]["actorId"] == gid("User", consumer.user.id)
    assert by_actor["nodes"][0]["targetId"] == str(complaint.id)

    by_company = await gql.data(AUDIT, filter={"company": gid("Company", company.id)})
    assert sorted(n["action"] for n in by_company["auditLog"]["nodes"]) == [
        "company.create",
        "complaint.create",
    ]
    by_other = await gql.data(AUDIT, filter={"company": gid("Company", other.id)})
    assert [n["action"] for n in by_other["auditLog"]["nodes"]] == ["company.create"]

    by_action = await gql.data(AUDIT, filter={"action": ["company.create"]})
    assert by_action["auditLog"]["totalCount"] == 2
    now = datetime.now(UTC)
    future = await gql.data(AUDIT, filter={"since": (now + timedelta(days=1)).isoformat()})
    assert future["auditLog"]["totalCount"] == 0
    past = await gql.data(AUDIT, filter={"until": (now - timedelta(days=1)).isoformat()})
    assert past["auditLog"]["totalCount"] == 0
    window = await gql.data(
        AUDIT,
        filter={
            "since": (now - timedelta(hours=1)).isoformat(),
            "until": (now + timedelta(hours=1)).isoformat(),
        },
    )
    assert window["auditLog"]["totalCount"] == everything["totalCount"]
    unknown = await gql.data(AUDIT, filter={"actor": "garbage", "company": "garbage"})
    assert unknown["auditLog"]["totalCount"] == 0


@pytest.mark.parametrize("role", ["anonymous", "consumer", "agent", "lawyer", "partner"])
async def test_nobody_but_moderators_sees_or_retries(
    services, settings, worker, smtp_capture, gql: GraphQLClient, role: str
):
    moderator, consumer, agent, lawyer, _, _ = await _world(services)
    mail = await _fail_the_complaint_mail(settings, worker, smtp_capture)
    tokens = {"anonymous": None, "consumer": consumer.token, "agent": agent.token}
    tokens["lawyer"] = lawyer.token
    tokens["partner"] = (await accounts.create_api_key(moderator.viewer, partner_name="P"))[1]
    gql.token = tokens[role]
    code = "UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"
    for query, variables in [
        (FAILED, {}),
        (UNPROCESSABLE, {}),
        (AUDIT, {}),
        (RETRY_OUT, {"id": gid("OutboundMail", mail.id)}),
        (RETRY_IN, {"id": gid("InboundMail", mail.id)}),
    ]:
        result = await gql.execute(query, **variables)
        assert result["data"] is None, (role, query)
        assert [e["extensions"]["code"] for e in result["errors"]] == [code]
    assert (await OutboxMail.get(id=mail.id)).status is OutboxStatus.FAILED


def test_unprocessable_outcomes_are_the_pipelines_own_names():
    from amicable.mail.inbound import errors as e
    from amicable.resolvers.operations import UNPROCESSABLE_OUTCOMES

    assert (
        e.TemporaryFailure.outcome,
        e.MalformedMessage.outcome,
        e.Unroutable.outcome,
        e.ThreadClosed.outcome,
    ) == UNPROCESSABLE_OUTCOMES
