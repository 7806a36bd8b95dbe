"""The core loop end to end: a complaint filed through GraphQL reaches a real SMTP server;
the company's reply comes back through each of the three doors, lands in the thread as
exactly its new text, answers the complaint, and is mailed on to the consumer."""

from __future__ import annotations

import asyncio
import io

import aiosmtplib
import pytest

from amicable.mail.inbound.pipe import deliver_from_pipe
from amicable.models import Complaint, InboundMail, Message
from amicable.models.enums import ComplaintStatus, Role
from tests.conftest import GraphQLClient
from tests.factories import gid, make_company, make_user
from tests.mail.conftest import fill, flush

CREATE = """
mutation($input: ComplaintCreateInput!) {
  complaintCreate(input: $input) { complaint { id reference } errors { code message } }
}"""

GMAIL_NL_TEXT = (
    "Beste klant,\n\nOnze technicus komt donderdag langs om de modem te vervangen.\n\n"
    "Met vriendelijke groet,\nSofie"
)


async def _file_complaint(services, gql):
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services, email="jan.desmet@example.org")
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    me = GraphQLClient(gql.http, consumer.token)
    data = await me.data(
        CREATE,
        input={
            "companyId": gid("Company", company.id),
            "title": "Internet valt elke avond weg",
            "description": "Sinds drie weken valt mijn internetverbinding elke avond weg.",
            "visibility": "PUBLIC",
            "privateDetails": {"phone": "0470 12 34 56", "customerReference": "KL-778899"},
        },
    )
    assert data["complaintCreate"]["errors"] == []
    return await Complaint.get(reference=data["complaintCreate"]["complaint"]["reference"])


async def test_complaint_mail_reaches_the_company(services, gql, worker, smtp_capture):
    complaint = await _file_complaint(services, gql)
    await flush(worker)
    [mail] = smtp_capture.received
    message = mail.message
    assert mail.recipients == ["klachten@telenova.be"]
    assert (
        message["From"] == '"Klachtenplatform" <klachten@amicable.test>'
        or message["From"] == "Klachtenplatform <klachten@amicable.test>"
    )
    assert message["Subject"] == f"[{complaint.reference}] Internet valt elke avond weg"
    reply_to = str(message["Reply-To"])
    assert reply_to.startswith("reply+") and reply_to.endswith("@reply.amicable.test")
    assert mail.sender == reply_to
    assert str(message["Message-ID"]).endswith("@reply.amicable.test>")
    assert message["Auto-Submitted"] is None  # a person's words: the helpdesk opens a ticket
    assert message["In-Reply-To"] is None
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Jan De Smet heeft via Klachtenplatform een klacht over Telenova ingediend." in text
    assert "Telefoon: 0470 12 34 56" in text and "KL-778899" in text
    assert "Laat persoonsgegevens" in text  # the public complaint's warning
    assert f"http://testserver/complaints/{complaint.reference}" in text
    assert f'href="http://testserver/complaints/{complaint.reference}"' in html


@pytest.mark.parametrize("door", ["smtp", "pipe", "http"])
async def test_company_reply_through_each_door(
    door, services, gql, client, worker, smtp_capture, listener
):
    complaint = await _file_complaint(services, gql)
    await flush(worker)
    raw = await fill("gmail_nl.eml", complaint)
    reply_to = str(smtp_capture.received[0].message["Reply-To"])
    if door == "smtp":
        async with asyncio.timeout(10):
            await aiosmtplib.send(
                raw,
                sender="sofie.peeters@telenova.be",
                recipients=[reply_to],
                hostname="127.0.0.1",
                port=listener,
                start_tls=False,
                timeout=5,
            )
    elif door == "pipe":
        code = await deliver_from_pipe(
            services, io.BytesIO(raw), sender="sofie.peeters@telenova.be", recipients=[reply_to]
        )
        assert code == 0
    else:
        response = await client.post(
            "/inbound/email",
            content=raw,
            headers={
                "Content-Type": "message/rfc822",
                "Authorization": "Bearer test-inbound-secret",
            },
        )
        assert response.status_code == 200, response.text
        assert response.json() == {"outcome": "POSTED"}
    [message] = await Message.filter(complaint_id=complaint.id)
    assert message.body == GMAIL_NL_TEXT
    assert message.author_kind.value == "COMPANY" and message.channel.value == "EMAIL"
    assert message.sender_email == "sofie.peeters@telenova.be"
    await complaint.refresh_from_db()
    assert complaint.status is ComplaintStatus.ANSWERED
    assert complaint.first_company_reply_at is not None
    record = await InboundMail.get(complaint_id=complaint.id)
    assert record.outcome == "POSTED" and record.door.value == door.upper()

    await flush(worker)
    forwarded = smtp_capture.received[1]
    assert forwarded.recipients == ["jan.desmet@example.org"]
    body = forwarded.message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert "Telenova heeft geantwoord op uw klacht:" in body
    assert GMAIL_NL_TEXT in body
    first_id = str(smtp_capture.received[0].message["Message-ID"])
    assert str(forwarded.message["Subject"]) == f"[{complaint.reference}] {complaint.title}"
    assert forwarded.message["Auto-Submitted"] is None
    assert str(forwarded.message["Reply-To"]) != reply_to  # the consumer's own token
    assert first_id not in str(forwarded.message.get("References", ""))

    # The consumer answers by mail too; their answer goes to the company, threaded.
    consumer_reply = (
        f"From: Jan De Smet <jan.desmet@example.org>\r\nTo: {forwarded.message['Reply-To']}\r\n"
        f"Subject: Re: [{complaint.reference}] {complaint.title}\r\n"
        f"Message-ID: <consumer-1@example.org>\r\n"
        f"In-Reply-To: {forwarded.message['Message-ID']}\r\n\r\n"
        "Dank u, donderdag past.\r\n\r\n> Telenova heeft geantwoord\r\n"
    ).encode()
    code = await deliver_from_pipe(services, io.BytesIO(consumer_reply))
    assert code == 0
    await flush(worker)
    to_company = smtp_capture.received[2]
    assert to_company.recipients == ["klachten@telenova.be"]
    assert (
        "Dank u, donderdag past."
        in to_company.message.get_body(preferencelist=("plain",)).get_content()
    )
    assert str(to_company.message["In-Reply-To"]) == first_id
