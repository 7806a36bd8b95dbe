"""Composing the nudges' mail (docs/nudges.md), queued in the outbox in the caller's
transaction like every mail, and marked `Auto-Submitted: auto-generated`: they are the
platform's own notices.

A reminder is part of the complaint's thread: it goes to the company's complaint address
under the same reply token as the complaint, names our original Message-ID in
`In-Reply-To`/`References` and carries the `[reference]` tag, so a plain Reply is routed and
posted exactly like an answer to the complaint. The consumer's prompts and the agents'
digest are notices outside any thread (their Reply-To is the platform's address).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from string import Template

from amicable.mail.outbound import addresses, compose, notices, sent_words
from amicable.models import Complaint, OutboxMail
from amicable.models.enums import Language, Visibility
from amicable.models.mail import OutboxKind, RecipientKind
from amicable.settings import Settings


@cache
def _words_all() -> dict[str, dict[str, str]]:
    path = resources.files("amicable.mail.outbound").joinpath("templates/nudges.json")
    data: dict[str, dict[str, str]] = json.loads(path.read_text("utf-8"))
    return data


@cache
def _template(name: str) -> Template:
    path = resources.files("amicable.mail.outbound").joinpath(f"templates/{name}")
    return Template(path.read_text("utf-8"))


def words(language: Language) -> dict[str, str]:
    return _words_all().get(language.value, _words_all()["en"])


def say(language: Language, key: str, **values: object) -> str:
    return Template(words(language)[key]).safe_substitute({k: str(v) for k, v in values.items()})


def _footer(settings: Settings, language: Language) -> str:
    return say(language, "footer", platform=settings.platform_name)


# --- the reminder to the company ----------------------------------------------------------


@dataclass(frozen=True)
class ReminderContent:
    language: Language
    company_name: str
    recipient: str
    sent_at: datetime
    # Days left before the response deadline; 0 or less once it has passed.
    days_left: int
    deadline_days: int


async def enqueue_reminder(
    settings: Settings, complaint: Complaint, content: ReminderContent, now: datetime
) -> OutboxMail:
    token = addresses.reply_token(settings, complaint.id, content.recipient)
    reply_to = addresses.reply_address(settings, token)
    originals = OutboxMail.filter(complaint_id=complaint.id, kind=OutboxKind.COMPLAINT)
    original = (
        await originals.filter(recipient=content.recipient).order_by("created_at").first()
        or await originals.order_by("-created_at").first()
    )
    language = content.language
    base = compose.strings(language)
    days_left = (
        say(language, "reminder_days_left", days=content.days_left, deadline=content.deadline_days)
        if content.days_left > 0
        else say(language, "reminder_deadline_passed", deadline=content.deadline_days)
    )
    values = {
        "lang": language.value,
        "greeting": base["greeting"],
        "company": content.company_name,
        "intro": say(
            language,
            "reminder_intro",
            sent_date=content.sent_at.date().isoformat(),
            platform=settings.platform_name,
        ),
        "days_left": days_left,
        "l_reference": base["reference"],
        "reference": complaint.reference,
        "l_title": base["title"],
        "title": complaint.title,
        "how_to_reply": words(language)["reminder_how_to_reply"],
        "visibility_note": base["public_warning"]
        if complaint.visibility is Visibility.PUBLIC
        else base["private_note"],
        "l_view_thread": base["view_thread"],
        "url": compose.thread_url(settings, complaint.reference),
        "footer": _footer(settings, language),
    }
    text = _template("reminder.txt").substitute(values)
    html_body = _template("reminder.html").substitute(
        {key: html.escape(value) for key, value in values.items()}
    )
    envelope = compose.Envelope(
        to=content.recipient,
        reply_to=reply_to,
        message_id=addresses.new_message_id(settings),
        # The tag first, as on the complaint: a plain Reply keeps it.
        subject=compose.subject_for(
            complaint.reference, f"{words(language)['reminder_subject']}: {complaint.title}"
        ),
        references=(original.rfc_message_id,) if original else (),
        auto_submitted=True,
    )
    rendered = compose.build_message(
        settings, envelope, text=text, html_body=html_body, language=language, now=now
    )
    return await OutboxMail.create(
        kind=OutboxKind.NOTICE,
        complaint_id=complaint.id,
        recipient=content.recipient,
        recipient_kind=RecipientKind.COMPANY,
        rfc_message_id=envelope.message_id,
        reply_token=token,
        # Bounces come back to the thread's reply address, as for the complaint itself.
        envelope_sender=reply_to,
        content=rendered.as_string(),
        sent_words=sent_words.of_mail(settings, text, html_body),
        next_attempt_at=now,
        created_at=now,
    )


# --- notices outside the thread: the consumer's prompts, the agents' digest --------------


@dataclass(frozen=True)
class Notice:
    """A notice's words: the first paragraph (also the notification's text), a list of
    items (each a line, and a link when it has one) and a closing line."""

    subject: str
    intro: str
    items: tuple[tuple[str, str], ...] = ()  # (text, url or "")
    outro: str = ""

    def as_text(self) -> str:
        lines = [self.intro, *(f"- {t}: {u}" if u else f"- {t}" for t, u in self.items)]
        return "\n".join(lines)


async def enqueue_notice(
    settings: Settings,
    notice: Notice,
    *,
    recipient: str,
    recipient_kind: RecipientKind,
    language: Language,
    now: datetime,
) -> OutboxMail:
    footer = _footer(settings, language)
    text_items = "\n".join(f"- {t}:\n  {u}" if u else f"- {t}" for t, u in notice.items)
    html_items = "\n".join(
        f'<li><a href="{html.escape(u)}">{html.escape(t)}</a></li>'
        if u
        else f"<li>{html.escape(t)}</li>"
        for t, u in notice.items
    )
    values = {"lang": language.value, "intro": notice.intro, "outro": notice.outro}
    text = _template("nudge.txt").substitute(**values, items=text_items, footer=footer)
    html_body = _template("nudge.html").substitute(
        {key: html.escape(value) for key, value in values.items()},
        items=html_items,
        footer=html.escape(footer),
    )
    return await notices.queue_rendered_notice(
        settings,
        recipient=recipient,
        recipient_kind=recipient_kind,
        language=language,
        subject=notice.subject,
        text=text,
        html_body=html_body,
        now=now,
    )
