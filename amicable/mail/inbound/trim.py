"""The new text of a reply: the body (the text part, or the HTML part made text), with
quoted history and signatures removed in Dutch, French, German and English.

`mail-parser-reply` does most of it; our patterns catch what it misses (Gmail's Dutch
"Op ... schreef Naam <mail>:" line, wrapped over two lines; phone signatures; the `-- `
separator of RFC 3676 section 4.3), and a last pass drops trailing `>`-quoted lines.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from html.parser import HTMLParser

from mailparser_reply import EmailReplyParser

from amicable.mail.inbound import artefacts

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


class _TextFromHtml(HTMLParser):
    # Quoted history in HTML mail lives in these containers (Gmail, Apple Mail, Outlook);
    # their contents are dropped here, before the text patterns run.
    _QUOTE_CLASSES = (
        "gmail_quote",
        "gmail_extra",
        "moz-cite-prefix",
        "yahoo_quoted",
        "freshdesk_quote",
    )
    _QUOTE_IDS = ("appendonsend", "divrplyfwdmsg", "mail-editor-reference-message-container")
    _BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "table", "ul", "ol"}
    _SKIP = {"style", "script", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0
        self._stack: list[tuple[str, bool]] = []
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._done:
            return
        attributes = {name: (value or "") for name, value in attrs}
        classes = attributes.get("class", "").lower()
        element_id = attributes.get("id", "").lower()
        quoted = (
            tag == "blockquote"
            or any(c in classes for c in self._QUOTE_CLASSES)
            or element_id in self._QUOTE_IDS
        )
        if element_id in ("appendonsend", "divrplyfwdmsg"):
            # Outlook puts the whole history after this marker, not inside it.
            self._done = True
            return
        if tag in ("td", "th") and not self._skip_depth:
            self.parts.append(" ")  # table cells: "Referentie" and its value are two words
        if tag in ("br", "hr", "img", "meta", "link", "input"):
            if tag == "br" and not self._skip_depth:
                self.parts.append("\n")
            return
        skip = quoted or tag in self._SKIP
        self._stack.append((tag, skip))
        if skip:
            self._skip_depth += 1
        elif tag in self._BLOCKS and not self._skip_depth:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._done:
            return
        while self._stack:
            open_tag, skipped = self._stack.pop()
            if skipped:
                self._skip_depth -= 1
            if open_tag == tag:
                break
        if tag in self._BLOCKS and not self._skip_depth:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth and not self._done:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(markup: str) -> str:
    parser = _TextFromHtml()
    parser.feed(markup)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
