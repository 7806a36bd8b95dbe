"""Every .eml fixture through the whole pipeline: the exact stored text and the outcome."""

from __future__ import annotations

import pytest

from amicable.mail.inbound.pipeline import receive
from amicable.models import Attachment, CompanyAddress, InboundMail, Message, ModerationItem
from amicable.models.enums import ComplaintStatus, ModerationState, Role
from amicable.models.mail import InboundDoor
from amicable.models.moderation import ModerationItemKind
from tests.factories import make_company, make_complaint, make_user
from tests.mail.conftest import fill, flush

REPLIES = {
    "gmail_nl.eml": (
        "Beste klant,\n\nOnze technicus komt donderdag langs om de modem te vervangen.\n\n"
        "Met vriendelijke groet,\nSofie"
    ),
    "gmail_en.eml": "Hello,\n\nWe have credited your account with EUR 25.\n\nKind regards,\nSofie",
    "outlook_desktop_nl.eml": (
        "Goedemiddag,\n\nWij hebben uw abonnement nagekeken en storten het teveel betaalde "
        "bedrag terug.\n\nMet vriendelijke groeten,\n\nSofie Peeters\nKlantendienst Telenova"
    ),
    "outlook_web_fr.eml": (
        "Bonjour,\n\nNous avons bien reçu votre réclamation. Un remboursement de 25 € "
        "suivra.\n\nCordialement,\nSophie"
    ),
    "apple_mail_fr.eml": "Bonjour,\n\nLe technicien passera jeudi entre 8h et 12h.\n\n"
    "Bien à vous,\nSophie",
    "iphone_de.eml": "Guten Tag,\n\nwir erstatten Ihnen den Betrag bis Freitag.",
    "iphone_nl.eml": "Dag Jan, we bellen u morgen terug.",
    "html_only_en.eml": (
        "Dear customer,\n\nYour refund of €25 has been approved & will arrive within 5 days."
        "\n\nBest wishes,\nThe Telenova team"
    ),
    "changed_subject_nl.eml": "Goedendag, de storing is verholpen.",
    "colleague_same_domain.eml": (
        "Ik neem het dossier over van mijn collega. U krijgt een nieuwe modem."
    ),
}


@pytest.fixture
async def complaint(services, worker):
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services, email="jan.desmet@example.org")
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    made = await make_complaint(services, consumer, company)
    await flush(worker)
    return made


async def _deliver(services, raw, **kwargs):
    return await receive(services, raw, door=InboundDoor.SMTP, **kwargs)


@pytest.mark.parametrize("name", sorted(REPLIES))
async def test_reply_fixture_posts_exactly_the_new_text(name, services, complaint):
    verdict = await _deliver(services, await fill(name, complaint))
    assert verdict.outcome == "POSTED", verdict
    [message] = await Message.filter(complaint_id=complaint.id)
    assert message.body == REPLIES[name]
    assert message.moderation_state is ModerationState.PUBLISHED
    await complaint.refresh_from_db()
    assert complaint.status is ComplaintStatus.ANSWERED


@pytest.mark.parametrize(
    "name",
    [
        "out_of_office_nl.eml",
        "out_of_office_fr.eml",
        "out_of_office_en.eml",
        "out_of_office_de.eml",
    ],
)
async def test_out_of_office_is_kept_never_posted_never_counted(name, services, complaint):
    verdict = await _deliver(services, await fill(name, complaint))
    assert verdict.outcome == "AUTO_REPLY" and verdict.smtp_reply.startswith("250")
    assert await Message.filter(complaint_id=complaint.id).count() == 0
    record = await InboundMail.get(complaint_id=complaint.id)
    assert record.outcome == "AUTO_REPLY" and record.raw_message
    await complaint.refresh_from_db()
    assert complaint.status is ComplaintStatus.WAITING_FOR_COMPANY
    assert complaint.first_company_reply_at is None


async def test_stranger_is_held_for_moderators(services, complaint, worker, smtp_capture):
    verdict = await _deliver(services, await fill("stranger_spoofed.eml", complaint))
    assert verdict.outcome == "HELD"
    [message] = await Message.filter(complaint_id=complaint.id)
    assert message.moderation_state is ModerationState.PENDING
    assert message.body == "Wij betalen alles terug, stuur ons uw bankgegevens."
    [item] = await ModerationItem.filter(complaint_id=complaint.id)
    assert item.kind is ModerationItemKind.HELD_REPLY and item.message_id == message.id
    await complaint.refresh_from_db()
    assert complaint.status is ComplaintStatus.WAITING_FOR_COMPANY
    await flush(worker)
    assert len(smtp_capture.received) == 1  # nothing relayed to the consumer


async def test_dsn_bounce_marks_the_address_failing(services, complaint):
    verdict = await _deliver(services, await fill("dsn_bounce.eml", complaint), envelope_sender="")
    assert verdict.outcome == "BOUNCE"
    address = await CompanyAddress.get(email="klachten@telenova.be")
    assert address.failing is True
    [item] = await ModerationItem.filter(company_id=complaint.company_id)
    assert item.kind is ModerationItemKind.COMPANY_ADDRESS_FAILING
    assert "klachten@telenova.be" in item.reason
    assert await Message.filter(complaint_id=complaint.id).count() == 0


async def test_duplicate_delivery_is_acknowledged_once(services, complaint):
    raw = await fill("gmail_en.eml", complaint)
    first = await _deliver(services, raw)
    second = await _deliver(services, raw)
    assert (first.outcome, second.outcome) == ("POSTED", "DUPLICATE")
    assert second.smtp_reply.startswith("250")
    assert await Message.filter(complaint_id=complaint.id).count() == 1
    assert await InboundMail.all().count() == 1


async def test_attachments_kept_and_rejected_ones_listed(services, settings, complaint):
    verdict = await _deliver(services, await fill("with_attachments.eml", complaint))
    assert verdict.outcome == "POSTED"
    [message] = await Message.filter(complaint_id=complaint.id)
    assert message.body == "In bijlage de creditnota."
    kept, rejected = await Attachment.filter(message_id=message.id).order_by("filename")
    assert (kept.filename, kept.content_type, kept.rejected_reason) == (
        "creditnota.pdf",
        "application/pdf",
        "",
    )
    assert (settings.data_dir / kept.storage_key).read_bytes().startswith(b"%PDF-1.4")
    assert rejected.filename == "factuur.exe" and rejected.storage_key == ""
    assert rejected.rejected_reason == "type application/x-msdownload is not accepted"


async def test_malformed_message_is_stored_and_refused(services, complaint):
    raw = await fill("malformed.eml", complaint)
    verdict = await _deliver(services, raw)
    assert verdict.outcome == "MALFORMED" and verdict.smtp_reply.startswith("554")
    record = await InboundMail.get()
    assert record.outcome == "MALFORMED" and record.raw_message == raw


async def test_oversized_mail_is_refused_before_storing(services, settings, complaint):
    raw = await fill("gmail_en.eml", complaint) + b"x" * settings.inbound_max_bytes
    verdict = await _deliver(services, raw)
    assert verdict.outcome == "TOO_LARGE" and verdict.smtp_reply.startswith("552")
    assert await InboundMail.all().count() == 0


async def test_our_own_mail_coming_back_is_dropped(services, complaint, smtp_capture):
    raw = smtp_capture.received[0].message.as_bytes()
    verdict = await _deliver(services, raw)
    assert verdict.outcome == "LOOP"
    assert await Message.filter(complaint_id=complaint.id).count() == 0


async def test_mail_matching_no_thread_is_unroutable(services, complaint):
    raw = b"From: a@b.example\r\nTo: reply@reply.amicable.test\r\nSubject: hi\r\n\r\nhello\r\n"
    verdict = await _deliver(services, raw)
    assert verdict.outcome == "UNROUTABLE" and verdict.exit_code == 67


async def test_subject_tag_alone_routes(services, complaint):
    raw = (
        f"From: Sofie <sofie.peeters@telenova.be>\r\nTo: klachten@amicable.test\r\n"
        f"Subject: Antw: [{complaint.reference}] iets anders\r\nMessage-ID: <t@telenova.be>\r\n"
        "\r\nOpgelost.\r\n"
    ).encode()
    verdict = await _deliver(services, raw)
    assert verdict.outcome == "POSTED"
    [message] = await Message.filter(complaint_id=complaint.id)
    assert message.body == "Opgelost."


async def test_inbound_mail_is_rate_limited_per_sender(services, settings, complaint):
    settings.rate_limit_inbound_mail = 1
    first = await _deliver(services, await fill("gmail_en.eml", complaint))
    raw = await fill("gmail_nl.eml", complaint)
    second = await _deliver(services, raw)
    assert (first.outcome, second.outcome) == ("POSTED", "RATE_LIMITED")
    assert second.exit_code == 75 and second.smtp_reply.startswith("451")
    settings.rate_limit_inbound_mail = 60
    await services.rate_limiter.reset()
    third = await _deliver(services, raw)  # the retry is not taken for a duplicate
    assert third.outcome == "POSTED"
