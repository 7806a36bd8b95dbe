"""Personal data in free text: email addresses, phone numbers (Belgian, Dutch, French),
IBANs (ISO 13616 mod-97 checksum), Belgian national register numbers (mod-97 checksum, both
centuries) and payment card numbers (Luhn).

Numbers are only reported when their checksum or numbering plan holds, so an order number
or an amount is not masked by accident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("email", "phone", "iban", "national_number", "card")


@dataclass(frozen=True, slots=True)
class PersonalDataHit:
    kind: str
    start: int
    end: int
    text: str


_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# Candidate number runs: digits with the separators people type (space, dot, dash, slash,
# parentheses), optionally led by + or 00 for an international prefix.
_NUMBER_RUN = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s./()\-]{6,}\d(?!\w)")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){10,30}\b", re.IGNORECASE)
# ISO 13616 lengths of the countries our users meet most; others are checked by mod-97 alone.
_IBAN_LENGTHS = {"BE": 16, "NL": 18, "FR": 27, "DE": 22, "LU": 20, "GB": 22, "ES": 24, "IT": 27}


def find_personal_data(text: str) -> list[PersonalDataHit]:
    hits: list[PersonalDataHit] = []
    for match in _EMAIL.finditer(text):
        hits.append(PersonalDataHit("email", match.start(), match.end(), match.group()))
    for match in _IBAN.finditer(text):
        # The pattern may run on into the next word ("...7034 en"); the IBAN is the longest
        # prefix whose checksum holds.
        for end in range(match.end(), match.start() + 14, -1):
            candidate = text[match.start() : end]
            if candidate[-1].isalnum() and is_valid_iban(candidate):
                hits.append(PersonalDataHit("iban", match.start(), end, candidate))
                break
    for match in _NUMBER_RUN.finditer(text):
        candidate = match.group().rstrip(".-/ ")
        start = match.start()
        # A number in parentheses, "(0470 12 34 56)": the parentheses are the sentence's.
        if candidate.startswith("(") and ")" not in candidate:
            candidate, start = candidate[1:], start + 1
        if candidate.endswith(")") and "(" not in candidate:
            candidate = candidate[:-1]
        end = start + len(candidate)
        if _overlaps(hits, start, end):
            continue
        kind = _classify_number(candidate)
        if kind:
            hits.append(PersonalDataHit(kind, start, end, candidate))
    return sorted(hits, key=lambda h: h.start)


def mask(text: str, hits: list[PersonalDataHit], labels: dict[str, str]) -> str:
    """Replace each hit by its label ("[phone number removed]"), right to left so earlier
    offsets stay valid."""
    masked = text
    for hit in sorted(hits, key=lambda h: h.start, reverse=True):
        masked = masked[: hit.start] + labels.get(hit.kind, "[…]") + masked[hit.end :]
    return masked


def _overlaps(hits: list[PersonalDataHit], start: int, end: int) -> bool:
    return any(h.start < end and start < h.end for h in hits)


def _classify_number(candidate: str) -> str | None:
    digits = re.sub(r"\D", "", candidate)
    if is_belgian_national_number(digits) and _looks_like_national_number(candidate):
        return "national_number"
    if 13 <= len(digits) <= 19 and luhn_valid(digits):
        return "card"
    if is_phone_number(candidate):
        return "phone"
    return None


def _looks_like_national_number(candidate: str) -> bool:
    # Written as 85.07.30-033.28, 850730 033 28 or 85073003328: eleven digits, no "+".
    return not candidate.startswith(("+", "00"))


def is_phone_number(candidate: str) -> bool:
    """A Belgian, Dutch or French number, national or international form."""
    international = candidate.startswith(("+", "00"))
    digits = re.sub(r"\D", "", candidate)
    if international:
        digits = digits[2:] if candidate.startswith("00") else digits
        # "+32 (0)470..." keeps a trunk zero in parentheses.
        country, rest = digits[:2], digits[2:]
        if rest.startswith("0"):
            rest = rest[1:]
        if country == "32":
            return len(rest) in (8, 9) and rest[0] != "0"
        if country == "31":
            return len(rest) == 9 and rest[0] != "0"
        if country == "33":
            return len(rest) == 9 and rest[0] in "123456789"
        return False
    if not digits.startswith("0") or digits.startswith("00"):
        return False
    # Belgium: 0 + 8 digits (landline) or 04xx + 6 (mobile, 10 digits);
    # the Netherlands and France: 0 + 9 digits.
    if len(digits) == 9:
        return digits[1] != "0"
    if len(digits) == 10:
        return digits[1] != "0"
    return False


def is_valid_iban(value: str) -> bool:
    compact = re.sub(r"\s", "", value).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", compact):
        return False
    expected = _IBAN_LENGTHS.get(compact[:2])
    if expected is not None and len(compact) != expected:
        return False
    rearranged = compact[4:] + compact[:4]
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(numeric) % 97 == 1


def is_belgian_national_number(digits: str) -> bool:
    """Rijksregisternummer / numéro de registre national: YYMMDD SSS CC, where CC is
    97 - (first nine digits mod 97), with 2 prefixed to the nine digits for births from 2000."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    body, check = int(digits[:9]), int(digits[9:])
    month = int(digits[2:4])
    # Month 0 and day 0 occur for unknown birth dates; months 20-32 / 40-52 for bis numbers.
    if not (month <= 12 or 20 <= month <= 32 or 40 <= month <= 52):
        return False
    return check in (97 - body % 97, 97 - (2_000_000_000 + body) % 97)


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, ch in enumerate(reversed(digits)):
        value = int(ch)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0
