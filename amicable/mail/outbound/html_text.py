"""HTML made text, the one way every part of the mail code does it: the inbound side for a
reply's HTML part, the outbound side for the words of a mail it sends (which the inbound
side later compares replies against, so both must read HTML alike).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser


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
