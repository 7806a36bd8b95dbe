"""The defence beneath every trimming rule: the platform knows every text it mailed on a
thread (the complaint to the company, the replies it forwarded, its notices), so any block
of an inbound mail that reproduces one of them is removed before posting, however it was
quoted: `>` prefixes, none, an HTML blockquote made text, a helpdesk's ticket digest,
lines re-wrapped at another width, other whitespace.

Texts are compared as runs of words (case-folded, punctuation and line breaks ignored): an
inbound run of at least `MIN_RUN` words that appears word for word in a mail we sent is a
reproduction. Word runs do not care where lines were broken, so re-wrapping at any width,
quote markers and whitespace changes all compare equal.
"""

from __future__ import annotations

import bisect
import re
import uuid
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import Parser

from amicable.mail.inbound import artefacts
from amicable.mail.outbound import sent_words
from amicable.mail.outbound.html_text import html_to_text
from amicable.models import OutboxMail

# Words compared at once. Five words in a row rarely repeat by chance between two texts,
# and a run must be longer still before it is removed, so a company that quotes our title
# in a sentence of its own keeps its sentence.
GRAM = 5
MIN_RUN = 8
GAP = 3

_WORD = sent_words.WORD
# Lines that introduce a quotation or a digest entry: "On ... wrote:" (a closing colon), a
# rule, or a short line with an address or a date ("Mar 3, 2025, 10:12 CET") that is not a
# sentence of its own.
_ATTRIBUTION = re.compile(r":\s*$|^[-_=*~\u2014\u2013]{3,}$")
_ADDRESS_OR_DATE = re.compile(r"@|\b(?:19|20)\d{2}\b|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b")


@dataclass
class SentIndex:
    grams: set[tuple[str, ...]] = field(default_factory=set)
    # Our own names and addresses as senders: a digest entry's author line.
    senders: set[str] = field(default_factory=set)

    def add(self, text: str) -> None:
        self.add_words(sent_words.words_of(text))

    def add_words(self, words: list[str]) -> None:
        for i in range(len(words) - GRAM + 1):
            self.grams.add(tuple(words[i : i + GRAM]))

    def __bool__(self) -> bool:
        return bool(self.grams)


async def sent_on_thread(complaint_id: uuid.UUID) -> SentIndex:
    """Every text the platform mailed on this complaint, to either party: the words kept
    with each mail when it was composed, or, for a mail queued before they were kept, its
    content parsed again."""
    index = SentIndex()
    rows = await OutboxMail.filter(complaint_id=complaint_id).values_list("id", "sent_words")
    for _, kept in rows:
        if kept is not None:
            for words in kept["texts"]:
                index.add_words(words.split())
            index.senders.update(kept["senders"])
    older = [mail_id for mail_id, kept in rows if kept is None]
    if older:
        for content in await OutboxMail.filter(id__in=older).values_list("content", flat=True):
            _add_parsed(index, str(content))
    return index


def _add_parsed(index: SentIndex, content: str) -> None:
    message = Parser(policy=policy.default).parsestr(content)
    assert isinstance(message, EmailMessage)
    for text in texts_of_mail(message):
        index.add(text)
    for address in getattr(message.get("From"), "addresses", ()):
        index.senders.update(v.casefold() for v in (address.display_name, address.addr_spec) if v)


def texts_of_mail(message: EmailMessage) -> list[str]:
    """The text and HTML parts (made text) of one mail as we sent it."""
    texts = []
    for part in message.walk():
        if part.get_content_maintype() != "text" or part.is_attachment():
            continue
        text = artefacts.part_text(part)
        texts.append(html_to_text(text) if part.get_content_subtype() == "html" else text)
    return texts


def remove_sent(text: str, index: SentIndex) -> str:
    """`text` without any block that reproduces a mail in `index`, nor the lines that
    introduced such a block ("On ... wrote:", a digest entry's author and date)."""
    if not index or not text:
        return text
    spans = _reproduced_spans(text, index)
    if not spans:
        return text
    lines = text.split("\n")
    kept: list[str] = []
    offset = 0
    removed_any = in_block = False
    for line in lines:
        start, end = offset, offset + len(line)
        offset = end + 1
        cut = [(max(s, start), min(e, end)) for s, e in spans if s < end and e > start]
        if not cut:
            if _WORD.search(line):
                in_block = False
            kept.append(line)
            continue
        removed_any = True
        rest = _without(line, start, cut)
        if _WORD.search(rest):
            kept.append(rest.rstrip())
        elif not in_block:
            _drop_introduction(kept, index.senders)
        in_block = True
    if not removed_any:
        return text
    return _tidy(kept)


def _reproduced_spans(text: str, index: SentIndex) -> list[tuple[int, int]]:
    tokens = list(_WORD.finditer(text))
    words = [sent_words.fold(m.group()) for m in tokens]
    covered = [False] * len(words)
    for i in range(len(words) - GRAM + 1):
        if tuple(words[i : i + GRAM]) in index.grams:
            for j in range(i, i + GRAM):
                covered[j] = True
    _bridge(text, tokens, covered)
    spans = []
    i = 0
    while i < len(words):
        if not covered[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(words) and covered[j + 1]:
            j += 1
        if j - i + 1 >= MIN_RUN:
            spans.append((tokens[i].start(), tokens[j].end()))
        i = j + 1
    return spans


def _bridge(text: str, tokens: list[re.Match[str]], covered: list[bool]) -> None:
    """Cover a gap of up to `GAP` words between reproduced words when every word of the gap
    shares its line with reproduced words: a word the helpdesk changed inside our text (a
    link, a redacted number) is part of the reproduction, while a reply typed on lines of
    its own between two quotations is not."""
    breaks = [m.start() for m in re.finditer("\n", text)]
    line_of = [bisect.bisect_left(breaks, m.start()) for m in tokens]
    lines_covered = {line_of[i] for i, c in enumerate(covered) if c}
    i = 0
    while i < len(covered):
        if covered[i]:
            i += 1
            continue
        j = i
        while j < len(covered) and not covered[j]:
            j += 1
        inside = i > 0  # a gap after our text's last reproduced word at the very end too
        if inside and j - i <= GAP and all(line_of[k] in lines_covered for k in range(i, j)):
            for k in range(i, j):
                covered[k] = True
        i = j


def _without(line: str, start: int, cut: list[tuple[int, int]]) -> str:
    pieces, position = [], start
    for s, e in cut:
        pieces.append(line[position - start : s - start])
        position = e
    pieces.append(line[position - start :])
    return " ".join(p.strip() for p in pieces if p.strip())


def _drop_introduction(kept: list[str], senders: set[str]) -> None:
    """Drop the few short lines just above a removed block that introduced it."""
    dropped = 0
    while kept and dropped < 4:
        stripped = kept[-1].strip().lstrip(">").strip().strip("*").strip()
        if stripped and not _introduces(stripped, senders):
            return
        kept.pop()
        dropped += 1 if stripped else 0


def _introduces(line: str, senders: set[str]) -> bool:
    if line.casefold() in senders:
        return True
    words = len(_WORD.findall(line))
    if words > 16:
        return False
    if _ATTRIBUTION.search(line):
        return True
    return (
        words <= 10 and not line.endswith((".", "!", "?")) and bool(_ADDRESS_OR_DATE.search(line))
    )


def _tidy(lines: list[str]) -> str:
    # Quote markers and rules left alone once their contents are gone carry nothing.
    cleaned = ["" if re.fullmatch(r"[\s>|]*", line) else line for line in lines]
    text = "\n".join(cleaned)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
