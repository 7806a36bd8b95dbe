# ruff: noqa: RUF002 (look-alike letters are the subject here)
"""Look-alike letters from other scripts, folded to the Latin letter they imitate.

The mapping comes from the Unicode confusables data (UTS #39, "confusables.txt") as shipped
by the `confusable-homoglyphs` package. Only the part of a TR39 skeleton that defeats
evasion is kept: a non-ASCII character whose prototype is a single ASCII letter or digit
becomes that letter ("іdіоt" in Cyrillic, "ιdιοτ" in Greek -> "idiot"). ASCII itself is never
folded, so the Latin-internal confusions of the full skeleton ("rn" ~ "m", "l" ~ "1") cannot
make two ordinary words equal, and letters with diacritics are left to the caller's accent
folding (NFKD), so "één" or "déçu" keep their own letters.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from importlib import resources

_DIRECTION_MARKS = "\u200e\u200f"


def _foldable(char: str) -> bool:
    # Letters with a diacritic are the accent folding's business, not look-alikes.
    return len(char) == 1 and not char.isascii() and not unicodedata.decomposition(char)


@cache
def _table() -> dict[str, str]:
    data: dict[str, list[dict[str, str]]] = json.loads(
        resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    )
    candidates: dict[str, set[str]] = {}
    # The data lists, for each character, the characters it may be confused with, in both
    # directions: ASCII keys name their look-alikes, and look-alikes name their prototypes.
    for key, homoglyphs in data.items():
        glyphs = [g["c"].strip(_DIRECTION_MARKS) for g in homoglyphs]
        if key.isascii() and key.isalnum():
            for glyph in glyphs:
                if _foldable(glyph):
                    candidates.setdefault(glyph, set()).add(key.lower())
        elif _foldable(key):
            for glyph in glyphs:
                if glyph.isascii() and glyph.isalnum() and len(glyph) == 1:
                    candidates.setdefault(key, set()).add(glyph.lower())
    table = {char: min(targets) for char, targets in candidates.items() if len(targets) == 1}
    # One more step for chains such as Greek tau -> small capital T -> t.
    for key, homoglyphs in data.items():
        if _foldable(key) and key not in table:
            via = {table[g["c"]] for g in homoglyphs if g["c"] in table}
            if len(via) == 1:
                table[key] = via.pop()
    return table


def fold_confusables(text: str) -> str:
    """`text` in lower case, with look-alike letters of other scripts replaced by the ASCII
    letter they imitate. A character is looked up in lower case first ("І" as "і" -> "i"),
    then as written (Cyrillic "Н", whose lower case looks like nothing Latin -> "h")."""
    table = _table()
    out = []
    for char in text:
        lower = char.lower()
        out.append(table.get(lower) or table.get(char) or lower)
    return "".join(out)
