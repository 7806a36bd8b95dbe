"""A company writes to the moderators' address to correct its data: the mail becomes a
correction request on the queue, from the company's own addresses only."""

from __future__ import annotations

import aiosmtplib

from amicable.mail.inbound.pipeline import receive
from amicable.models import CorrectionRequest, InboundMail, ModerationItem
from amicable.models.enums import Role
from amicable.models.mail import InboundDoor
from amicable.models.moderation import CorrectionStatus, ModerationDecision, ModerationItemKind
from amicable.resolvers import moderation
from tests.factories import make_company, make_user
from tests.mail.conftest import EMAILS

FIXTURE = "correction_request_outlook_nl.eml"
EXPECTED_TEXT = (
    "Beste moderatoren,\n\nOns klachtenadres is gewijzigd: gelieve voortaan "
    "klantendienst@telenova.be te gebruiken in plaats van klachten@telenova.be.\n\n"
    "Met vriendelijke groeten,\n\nSofie Peeters\nKlantendienst Telenova"
)


def _mail(sender: str) -> bytes:
    raw = (EMAILS / FIXTURE).read_bytes().replace(b"{{FROM}}", sender.encode())
    # Each sender's mail is its own message (a repeated Message-ID is a redelivery).
    return raw.replace(b"C0RRECT10N1@", sender.split("@")[0].encode() + b"@", 1)


async def test_mail_from_a_company_domain_becomes_a_correction_request(services):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    verdict = await receive(services, _mail("sofie.peeters@telenova.be"), door=InboundDoor.SMTP)
    assert (verdict.outcome, verdict.smtp_reply) == (
        "CORRECTION_REQUEST",
        "250 2.0.0 OK: correction_request",
    )
    [request] = await CorrectionRequest.all()
    assert request.company_id == company.id
    assert request.requested_by_id is None
    assert request.comment == (
        "By mail from sofie.peeters@telenova.be: Correctie bedrijfsgegevens Telenova\n\n"
        + EXPECTED_TEXT
    )
    [item] = await ModerationItem.all()
    assert item.kind is ModerationItemKind.CORRECTION_REQUEST
    assert item.reason == "Telenova asks by mail (sofie.peeters@telenova.be) to correct its data."
    assert (await InboundMail.get(id=item.inbound_mail_id)).outcome == "CORRECTION_REQUEST"

    # The moderator makes the change with companyUpdate; accepting records it was handled.
    await moderation.decide(
        services, moderator.viewer, item.id, ModerationDecision.APPROVE, "Adres aangepast."
    )
    await request.refresh_from_db()
    assert request.status is CorrectionStatus.ACCEPTED


async def test_mail_to_the_moderators_from_anyone_else_is_refused(services):
    moderator = await make_user(services, Role.MODERATOR)
    await make_company(moderator.viewer, email="klachten@telenova.be")
    for stranger in ("sofie.peeters@gmail.com", "info@telenova-klachten.example"):
        verdict = await receive(services, _mail(stranger), door=InboundDoor.SMTP)
        assert verdict.outcome == "UNKNOWN_COMPANY"
        assert verdict.smtp_reply.startswith("550 5.7.1")
        assert verdict.exit_code == 65
    assert await CorrectionRequest.all().count() == 0
    assert await ModerationItem.all().count() == 0


async def test_the_listener_accepts_the_moderators_address(services, listener):
    moderator = await make_user(services, Role.MODERATOR)
    await make_company(moderator.viewer, email="klachten@telenova.be")
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=listener, timeout=5, start_tls=False)
    async with client:
        errors, reply = await client.sendmail(
            "sofie.peeters@telenova.be",
            ["moderators@reply.amicable.test"],
            _mail("sofie.peeters@telenova.be"),
        )
    assert errors == {}
    assert reply == "2.0.0 OK: correction_request"
    assert await CorrectionRequest.all().count() == 1
