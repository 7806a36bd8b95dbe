"""Mail the fuzzer broke the pipeline with, kept as named fixtures."""

from __future__ import annotations

from amicable.mail.inbound.pipeline import receive
from amicable.models import InboundMail
from amicable.models.enums import Role
from amicable.models.mail import InboundDoor
from tests.factories import make_company, make_complaint, make_user
from tests.mail.conftest import fill


async def test_an_empty_nested_multipart_is_malformed_not_a_crash(services):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    await make_user(services, Role.AGENT, company=company, email="sofie@telenova.be")
    complaint = await make_complaint(services, await make_user(services), company)
    raw = await fill("empty_nested_multipart.eml", complaint)
    verdict = await receive(services, raw, door=InboundDoor.HTTP)
    # Was a 451 (the standard library's MIME walk raised AttributeError): retried forever.
    assert verdict.outcome == "MALFORMED" and verdict.smtp_reply.startswith("5")
    stored = InboundMail.filter(rfc_message_id="<empty-nested-multipart@mailer.example>")
    assert await stored.exists()


async def test_an_unknown_charset_is_read_as_utf8_not_retried_for_ever(services):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    await make_user(services, Role.AGENT, company=company, email="sofie@telenova.be")
    complaint = await make_complaint(services, await make_user(services), company)
    raw = await fill("unknown_charset.eml", complaint)
    verdict = await receive(services, raw, door=InboundDoor.HTTP)
    # Was a 451 (LookupError: unknown encoding) that the sender would retry for ever.
    assert verdict.outcome != "TEMPORARY_FAILURE", verdict
    assert verdict.accepted
