# ruff: noqa: RUF002 (compatibility forms are the subject here)
"""Finding what the platform knows to be private in free text.

The general detectors (`personal_data`) find anything that looks like an email address or a
phone number. This module finds the private facts of one thread, which no pattern could
guess: the consumer's name, their postal address and customer reference, and the exact
addresses and number they gave, in whatever form they are written again:

- case, accents and compatibility forms do not matter ("JAN DESMÉT", "Ｄｅｓｍｅｔ"), nor do
  zero-width characters inserted into a word;
- words may be separated by any run of spaces, line breaks or punctuation ("Jan\\nDesmet"),
  and a name may be written family name first ("Desmet, Jan");
- a phone number matches in any grouping and with or without its country prefix
  ("0470 12 34 56", "+32470123456", "0470/12.34.56");
- an email address also matches spelt out ("jan.desmet (at) example (dot) org").

A name matches whole, family name first or last, as its family name alone ("De Smet",
"Desmet", "Smet") and as each of its given names alone ("Jan"): a greeting uses the first
name. Particles ("de", "van", "le") never match alone, and a two-letter part ("An", "Li")
alone only when written with a capital, so "an" stays readable. Postal addresses match per
line that has both a number and a word (street and number, postcode and city), and whole.

Matching is on whole words only, so "Jansen" is not "Jan".
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from amicable.screening.confusables import fold_confusables
from amicable.screening.personal_data import PersonalDataHit

_PARTICLES = frozenset(
    [
        "d",
        "l",
        "de",
        "den",
        "der",
        "des",
        "du",
        "da",
        "das",
        "di",
        "do",
        "dos",
        "del",
        "della",
        "dello",
        "degli",
        "het",
        "t",
        "ten",
        "ter",
        "te",
        "van",
        "vanden",
        "vander",
        "von",
        "vom",
        "zu",
        "zum",
        "zur",
        "la",
        "le",
        "les",
        "lo",
        "y",
        "e",
        "el",
        "al",
        "bin",
        "ben",
        "ibn",
        "mac",
        "mc",
        "st",
        "saint",
        "sainte",
        "op",
        "in",
        "'t",
    ]
)
_SEP = r"[\W_]+"  # at least one space, line break or punctuation mark between two words
_JOIN = r"[\W_]*"  # inside one name: "De Smet" ~ "Desmet", "D'Hondt" ~ "Dhondt"
_START = r"(?<![^\W_])"
_END = r"(?![^\W_])"
_AT = r"\s*(?:@|\(at\)|\[at\]|\sat\s|\sarobase\s|\sapenstaartje\s)\s*"
_DOT = r"\s*(?:\.|\(dot\)|\[dot\]|\sdot\s|\spunt\s|\spoint\s)\s*"
_HOUSE_NUMBER = r"[\W_]+(?:(?:nr|no|n|num|numero|nummer|huisnummer)[\W_]*)?"
_COUNTRY_CODES = ("352", "32", "31", "33", "49", "44", "41", "43", "39", "34")


@dataclass(frozen=True, slots=True)
class KnownPrivate:
    """The private facts of one thread."""

    names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    references: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Pattern:
    kind: str
    regex: re.Pattern[str]
    capital_only: bool = False


def fold_with_origins(text: str) -> tuple[str, list[int]]:
    """`text` folded for comparison (lower case, no accents, compatibility forms and
    look-alike letters resolved, invisible characters gone), with the index in `text` that
    each folded character came from."""
    if text.isascii():
        # The common case, read on every public page: nothing to decompose or look up.
        return text.lower(), list(range(len(text)))
    out: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        if char < "\x80":
            out.append(char.lower())
            origins.append(index)
            continue
        if unicodedata.category(char) == "Cf":
            continue
        for part in unicodedata.normalize("NFKD", char):
            if unicodedata.combining(part):
                continue
            for folded in fold_confusables(part).casefold():
                out.append(folded)
                origins.append(index)
    return "".join(out), origins


def fold(text: str) -> str:
    return fold_with_origins(text)[0]


def find_known(text: str, known: KnownPrivate) -> list[PersonalDataHit]:
    """Every place in `text` where one of the known private facts appears, as hits that do
    not overlap (the longest wins), in text order."""
    patterns = _patterns(known)
    if not patterns or not text:
        return []
    folded, origins = fold_with_origins(text)
    found: list[PersonalDataHit] = []
    for pattern in patterns:
        for match in pattern.regex.finditer(folded):
            if match.end() == match.start():
                continue
            start, end = origins[match.start()], origins[match.end() - 1] + 1
            if pattern.capital_only and not text[start].isupper():
                continue
            found.append(PersonalDataHit(pattern.kind, start, end, text[start:end]))
    return without_overlaps(found)


def without_overlaps(hits: Iterable[PersonalDataHit]) -> list[PersonalDataHit]:
    """Hits that do not overlap: of two that do, the longer one (then the earlier) stays."""
    starts: list[int] = []  # of the kept hits, sorted; kept hits never overlap
    kept: list[PersonalDataHit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        at = bisect.bisect_left(starts, hit.start)
        if at > 0 and kept[at - 1].end > hit.start:
            continue
        if at < len(kept) and kept[at].start < hit.end:
            continue
        starts.insert(at, hit.start)
        kept.insert(at, hit)
    return kept


@lru_cache(maxsize=512)
def _patterns(known: KnownPrivate) -> tuple[_Pattern, ...]:
    patterns: list[_Pattern] = []
    for name in known.names:
        patterns += _name_patterns(name)
    for email in known.emails:
        patterns += _email_patterns(email)
    for phone in known.phones:
        patterns += _phone_patterns(phone)
    for address in known.addresses:
        patterns += _address_patterns(address)
    for reference in known.references:
        patterns += _reference_patterns(reference)
    return tuple(patterns)


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\W_]+", fold(text)) if w]


def _joined(words: list[str], sep: str) -> str:
    return sep.join(re.escape(w) for w in words)


def _bounded(body: str) -> re.Pattern[str]:
    return re.compile(f"{_START}(?:{body}){_END}")


def _name_patterns(name: str) -> list[_Pattern]:
    groups = [_words(g) for g in name.split()]
    groups = [g for g in groups if g]
    if not groups:
        return []
    given, family = groups[0], [w for g in groups[1:] for w in g]
    alternatives: list[str] = []
    if family:
        given_re, family_re = _joined(given, _JOIN), _joined(family, _JOIN)
        alternatives += [f"{given_re}{_SEP}{family_re}", f"{family_re}{_SEP}{given_re}"]
        alternatives.append(family_re)
    patterns = [_Pattern("name", _bounded("|".join(alternatives)))] if alternatives else []
    parts = {w for g in groups for w in g if w not in _PARTICLES and w.isalpha()}
    long_parts = sorted((w for w in parts if len(w) >= 3), key=len, reverse=True)
    short_parts = sorted(w for w in parts if len(w) == 2)
    if long_parts:
        patterns.append(_Pattern("name", _bounded(_joined(long_parts, "|"))))
    if short_parts:
        patterns.append(_Pattern("name", _bounded(_joined(short_parts, "|")), capital_only=True))
    return patterns


def _email_patterns(email: str) -> list[_Pattern]:
    local, at, domain = fold(email.strip()).rpartition("@")
    if not at or not local or "." not in domain:
        return []
    domain_re = _DOT.join(re.escape(part) for part in domain.split("."))
    patterns = [_Pattern("email", _bounded(f"{re.escape(local)}{_AT}{domain_re}"))]
    # "jan.desmet" alone is as good as a name; "info" or "klachten" alone is just a word.
    if len(local) >= 5 and re.search(r"[._\-]", local):
        patterns.append(_Pattern("email", _bounded(re.escape(local))))
    return patterns


def national_digits(phone: str) -> str:
    """The number without country prefix or trunk zero: "+32 (0)470 12 34 56" and
    "0470/12.34.56" both give "470123456"."""
    stripped = phone.strip()
    digits = re.sub(r"\D", "", stripped)
    if stripped.startswith("+") or digits.startswith("00"):
        digits = digits[2:] if digits.startswith("00") else digits
        code = next((c for c in _COUNTRY_CODES if digits.startswith(c)), digits[:2])
        digits = digits[len(code) :]
    return digits.lstrip("0")


def _phone_patterns(phone: str) -> list[_Pattern]:
    digits = national_digits(phone)
    if len(digits) < 6:
        return []
    body = r"[\s./()\-]*".join(digits)
    prefix = r"(?:(?:\+|00)\s*\d{1,3}[\s./\-]*(?:\(0\)[\s./\-]*)?|(?:\(0\)|0)[\s./\-]*)?"
    return [_Pattern("phone", re.compile(rf"(?<![\d+]){prefix}{body}(?!\d)"))]


def _address_patterns(address: str) -> list[_Pattern]:
    lines = [_words(line) for line in re.split(r"[\n,;]+", address)]
    lines = [line for line in lines if line]
    alternatives: list[str] = []
    if len(lines) > 1:
        alternatives.append(_SEP.join(_line(line) for line in lines))
    for line in lines:
        has_number = any(w.isdigit() or w[0].isdigit() for w in line)
        has_word = any(len(w) >= 2 and w.isalpha() for w in line)
        if has_number and has_word:
            alternatives.append(_line(line))
            # "Kerkstraat 12 bus 3": the street and number alone are the address too.
            numbered = next(i for i, w in enumerate(line) if w[0].isdigit())
            if 0 < numbered < len(line) - 1:
                alternatives.append(_line(line[: numbered + 1]))
    if not alternatives:
        return []
    return [_Pattern("address", _bounded("|".join(alternatives)))]


def _line(words: list[str]) -> str:
    parts = [re.escape(words[0])]
    for word in words[1:]:
        sep = _HOUSE_NUMBER if word[0].isdigit() else _SEP
        parts.append(f"{sep}{re.escape(word)}")
    return "".join(parts)


def _reference_patterns(reference: str) -> list[_Pattern]:
    alternatives = []
    compact = [ch for ch in fold(reference) if ch.isalnum()]
    if len(compact) >= 4:
        alternatives.append(r"[\s./\-_#:]*".join(re.escape(ch) for ch in compact))
    # "klantnr. 778899": the number is the reference, whatever words the consumer put around it.
    for word in _words(reference):
        if len(word) >= 4 and any(ch.isdigit() for ch in word):
            alternatives.append(re.escape(word))
    if not alternatives:
        return []
    return [_Pattern("reference", _bounded("|".join(alternatives)))]
