"""The platform's own notices (statements of reasons, escalation news): queued in the outbox
like every mail, marked `Auto-Submitted: auto-generated` (RFC 3834 section 5).

A notice is not part of a complaint's thread: it has no reply token, no `[reference]` tag
and no complaint on its outbox row, so an answer to it is never posted into a thread; its
Reply-To is the platform's bare inbox address.
"""

from __future__ import annotations

import html
from datetime import datetime

from amicable.mail.outbound import addresses, compose, sent_words
from amicable.models import OutboxMail
from amicable.models.enums import Language
from amicable.models.mail import OutboxKind, RecipientKind
from amicable.settings import Settings

_FOOTER = {
    "nl": "Dit is een automatisch bericht van $platform.",
    "fr": "Ceci est un message automatique de $platform.",
    "en": "This is an automatic message from $platform.",
}


async def enqueue_notice(
    settings: Settings,
    *,
    recipient: str,
    recipient_kind: RecipientKind,
    language: Language,
    subject: str,
    body: str,
    now: datetime,
) -> OutboxMail:
    """Queue one notice; call inside the transaction that decided what it tells."""
    footer = _FOOTER.get(language.value, _FOOTER["en"]).replace("$platform", settings.platform_name)
    text = f"{body}\n\n-- \n{footer}\n"
    html_body = (
        f'<!DOCTYPE html>\n<html lang="{language.value}"><body>\n'
        f"<p>{html.escape(body).replace(chr(10), '<br>' + chr(10))}</p>\n"
        f"<p><small>{html.escape(footer)}</small></p>\n</body></html>\n"
    )
    return await queue_rendered_notice(
        settings,
        recipient=recipient,
        recipient_kind=recipient_kind,
        language=language,
        subject=subject,
        text=text,
        html_body=html_body,
        now=now,
    )


async def queue_rendered_notice(
    settings: Settings,
    *,
    recipient: str,
    recipient_kind: RecipientKind,
    language: Language,
    subject: str,
    text: str,
    html_body: str,
    now: datetime,
) -> OutboxMail:
    """A notice whose text and HTML are already written (here, or by the nudges): one
    outbox row, Reply-To the platform's bare inbox, `Auto-Submitted: auto-generated`."""
    envelope = compose.Envelope(
        to=recipient,
        reply_to=settings.from_address,
        message_id=addresses.new_message_id(settings),
        subject=subject,
        auto_submitted=True,
    )
    rendered = compose.build_message(
        settings, envelope, text=text, html_body=html_body, language=language, now=now
    )
    return await OutboxMail.create(
        kind=OutboxKind.NOTICE,
        complaint_id=None,
        recipient=recipient,
        recipient_kind=recipient_kind,
        rfc_message_id=envelope.message_id,
        reply_token="",
        envelope_sender=settings.from_address,
        content=rendered.as_string(),
        sent_words=sent_words.of_mail(settings, text, html_body),
        next_attempt_at=now,
        created_at=now,
    )
