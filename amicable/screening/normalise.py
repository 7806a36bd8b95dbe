"""Reducing text to a skeleton that defeats the common obfuscations of abusive words.

    "K.l.0.0.t.z.a.k"  -> "klotzak"     (inserted dots, l33t digits, repeated letters)
    "idiooooot"        -> "idiot"
    "c o n n a r d"    -> "conard"      (spaced-out letters are joined)

Both the lexicon entries and the text go through the same reduction, so "klootzak" in the
lexicon matches all of the above. Matching stays on whole tokens, so a harmless word that
merely contains an insult ("Scunthorpe") does not match.
"""

from __future__ import annotations

import re
import unicodedata

_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "@": "a",
        "$": "s",
        "!": "i",
        "€": "e",
        "|": "i",
    }
)
# Characters people insert between the letters of a word to slip past filters.
_FILLERS = re.compile(r"[.\-_*·•'`\u00b4~+]+")
_REPEATS = re.compile(r"(.)\1+")
_TOKEN = re.compile(r"[^\s,;:?()\[\]{}\"“”«»/\\<>]+")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def skeleton(word: str) -> str:
    """The comparable form of one token."""
    # Punctuation around a word is not part of it ("idiot!"), inside it may be l33t ("sh!t").
    folded = _fold(word.strip("!.?,;:'\"")).translate(_LEET)
    letters = _FILLERS.sub("", folded)
    letters = "".join(ch for ch in letters if ch.isalnum())
    return _REPEATS.sub(r"\1", letters)


def token_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, skeleton) for each token; runs of single letters separated by spaces
    ("c o n n a r d") are merged into one token as well as kept apart."""
    spans = [(m.start(), m.end(), skeleton(m.group())) for m in _TOKEN.finditer(text)]
    spans = [s for s in spans if s[2]]
    merged: list[tuple[int, int, str]] = []
    run: list[tuple[int, int, str]] = []
    for span in [*spans, (0, 0, "")]:
        if len(span[2]) == 1 and (not run or span[0] - run[-1][1] <= 2):
            run.append(span)
            continue
        if len(run) >= 3:
            merged.append((run[0][0], run[-1][1], _REPEATS.sub(r"\1", "".join(s[2] for s in run))))
        run = [span] if len(span[2]) == 1 else []
    return spans + merged
