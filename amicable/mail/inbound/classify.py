"""What kind of mail arrived: our own mail coming back, a bounce, an automatic reply, or
a person's reply. Pure functions over the parsed message."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message

from amicable.mail.outbound import addresses
from amicable.settings import Settings

# Senders of delivery reports (RFC 3464 reports usually come from one of these).
_BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon)@", re.IGNORECASE)
_BOUNCE_SUBJECTS = re.compile(
    r"(undeliver|delivery status notification|failure notice|mail delivery failed|"
    r"returned mail|onbestelbaar|non remis|unzustellbar)",
    re.IGNORECASE,
)

# Localized subjects of automatic replies (Outlook, Gmail's vacation responder, Apple Mail,
# Exchange and common helpdesks), matched at the start or after a "Re:"-like prefix.
_AUTO_REPLY_SUBJECTS = re.compile(
    r"^\s*(?:(?:re|aw|antw|tr|fw|wg)\s*:\s*)*"
    r"(automatic reply|auto[- ]?reply|autoreply|auto response|out of (?:the )?office|"
    r"afwezig|afwezigheid|automatisch antwoord|niet aanwezig|"
    r"réponse automatique|reponse automatique|absence|absent\b|"
    r"abwesenheit|automatische antwort|abwesenheitsnotiz|nicht im büro)",
    re.IGNORECASE,
)

# RFC 3834 section 5 and the headers mail software sets in its place.
_PRECEDENCE_AUTOMATIC = {"bulk", "junk", "list", "auto_reply"}
_AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder")


@dataclass
class BounceReport:
    failed_recipients: list[str] = field(default_factory=list)
    original_message_ids: list[str] = field(default_factory=list)


def is_loop(settings: Settings, message: Message) -> bool:
    """Our own mail coming back (a company address that forwards to our reply address)."""
    own_id = addresses.is_our_message_id(settings, str(message.get("Message-ID", "")))
    own_sender = addresses.sender_address(str(message.get("From", ""))) == addresses.normalise(
        settings.from_address
    )
    return own_id or own_sender


def bounce_report(message: EmailMessage, envelope_sender: str) -> BounceReport | None:
    """A delivery status notification (RFC 3464: multipart/report with report-type
    delivery-status), or a plain-text bounce from a mailer-daemon; None otherwise."""
    is_report = (
        message.get_content_type() == "multipart/report"
        and str(message.get_param("report-type", "")).lower() == "delivery-status"
    )
    sender = addresses.sender_address(str(message.get("From", "")))
    from_daemon = bool(_BOUNCE_SENDERS.match(sender)) and bool(
        _BOUNCE_SUBJECTS.search(str(message.get("Subject", "")))
    )
    null_sender = envelope_sender.strip() in ("<>",) and bool(
        _BOUNCE_SUBJECTS.search(str(message.get("Subject", "")))
    )
    if not (is_report or from_daemon or null_sender):
        return None
    report = BounceReport()
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "message/delivery-status":
            report.failed_recipients += _failed_recipients(part)
        elif content_type in ("text/rfc822-headers", "message/rfc822"):
            report.original_message_ids += addresses.message_ids(_part_text(part))
    return report


def _failed_recipients(part: Message) -> list[str]:
    # RFC 3464 section 2.3: per-recipient groups of fields; keep those whose Action is failed.
    text = _part_text(part)
    failed: list[str] = []
    for group in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        action = re.search(r"^Action:\s*(\S+)", group, re.IGNORECASE | re.MULTILINE)
        recipient = re.search(
            r"^(?:Final|Original)-Recipient:\s*[^;]*;\s*(\S+)", group, re.IGNORECASE | re.MULTILINE
        )
        if action and recipient and action.group(1).lower() == "failed":
            failed.append(addresses.normalise(recipient.group(1)))
    return failed


def _part_text(part: Message) -> str:
    if part.is_multipart():
        chunks = []
        for sub in part.get_payload():
            if isinstance(sub, Message):
                chunks.append(sub.as_string() if sub.get_content_type() != "text/plain" else "")
                chunks.append(_part_text(sub))
        return "\n\n".join(chunks)
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload.decode("utf-8", "replace")
    return str(part.get_payload())


def is_auto_reply(message: Message) -> bool:
    """RFC 3834 `Auto-Submitted` (anything but "no"), `Precedence`, the X-Autoreply family,
    Exchange's out-of-office markers, or a localized out-of-office subject."""
    auto_submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if str(message.get("Precedence", "")).strip().lower() in _PRECEDENCE_AUTOMATIC:
        return True
    if any(message.get(header) for header in _AUTO_REPLY_HEADERS):
        return True
    # Exchange sets X-Auto-Response-Suppress on its own automatic replies, and marks
    # out-of-office replies in X-MS-Exchange-Inbox-Rules-Loop / X-MS-Has-Attach-less OOF.
    if message.get("X-Auto-Response-Suppress") or message.get("X-MS-Exchange-Inbox-Rules-Loop"):
        return True
    if "oof" in str(message.get("X-MS-Exchange-Generated-Message-Source", "")).lower():
        return True
    return bool(_AUTO_REPLY_SUBJECTS.match(str(message.get("Subject", ""))))
