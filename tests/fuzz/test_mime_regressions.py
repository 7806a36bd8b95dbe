"""Mail the fuzzer broke the pipeline with, kept as named fixtures."""

from __future__ import annotations

from amicable.mail.inbound.pipeline import receive
from amicable.models import InboundMail, ModerationItem
from amicable.models.enums import Role
from amicable.models.mail import InboundDoor
from amicable.models.moderation import ModerationItemKind
from tests.factories import make_company, make_complaint, make_user
from tests.mail.conftest import fill


async def test_an_empty_nested_multipart_is_held_as_unprocessable_not_retried(services):
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer, email="klachten@telenova.be")
    await make_user(services, Role.AGENT, company=company, email="sofie@telenova.be")
    complaint = await make_complaint(services, await make_user(services), company)
    raw = await fill("empty_nested_multipart.eml", complaint)
    verdict = await receive(services, raw, door=InboundDoor.HTTP)
    # Was a 451 (the standard library's MIME walk raised AttributeError): retried forever.
    # A mail that cannot be processed as it is is accepted, kept, and queued for moderators.
    assert verdict.accepted and verdict.outcome != "TEMPORARY_FAILURE", verdict
    stored = await InboundMail.get(rfc_message_id="<empty-nested-multipart@mailer.example>")
    assert await ModerationItem.exists(
        inbound_mail_id=stored.id, kind=ModerationItemKind.UNPROCESSABLE_MAIL
    )


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
