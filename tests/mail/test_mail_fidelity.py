"""Classification never swallows a genuine reply, client artefacts are removed, and a mail
that cannot be processed as it is is accepted and queued, through every door."""

from __future__ import annotations

import asyncio
import io

import aiosmtplib
import pytest

from amicable.mail.inbound.pipe import deliver_from_pipe
from amicable.mail.inbound.pipeline import receive
from amicable.models import InboundMail, Message, ModerationItem
from amicable.models.enums import ModerationState, Role
from amicable.models.mail import InboundDoor, ModerationItemKind
from tests.factories import make_company, make_complaint, make_user
from tests.mail.conftest import company_mail, fill, flush


@pytest.fixture
async def complaint(services, worker):
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services, email="jan.desmet@example.org")
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    made = await make_complaint(services, consumer, company)
    await flush(worker)
    return made


REPLIES = {
    "reply_subject_absence_fr.eml": (
        "Bonjour,\n\nLe remboursement de 25 euros a été effectué ce matin sur votre compte."
        "\n\nCordialement,\nSophie"
    ),
    "reply_subject_afwezigheid_nl.eml": (
        "Goedemorgen,\n\nDe nieuwe modem wordt morgen geleverd; de koerier belt u een uur "
        "vooraf.\n\nMet vriendelijke groet,\nSofie"
    ),
    "reply_subject_absence_colon_fr.eml": (
        "Bonjour,\n\nVous signalez l'absence de connexion chaque soir depuis trois semaines. "
        "Nos techniciens ont trouvé un\ndéfaut sur la carte de ligne de votre armoire de rue "
        "et l'ont remplacée ce matin. Nous suivrons votre\nligne pendant deux semaines.\n\n"
        "Cordialement,\nSophie"
    ),
    "outlook_cid_flowed_nl.eml": (
        "Goedemiddag,\n\nWij hebben uw modem op afstand opnieuw ingesteld en de verbinding een "
        "week lang gevolgd. Er zijn geen onderbrekingen meer gezien. Voor vragen kunt u terecht "
        "bij klantendienst@telenova.be.\n\nSofie Peeters\nKlantendienst Telenova"
    ),
}


@pytest.mark.parametrize("name", sorted(REPLIES))
async def test_genuine_reply_is_posted(name, services, complaint):
    verdict = await receive(services, await fill(name, complaint), door=InboundDoor.SMTP)
    assert verdict.outcome == "POSTED", verdict
    [message] = await Message.filter(complaint_id=complaint.id)
    assert message.body == REPLIES[name]
    assert message.moderation_state is ModerationState.PUBLISHED


async def _via_smtp(port: int, raw: bytes, recipient: str) -> str:
    """Sends through the real listener; a 4xx or 5xx reply raises."""
    async with asyncio.timeout(10):
        errors, reply = await aiosmtplib.send(
            raw,
            sender="sofie.peeters@telenova.be",
            recipients=[recipient],
            hostname="127.0.0.1",
            port=port,
            start_tls=False,
            timeout=5,
        )
    assert not errors
    return reply


async def _check_posted_after_fallback(complaint, expected: str) -> None:
    [message] = await Message.filter(complaint_id=complaint.id)
    assert message.body == expected
    record = await InboundMail.get(complaint_id=complaint.id)
    assert record.raw_message and record.outcome == "POSTED"


@pytest.mark.parametrize("door", ["smtp", "pipe", "http"])
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "bogus_charset_nl.eml",
            "Goedendag, wij storten € 25 terug. Onze excuses voor het ongemak.",
        ),
        ("nul_bytes_nl.eml", "Goedendag, de storing is verholpen."),
    ],
)
async def test_unreadable_charset_and_nul_are_accepted_at_every_door(
    door, name, expected, services, complaint, listener, client
):
    raw = await fill(name, complaint, NUL="\x00")
    recipient = (await company_mail(complaint)).envelope_sender
    if door == "smtp":
        assert (await _via_smtp(listener, raw, recipient)).startswith("2.0.0 OK")
    elif door == "pipe":
        assert await deliver_from_pipe(services, io.BytesIO(raw), recipients=[recipient]) == 0
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
    await _check_posted_after_fallback(complaint, expected)


@pytest.mark.parametrize("door", ["smtp", "pipe", "http"])
async def test_a_mail_that_breaks_the_pipeline_is_accepted_and_queued(
    door, services, complaint, listener, client, monkeypatch
):
    from amicable.mail.inbound import trim

    def broken(message):
        raise ValueError("a bug in trimming")

    monkeypatch.setattr(trim, "body_text", broken)
    raw = await fill("gmail_nl.eml", complaint)
    recipient = (await company_mail(complaint)).envelope_sender
    if door == "smtp":
        assert (await _via_smtp(listener, raw, recipient)).startswith("2.0.0 OK")
    elif door == "pipe":
        assert await deliver_from_pipe(services, io.BytesIO(raw), recipients=[recipient]) == 0
    else:
        response = await client.post(
            "/inbound/email",
            content=raw,
            headers={
                "Content-Type": "message/rfc822",
                "Authorization": "Bearer test-inbound-secret",
            },
        )
        assert response.status_code == 200 and response.json() == {"outcome": "UNPROCESSABLE"}
    record = await InboundMail.get()
    assert record.raw_message == raw and record.outcome == "UNPROCESSABLE"
    assert record.dedupe_key  # a redelivery is a duplicate, not a second item
    [item] = await ModerationItem.filter(inbound_mail_id=record.id)
    assert item.kind is ModerationItemKind.UNPROCESSABLE_MAIL
    assert item.complaint_id == complaint.id
    assert await Message.filter(complaint_id=complaint.id).count() == 0


async def test_a_database_outage_is_still_a_temporary_refusal(services, complaint, monkeypatch):
    from tortoise.exceptions import DBConnectionError

    from amicable.mail.inbound import pipeline

    async def down(*args, **kwargs):
        raise DBConnectionError("connection refused")

    monkeypatch.setattr(pipeline, "find_route", down)
    verdict = await receive(services, await fill("gmail_nl.eml", complaint), door=InboundDoor.PIPE)
    assert verdict.outcome == "TEMPORARY_FAILURE" and verdict.exit_code == 75
    assert verdict.smtp_reply.startswith("451")
    assert await ModerationItem.filter(kind=ModerationItemKind.UNPROCESSABLE_MAIL).count() == 0


async def test_an_out_of_office_with_only_its_subject_form_is_kept_not_posted(services, complaint):
    raw = await fill("out_of_office_weak_subject_nl.eml", complaint)
    verdict = await receive(services, raw, door=InboundDoor.SMTP)
    assert verdict.outcome == "AUTO_REPLY"
    assert await Message.filter(complaint_id=complaint.id).count() == 0


async def test_exchange_suppress_header_alone_does_not_swallow_a_threaded_reply(
    services, complaint
):
    raw = (await fill("gmail_en.eml", complaint)).replace(
        b"\r\nSubject:", b"\r\nX-Auto-Response-Suppress: All\r\nSubject:", 1
    )
    verdict = await receive(services, raw, door=InboundDoor.SMTP)
    assert verdict.outcome == "POSTED"


async def test_exchange_suppress_header_on_an_unthreaded_mail_is_an_auto_reply(services, complaint):
    raw = (
        "From: Sofie <sofie.peeters@telenova.be>\r\nTo: klachten@amicable.test\r\n"
        f"Subject: [{complaint.reference}] {complaint.title}\r\n"
        "X-Auto-Response-Suppress: All\r\nMessage-ID: <xars-1@telenova.be>\r\n\r\n"
        "Ik ben er niet tot maandag, maar ik lees uw bericht daarna zeker.\r\n"
    ).encode()
    verdict = await receive(services, raw, door=InboundDoor.SMTP)
    assert verdict.outcome == "AUTO_REPLY"


async def test_a_helpdesk_tag_before_ours_in_a_changed_subject_still_routes(services, complaint):
    raw = (
        "From: Sofie Peeters <sofie.peeters@telenova.be>\r\nTo: klachten@amicable.test\r\n"
        f"Subject: [JS-48213] Ticket update: [{complaint.reference}] iets anders\r\n"
        "Message-ID: <tag-order-1@telenova.be>\r\n\r\nDe storing is verholpen.\r\n"
    ).encode()
    verdict = await receive(services, raw, door=InboundDoor.SMTP)
    assert verdict.outcome == "POSTED"
    [message] = await Message.filter(complaint_id=complaint.id)
    assert message.body == "De storing is verholpen."
