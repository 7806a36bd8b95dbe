"""The abusive-language lexicon: insults, racist and violent expressions in nl, fr, en, de.

Shipped as plain text files (`lexicon/<language>.txt`, "category: expression" a line) so a
moderator can extend them without touching code; `AMICABLE_LEXICON_DIR` adds a folder of
further files in the same format.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from amicable.screening.normalise import skeleton, token_spans

BUILTIN_DIR = Path(__file__).resolve().parent / "lexicon"
CATEGORIES = ("insult", "racism", "violence")


@dataclass(frozen=True, slots=True)
class LexiconHit:
    category: str
    expression: str
    language: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Entry:
    category: str
    expression: str
    language: str
    skeletons: tuple[str, ...]


class LexiconError(ValueError):
    """A lexicon file has a line that is not "category: expression"."""


class Lexicon:
    def __init__(self, entries: list[_Entry]) -> None:
        self._by_first: dict[str, list[_Entry]] = {}
        for entry in entries:
            self._by_first.setdefault(entry.skeletons[0], []).append(entry)
        self.size = len(entries)

    @classmethod
    def load(cls, *extra_dirs: Path) -> Lexicon:
        entries: list[_Entry] = []
        for folder in (BUILTIN_DIR, *extra_dirs):
            for path in sorted(folder.glob("*.txt")):
                entries.extend(_parse(path))
        return cls(entries)

    def scan(self, text: str) -> list[LexiconHit]:
        """Every lexicon expression in `text`, matched on whole tokens."""
        spans = token_spans(text)
        hits: list[LexiconHit] = []
        seen: set[tuple[int, int, str]] = set()
        for index, (start, _, word) in enumerate(spans):
            for entry in self._by_first.get(word, []):
                length = len(entry.skeletons)
                window = spans[index : index + length]
                if tuple(s[2] for s in window) != entry.skeletons:
                    continue
                key = (start, window[-1][1], entry.category)
                if key not in seen:
                    seen.add(key)
                    hits.append(
                        LexiconHit(entry.category, entry.expression, entry.language, *key[:2])
                    )
        return hits


def _parse(path: Path) -> list[_Entry]:
    entries = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        category, sep, expression = line.partition(":")
        category, expression = category.strip(), expression.strip()
        if not sep or category not in CATEGORIES or not expression:
            raise LexiconError(f"{path.name} line {number}: expected 'category: expression'")
        skeletons = tuple(s for s in (skeleton(w) for w in expression.split()) if s)
        if skeletons:
            entries.append(_Entry(category, expression, path.stem, skeletons))
    return entries
