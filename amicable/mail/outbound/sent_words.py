"""A mail we send, as the inbound side compares replies against it: each text part's words
(case and accents folded), and our own name and address as its sender.

Kept on the outbox row (`OutboxMail.sent_words`) when the mail is composed, so that an
inbound reply does not parse every mail already sent on its thread again
(`amicable.mail.inbound.sent_texts`). It holds the mail's words, so erasure clears it with
the mail's content.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from amicable.mail.outbound.html_text import html_to_text
from amicable.settings import Settings

WORD = re.compile(r"\w+")


def fold(word: str) -> str:
    # Case and accents folded: some helpdesks and clients drop accents when they quote.
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def words_of(text: str) -> list[str]:
    return [fold(w) for w in WORD.findall(text)]


def of_mail(settings: Settings, text: str, html_body: str) -> dict[str, Any]:
    """The stored form: one string of folded words per text part (the plain part, then the
    HTML part made text, as `compose.build_message` puts them), and the sender names."""
    return {
        "texts": [" ".join(words_of(text)), " ".join(words_of(html_to_text(html_body)))],
        "senders": [v.casefold() for v in (settings.platform_name, settings.from_address) if v],
    }
