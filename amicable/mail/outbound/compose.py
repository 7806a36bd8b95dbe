"""Rendering outgoing mail: headers as PRODUCT.md section 4 sets them, text and HTML parts
from the templates in `templates/`, in the recipient's language.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from functools import cache
from importlib import resources
from string import Template

from amicable.models.enums import Language, Visibility
from amicable.settings import Settings

LANGUAGES = ("nl", "fr", "en")


@dataclass(frozen=True)
class Envelope:
    """Who a mail goes to and how it threads."""

    to: str
    reply_to: str
    message_id: str
    subject: str
    # Our earlier Message-IDs in this thread to this recipient, oldest first.
    references: tuple[str, ...] = ()
    # The platform's own notices only (RFC 3834 section 5): never on relayed complaints or
    # replies, which a company's helpdesk must open as a ticket.
    auto_submitted: bool = False


@cache
def _strings() -> dict[str, dict[str, str]]:
    text = (
        resources.files("amicable.mail.outbound")
        .joinpath("templates/strings.json")
        .read_text("utf-8")
    )
    data: dict[str, dict[str, str]] = json.loads(text)
    return data


@cache
def _template(name: str) -> Template:
    path = resources.files("amicable.mail.outbound").joinpath(f"templates/{name}")
    return Template(path.read_text("utf-8"))


def strings(language: Language | str) -> dict[str, str]:
    code = str(language.value if isinstance(language, Language) else language)
    return _strings()[code if code in LANGUAGES else "en"]


def subject_for(reference: str, title: str) -> str:
    return f"[{reference}] {title}"


def thread_url(settings: Settings, reference: str) -> str:
    return f"{settings.public_url.rstrip('/')}/complaints/{reference}"


def _html_text(value: str) -> str:
    return html.escape(value).replace("\n", "<br>\n")


def _visibility_note(words: dict[str, str], visibility: Visibility) -> str:
    return words["public_warning"] if visibility is Visibility.PUBLIC else words["private_note"]


@dataclass(frozen=True)
class ComplaintContent:
    language: Language
    company_name: str
    consumer_name: str
    reference: str
    title: str
    category: str
    description: str
    desired_solution: str
    private_details: list[tuple[str, str]]  # (label key, value)
    visibility: Visibility
    # The signed web reply link for this recipient (`amicable.mail.outbound.links`).
    reply_link: str = ""


def complaint_bodies(settings: Settings, content: ComplaintContent) -> tuple[str, str]:
    """The complaint as mailed to the company: (text, html)."""
    words = strings(content.language)
    intro = Template(words["complaint_intro"]).substitute(
        consumer=content.consumer_name,
        company=content.company_name,
        platform=settings.platform_name,
    )
    details = [(words[key], value) for key, value in content.private_details if value]
    values = {
        "lang": content.language.value,
        "greeting": words["greeting"],
        "company": content.company_name,
        "intro": intro,
        "l_reference": words["reference"],
        "reference": content.reference,
        "l_title": words["title"],
        "title": content.title,
        "l_category": words["category"],
        "category": content.category,
        "l_description": words["description"],
        "description": content.description,
        "l_private_details": words["private_details"],
        "how_to_reply": words["how_to_reply"],
        "visibility_note": _visibility_note(words, content.visibility),
        "l_view_thread": words["view_thread"],
        "url": thread_url(settings, content.reference),
    }
    text_values = {
        **values,
        "desired_block": (
            f"\n{words['desired_solution']}:\n{content.desired_solution}\n"
            if content.desired_solution
            else ""
        ),
        "private_details": "\n".join(f"{label}: {value}" for label, value in details),
        "reply_block": (
            f"{words['web_reply']}:\n{content.reply_link}\n" if content.reply_link else ""
        ),
    }
    html_values = {key: html.escape(value) for key, value in values.items()}
    html_values["description"] = _html_text(content.description)
    html_values["desired_block"] = (
        f"<h3>{html.escape(words['desired_solution'])}</h3>\n"
        f"<p>{_html_text(content.desired_solution)}</p>"
        if content.desired_solution
        else ""
    )
    html_values["private_details"] = "<br>\n".join(
        f"{html.escape(label)}: {_html_text(value)}" for label, value in details
    )
    html_values["reply_block"] = (
        f"<p>{html.escape(words['web_reply'])}: "
        f'<a href="{html.escape(content.reply_link)}">{html.escape(content.reply_link)}</a></p>'
        if content.reply_link
        else ""
    )
    return (
        _template("complaint.txt").substitute(text_values),
        _template("complaint.html").substitute(html_values),
    )


def reply_bodies(
    settings: Settings,
    *,
    language: Language,
    from_company: bool,
    author_name: str,
    reference: str,
    body: str,
    visibility: Visibility,
) -> tuple[str, str]:
    """A message relayed to the other party: (text, html)."""
    words = strings(language)
    key = "reply_intro_company" if from_company else "reply_intro_consumer"
    intro = Template(words[key]).substitute(company=author_name, consumer=author_name)
    values = {
        "lang": language.value,
        "intro": intro,
        "body": body,
        "how_to_reply": words["reply_how_to_reply"],
        "visibility_note": _visibility_note(words, visibility),
        "l_view_thread": words["view_thread"],
        "url": thread_url(settings, reference),
    }
    html_values = {key: html.escape(value) for key, value in values.items()}
    html_values["body"] = _html_text(body)
    return (
        _template("reply.txt").substitute(values),
        _template("reply.html").substitute(html_values),
    )


def build_message(
    settings: Settings,
    envelope: Envelope,
    *,
    text: str,
    html_body: str,
    language: Language,
    now: datetime,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr((settings.platform_name, settings.from_address))
    message["To"] = envelope.to
    message["Reply-To"] = envelope.reply_to
    message["Subject"] = envelope.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = envelope.message_id
    if envelope.references:
        # RFC 5322 section 3.6.4: In-Reply-To names the parent, References the chain.
        message["In-Reply-To"] = envelope.references[-1]
        message["References"] = " ".join(envelope.references)
    if envelope.auto_submitted:
        message["Auto-Submitted"] = "auto-generated"
        # Exchange's own switch, so that out-of-office replies to notices are not sent.
        message["X-Auto-Response-Suppress"] = "All"
    message.set_content(text)
    message.add_alternative(html_body, subtype="html")
    # After the body: `set_content` drops every Content-* header set before it.
    message["Content-Language"] = language.value
    return message
