"""Delivery reports: what a mail server says happened to a mail we sent.

Two shapes arrive. The standard one (RFC 3464, RFC 6533 for internationalised mail) is a
`multipart/report; report-type=delivery-status` whose `message/delivery-status` part holds
one block of fields per recipient (`Final-Recipient`, `Original-Recipient`, `Action`,
`Status`, `Diagnostic-Code`), with the original's headers in a `text/rfc822-headers` or
`message/rfc822` part. The other is the plain-text notice that qmail, Exim and some older
servers send from a mailer-daemon, with the recipients and SMTP codes in prose and a copy
of the original below a marker line. Both become a `DeliveryReport`; nothing here touches
the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message
from email.parser import HeaderParser

from amicable.mail.outbound import addresses

# Senders and subjects of delivery reports. A mailer-daemon sender (or the null envelope
# sender of RFC 5321 section 4.5.5) together with such a subject is a report.
_DAEMON_SENDERS = re.compile(
    r"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|mdaemon)@", re.IGNORECASE
)
_REPORT_SUBJECTS = re.compile(
    r"(undeliver|delivery status notification|failure notice|mail delivery fail|"
    r"delivery fail|returned mail|delivery (?:has been |was )?delayed|delayed mail|"
    r"warning: message .* delayed|delivery notification|delivery report|"
    r"could not be delivered|not delivered|message delayed|"
    r"onbestelbaar|niet bezorgd|vertraagd|non remis|non distribuable|distribution retard|"
    r"unzustellbar|zustellung verz)",
    re.IGNORECASE,
)
_REPORT_TYPES = ("message/delivery-status", "message/global-delivery-status")
_HEADER_TYPES = ("text/rfc822-headers", "message/global-headers")
_MESSAGE_TYPES = ("message/rfc822", "message/global")

# RFC 3463 enhanced status codes, also in qmail's "(#5.1.1)" form; RFC 5321 reply codes.
_ENHANCED = re.compile(r"(?<![\d.])#?([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_BASIC = re.compile(r"(?<![\d.])([245])[0-9]{2}(?=[ -])")

# Where plain-text bounces start their copy of the original message.
_ORIGINAL_MARKERS = re.compile(
    r"^.*(below this line is a copy of the message|this is a copy of the message|"
    r"original message follows|original message headers|"
    r"header of the original message|----- original message -----).*$",
    re.IGNORECASE | re.MULTILINE,
)
_DELAY_PHRASES = re.compile(
    r"(has not yet been delivered|not been delivered yet|delivery attempts will continue|"
    r"will (?:continue to )?(?:re)?try|still trying|this is only a warning|"
    r"warning message only|no action is required on your part|"
    r"you do not need to resend|temporar(?:il)?y (?:deferred|failure|problem)|"
    r"delivery (?:has been |is )?delayed|message (?:is )?delayed)",
    re.IGNORECASE,
)
_PERMANENT_PHRASES = re.compile(
    r"(permanent error|permanent fatal error|i've given up|i have given up|"
    r"giving up on|could not be delivered|cannot be delivered|was not delivered|"
    r"address(?:es)? failed|delivery has failed|user unknown|no such user)",
    re.IGNORECASE,
)
# A line that starts with a recipient in a plain-text bounce: qmail's "<a@b>:", Exim's
# indented "  a@b", "a@b: reason", "a@b (reason)", older Exchange's "'a@b' on <date>".
_RECIPIENT_LINE = re.compile(
    r"^[ \t]*(?:\"[^\"\n]*\"[ \t]*)?[<'\"]?([^\s<>@\"':;,()]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})"
    r"[>'\"]?(?:[:(\s].*)?$",
    re.MULTILINE,
)
_MESSAGE_ID_LINE = re.compile(r"^Message-ID:[ \t]*(<[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)

# What the per-recipient Action field may say (RFC 3464 section 2.3.3).
ACTIONS = ("failed", "delayed", "delivered", "relayed", "expanded")
REACHED = frozenset({"delivered", "relayed", "expanded"})


@dataclass(frozen=True)
class RecipientReport:
    """One recipient's block of a report."""

    final_recipient: str = ""
    original_recipient: str = ""
    action: str = ""  # one of ACTIONS, or "" when the report did not say
    status: str = ""  # "5.1.1"; "" when neither Status nor the diagnostic gave one
    diagnostic: str = ""

    @property
    def addresses(self) -> frozenset[str]:
        return frozenset(a for a in (self.original_recipient, self.final_recipient) if a)

    @property
    def permanent_failure(self) -> bool:
        """RFC 3464: `failed`; RFC 3463: class 5 is permanent. Both are needed."""
        return self.action == "failed" and self.status.startswith("5.")

    def describe(self) -> str:
        who = self.original_recipient or self.final_recipient or "(no recipient)"
        if self.final_recipient and self.final_recipient != who:
            who = f"{who} (final {self.final_recipient})"
        text = f"{self.action or 'unknown'} {self.status or '-'} {who}"
        return f"{text}: {self.diagnostic}" if self.diagnostic else text


@dataclass
class DeliveryReport:
    recipients: list[RecipientReport] = field(default_factory=list)
    # The Message-ID of the mail the report is about (from its attached headers).
    original_message_ids: list[str] = field(default_factory=list)
    standard: bool = True  # an RFC 3464 report; False for a plain-text notice

    @property
    def names_a_recipient(self) -> bool:
        return any(r.addresses for r in self.recipients)


def delivery_report(message: Message, envelope_sender: str = "") -> DeliveryReport | None:
    """The delivery report this message is, or None when it is not one."""
    parts = list(message.walk())
    status_parts = [p for p in parts if p.get_content_type() in _REPORT_TYPES]
    is_report = (
        message.get_content_type() == "multipart/report"
        and str(message.get_param("report-type", "")).lower() == "delivery-status"
    )
    if is_report or status_parts:
        report = DeliveryReport(standard=True)
        for part in status_parts:
            report.recipients += _recipient_blocks(part)
        report.original_message_ids = _attached_message_ids(parts)
        if not report.recipients:
            # A report whose machine-readable part is missing or empty: read its prose.
            report.recipients = _text_recipients(message, _notification_text(message))
        return report
    if not _looks_like_text_bounce(message, envelope_sender):
        return None
    text = _notification_text(message)
    report = DeliveryReport(standard=False)
    report.recipients = _text_recipients(message, text)
    report.original_message_ids = _attached_message_ids(parts) or _quoted_message_ids(
        _full_text(message)
    )
    return report


def _looks_like_text_bounce(message: Message, envelope_sender: str) -> bool:
    if message.get("X-Failed-Recipients"):
        return True  # Exim names the failed recipients in this header
    subject = str(message.get("Subject", ""))
    if not _REPORT_SUBJECTS.search(subject):
        return False
    sender = addresses.sender_address(str(message.get("From", "")))
    return bool(_DAEMON_SENDERS.match(sender)) or envelope_sender.strip() == "<>"


# --- the standard report -------------------------------------------------------------------


def _recipient_blocks(part: Message) -> list[RecipientReport]:
    """RFC 3464 section 2.1: the per-message fields, then one block per recipient."""
    blocks = _field_blocks(part)
    found = []
    for block in blocks:
        final = _address_field(block.get("Final-Recipient"))
        original = _address_field(block.get("Original-Recipient"))
        action = _action(block.get("Action"))
        if not (final or original or action):
            continue  # the per-message block (Reporting-MTA, Arrival-Date)
        diagnostic = _unfold(block.get("Diagnostic-Code"))
        diagnostic = diagnostic.split(";", 1)[1].strip() if ";" in diagnostic else diagnostic
        found.append(
            RecipientReport(
                final_recipient=final,
                original_recipient=original,
                action=action,
                status=_status(_unfold(block.get("Status")), diagnostic),
                diagnostic=diagnostic[:500],
            )
        )
    return found


def _field_blocks(part: Message) -> list[Message]:
    # Python's parser splits message/delivery-status into one header block per payload
    # item; a part it left as text (an odd charset, base64) is split here the same way.
    payload = part.get_payload()
    if isinstance(payload, list) and all(isinstance(p, Message) for p in payload):
        return list(payload)
    text = _decoded(part)
    parser = HeaderParser()
    return [parser.parsestr(chunk.strip() + "\n") for chunk in re.split(r"\n[ \t]*\n", text)]


def _address_field(value: object) -> str:
    """`rfc822; someone@example.org` (RFC 3464 section 2.3.1), xtext decoded (RFC 3461)."""
    text = _unfold(value)
    if not text:
        return ""
    address = text.split(";", 1)[1] if ";" in text else text
    address = re.sub(r"\+([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), address)
    address = addresses.normalise(address.split()[0] if address.split() else "")
    return address if "@" in address else ""


def _action(value: object) -> str:
    words = _unfold(value).lower().split()
    return words[0] if words and words[0] in ACTIONS else ""


def _status(status: str, diagnostic: str) -> str:
    """The Status field's code; without one, the diagnostic's enhanced or basic code."""
    for text in (status, diagnostic):
        enhanced = _ENHANCED.search(text)
        if enhanced:
            return ".".join(enhanced.groups())
    basic = _BASIC.search(diagnostic)
    return f"{basic.group(1)}.0.0" if basic else ""


def _unfold(value: object) -> str:
    return " ".join(str(value or "").split())


def _attached_message_ids(parts: list[Message]) -> list[str]:
    """The Message-ID of the original mail, from the headers or copy attached to the
    report. Only its own Message-ID: its References name earlier mail of the thread."""
    found: list[str] = []
    for part in parts:
        content_type = part.get_content_type()
        headers: Message | None = None
        if content_type in _MESSAGE_TYPES:
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                headers = payload[0]
        elif content_type in _HEADER_TYPES:
            headers = HeaderParser().parsestr(_decoded(part))
        if headers is not None:
            found += addresses.message_ids(str(headers.get("Message-ID", "")))[:1]
    return list(dict.fromkeys(found))


# --- the plain-text notice -----------------------------------------------------------------


def _text_recipients(message: Message, text: str) -> list[RecipientReport]:
    notice, _ = _split_original(text)
    delayed = bool(_DELAY_PHRASES.search(notice)) and not _PERMANENT_PHRASES.search(notice)
    subject = str(message.get("Subject", ""))
    if re.search(r"delay|warning|vertraagd|verz", subject, re.IGNORECASE):
        delayed = True
    named = [a for a in addresses.all_addresses(str(message.get("X-Failed-Recipients", "")))]
    if named:
        delayed = False  # Exim sets the header on failures only
    lines = [
        (match.start(), addresses.normalise(match.group(1)))
        for match in _RECIPIENT_LINE.finditer(notice)
    ]
    own = _own_addresses(message)
    positions = [(at, a) for at, a in lines if a not in own]
    if named:
        positions = [(at, a) for at, a in positions if a in named] or [(0, a) for a in named]
    found: dict[str, RecipientReport] = {}
    for index, (start, address) in enumerate(positions):
        end = positions[index + 1][0] if index + 1 < len(positions) else len(notice)
        context = notice[start:end]
        code = _status(context, context)
        if not code and not delayed and _PERMANENT_PHRASES.search(notice):
            code = "5.0.0"  # "This is a permanent error" with no code for this address
        diagnostic = " ".join(context.split())[:500]
        found.setdefault(
            address,
            RecipientReport(
                final_recipient=address,
                action="delayed" if delayed else "failed",
                status=code,
                diagnostic=diagnostic,
            ),
        )
    return list(found.values())


def _own_addresses(message: Message) -> set[str]:
    # The report's own sender and recipients are never the recipient it reports on.
    return set(
        addresses.all_addresses(
            str(message.get("From", "")),
            str(message.get("To", "")),
            str(message.get("Return-Path", "")),
        )
    )


def _split_original(text: str) -> tuple[str, str]:
    marker = _ORIGINAL_MARKERS.search(text)
    if marker is None:
        return text, ""
    return text[: marker.start()], text[marker.end() :]


def _quoted_message_ids(text: str) -> list[str]:
    _, original = _split_original(text)
    return list(dict.fromkeys(_MESSAGE_ID_LINE.findall(original or text)))[:1]


def _notification_text(message: Message) -> str:
    """The human-readable notice: the first text part outside any attached message."""
    for part in _parts_outside_attachments(message):
        if part.get_content_type() == "text/plain":
            return _decoded(part)
    return ""


def _full_text(message: Message) -> str:
    parts = _parts_outside_attachments(message)
    return "\n".join(_decoded(p) for p in parts if p.get_content_maintype() == "text")


def _parts_outside_attachments(message: Message) -> list[Message]:
    if message.get_content_type() in _MESSAGE_TYPES:
        return []
    if not message.is_multipart():
        return [message]
    found: list[Message] = []
    payload = message.get_payload()
    for sub in payload if isinstance(payload, list) else []:
        if isinstance(sub, Message):
            found += _parts_outside_attachments(sub)
    return found


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        charset = part.get_content_charset() or "utf-8"
        try:
            text = payload.decode(charset, "replace")
        except LookupError:
            text = payload.decode("utf-8", "replace")
    else:
        text = str(part.get_payload() or "")
    return text.replace("\r\n", "\n")
