"""The new text of a reply: the body (the text part, or the HTML part made text), with
quoted history and signatures removed in Dutch, French, German and English.

`mail-parser-reply` does most of it; our patterns catch what it misses (Gmail's Dutch
"Op ... schreef Naam <mail>:" line, wrapped over two lines; phone signatures; the `-- `
separator of RFC 3676 section 4.3), and a last pass drops trailing `>`-quoted lines.
"""

from __future__ import annotations

import re
from email.message import EmailMessage

from mailparser_reply import EmailReplyParser

from amicable.mail.inbound import artefacts
from amicable.mail.outbound.html_text import html_to_text

_LANGUAGES = ["nl", "fr", "de", "en"]

# Lines where the quoted history begins. Each may wrap onto a second line in Gmail, so the
# "wrote" patterns allow one newline before the closing colon.
_HISTORY_STARTS = [
    r"^>?\s*Op .{5,200}?schreef.{0,200}?:\s*$",
    r"^>?\s*Op .{5,200}?het volgende geschreven\s*:\s*$",  # Apple Mail in Dutch
    r"^>?\s*Le .{5,200}?a\s+écrit\s*:\s*$",
    r"^>?\s*Am .{5,200}?schrieb.{0,200}?:\s*$",
    r"^>?\s*On .{5,200}?wrote\s*:\s*$",
    # Outlook's header block: "From:/Van:/De:/Von:" followed within a few lines by a
    # date line ("Sent:/Verzonden:/Envoyé :/Gesendet:/Date:/Datum:").
    r"^\s*\**(?:From|Van|De|Von)\s*:\**.*\n(?:.*\n){0,2}?\s*\**"
    r"(?:Sent|Verzonden|Envoyé|Gesendet|Date|Datum)\s*:",
    r"^-{2,}\s*(?:Original Message|Oorspronkelijk bericht|Message d'origine|"
    r"Ursprüngliche Nachricht|Forwarded message|Doorgestuurd bericht)\s*-{2,}\s*$",
    r"^_{20,}\s*$",  # Outlook on the web draws a rule above the header block
]
_HISTORY = re.compile("|".join(f"(?:{p})" for p in _HISTORY_STARTS), re.IGNORECASE | re.MULTILINE)
_VERB = r"(?:schreef|geschreven|a\s+écrit|schrieb|wrote)"
_WRAPPED_WROTE = re.compile(
    rf"^>?\s*(?:Op|Le|Am|On) (?:[^\n]{{5,200}}{_VERB}[^\n]*\n[^\n]{{0,200}}"
    rf"|[^\n]{{5,200}}\n[^\n]{{0,200}}{_VERB}[^\n]{{0,200}}):\s*$",
    re.IGNORECASE | re.MULTILINE,
)

# Signatures: the RFC 3676 separator and the phones' "sent from" lines.
_SIGNATURE = re.compile(
    r"^(?:-- ?$|__\s*$|"
    r"(?:Verzonden (?:vanaf|met|via) mijn|Envoyé (?:de|depuis) mon|Von meinem .{1,40} gesendet|"
    r"Gesendet von meinem|Sent from my|Get Outlook for|Outlook voor|Télécharger Outlook)\b.*$)",
    re.IGNORECASE | re.MULTILINE,
)


def body_text(message: EmailMessage) -> str:
    """The text part if there is one, else the HTML part converted to text."""
    part = message.get_body(preferencelist=("plain",))
    if part is not None:
        return _normalise(artefacts.part_text(part))
    part = message.get_body(preferencelist=("html",))
    if part is not None:
        return _normalise(html_to_text(artefacts.part_text(part)))
    return ""


def new_text(text: str) -> str:
    """The reply without quoted history or signature."""
    text = _normalise(text)
    text = _cut(text, _HISTORY)
    text = _cut(text, _WRAPPED_WROTE)
    parsed = EmailReplyParser(languages=_LANGUAGES).parse_reply(text=text)
    # The library drops what it takes for a signature; trust it only when it kept something.
    if parsed and parsed.strip() and len(parsed.strip()) <= len(text.strip()):
        text = _keep_our_lines(text, parsed)
    text = _cut(text, _SIGNATURE)
    return _drop_trailing_quotes(text).strip()


def _keep_our_lines(text: str, parsed: str) -> str:
    # The library rewrites whitespace (e.g. "-- " becomes "--"); take its cut point, not
    # its text, so what we store is what the person typed.
    first_line = parsed.strip().splitlines()[-1].strip()
    lines = text.splitlines()
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip() == first_line:
            return "\n".join(lines[: index + 1])
    return text


def _cut(text: str, pattern: re.Pattern[str]) -> str:
    match = pattern.search(text)
    return text[: match.start()] if match else text


def _drop_trailing_quotes(text: str) -> str:
    lines = text.rstrip().splitlines()
    while lines and (lines[-1].lstrip().startswith(">") or not lines[-1].strip()):
        lines.pop()
    return "\n".join(lines)


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = [line.rstrip() if line != "-- " else line for line in text.split("\n")]
    return "\n".join(lines).strip("\n")
