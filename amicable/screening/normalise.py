# ruff: noqa: RUF002 (look-alike letters are the subject here)
"""Reducing text to a skeleton that defeats the common obfuscations of abusive words.

    "K.l.0.0.t.z.a.k"  -> "klotzak"     (inserted dots, l33t digits, repeated letters)
    "idiooooot"        -> "idiot"
    "c o n n a r d"    -> "conard"      (spaced-out letters are joined)
    "l’idiot", "qu'abruti" -> "idiot", "abruti"   (elision, any apostrophe)
    "ｉｄｉｏｔ", "𝐢𝐝𝐢𝐨𝐭", "ⓘⓓⓘⓞⓣ" -> "idiot"     (Unicode compatibility forms, NFKC)
    "іdіоt" (Cyrillic і, о) -> "idiot"           (look-alike letters, see `confusables`)
    "idi\u200bot"      -> "idiot"      (zero-width characters and soft hyphens)

Both the lexicon entries and the text go through the same reduction, so "klootzak" in the
lexicon matches all of the above. Matching stays on whole tokens, so a harmless word that
merely contains an insult ("Scunthorpe") does not match.
"""

from __future__ import annotations

import re
import unicodedata

from amicable.screening.confusables import fold_confusables

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


# Apostrophes as typed on phones and in word processors, and the grave/acute accents and
# primes people use instead; all become "'" before elision is looked at.
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018\u02bc\u02bb\u0060\u00b4\u2032\uff07", "'"))
# Elided articles, pronouns and prepositions that stick to the next word: French (d', l',
# qu', j', n', s', c', m', t'), Italian (l', un', dell', all', dall', nell', sull', quell'...),
# Dutch (d', z', m' in "d'r", "z'n"; "'t", "'s", "'n" stand as words of their own). A
# possessive "'s" at the end goes too ("idiot's").
_FRENCH_ELISIONS = {"d", "l", "qu", "j", "n", "s", "c", "m", "t"}
_ITALIAN_ELISIONS = {"un", "dell", "dall", "nell", "sull", "all", "coll", "quell", "quest", "gl"}
_DUTCH_ELISIONS = {"d", "z", "m"}
_ELISIONS = frozenset(_FRENCH_ELISIONS | _ITALIAN_ELISIONS | _DUTCH_ELISIONS)


def _invisible(ch: str) -> bool:
    # Format characters (ZWSP, ZWNJ, ZWJ, WORD JOINER, BOM, soft hyphen, bidi marks) show
    # nothing, so a word with one inside reads as the word.
    return unicodedata.category(ch) == "Cf"


def _fold(text: str) -> str:
    # Apostrophes first: NFKC would turn an acute accent used as one into a space.
    visible = "".join(ch for ch in text if not _invisible(ch)).translate(_APOSTROPHES)
    compatible = unicodedata.normalize("NFKC", visible)
    decomposed = unicodedata.normalize("NFKD", fold_confusables(compatible))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _elide(word: str) -> str:
    """The word without an elided prefix ("l'idiot" -> "idiot") or a possessive "'s".
    Only one apostrophe is read as elision: "d'e'b'i'e'l" has dots of apostrophes, not
    an article."""
    if word.count("'") == 1:
        prefix, _, rest = word.partition("'")
        if prefix in _ELISIONS and len(rest) >= 2:
            return rest
        if rest == "s" and len(prefix) >= 2:
            return prefix
    return word


def skeleton(word: str) -> str:
    """The comparable form of one token."""
    # Punctuation around a word is not part of it ("idiot!"), inside it may be l33t ("sh!t").
    folded = _fold(word).strip("!.?,;:'\"")
    folded = _elide(folded).translate(_LEET)
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
