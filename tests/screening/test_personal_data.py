"""Personal-data detection: each kind, with valid and invalid checksums."""

from __future__ import annotations

import pytest

from amicable.screening.personal_data import (
    find_personal_data,
    is_belgian_national_number,
    is_valid_iban,
    luhn_valid,
    mask,
)


def kinds(text: str) -> list[tuple[str, str]]:
    return [(hit.kind, hit.text) for hit in find_personal_data(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bel me op 0470 12 34 56.", [("phone", "0470 12 34 56")]),
        ("GSM: +32 470 12 34 56", [("phone", "+32 470 12 34 56")]),
        ("of 0032 (0)470/12.34.56", [("phone", "0032 (0)470/12.34.56")]),
        ("vaste lijn 09 123 45 67", [("phone", "09 123 45 67")]),
        ("mobiel 06-12345678", [("phone", "06-12345678")]),
        ("bellen naar +31 6 12345678", [("phone", "+31 6 12345678")]),
        ("Appelez le 06 12 34 56 78", [("phone", "06 12 34 56 78")]),
        ("ou le +33 1 23 45 67 89", [("phone", "+33 1 23 45 67 89")]),
    ],
)
def test_phone_numbers_in_belgian_dutch_and_french_formats(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Factuur 2024-118833 van 212,40 euro",
        "Besteld op 12.03.2024 om 14.30",
        "Ordernummer 123456789012",
        "Postcode 9000 Gent, huisnummer 12",
        "+49 30 1234567",  # German numbers are not in the numbering plans we mask
    ],
)
def test_amounts_dates_and_order_numbers_are_not_personal_data(text):
    assert kinds(text) == []


def test_email_addresses():
    assert kinds("Mail naar jan.desmet+klacht@telenet.be of marie@exemple.fr.") == [
        ("email", "jan.desmet+klacht@telenet.be"),
        ("email", "marie@exemple.fr"),
    ]


@pytest.mark.parametrize(
    "iban",
    [
        "BE68 5390 0754 7034",
        "BE68539007547034",
        "NL91ABNA0417164300",
        "FR14 2004 1010 0505 0001 3M02 606",
        "DE89 3704 0044 0532 0130 00",
    ],
)
def test_valid_ibans_are_found(iban):
    assert is_valid_iban(iban)
    assert kinds(f"Rekening {iban} graag.") == [("iban", iban)]


@pytest.mark.parametrize(
    "iban",
    ["BE68 5390 0754 7035", "NL91ABNA0417164301", "BE68 5390 0754 703", "XX00 1234 5678 9012"],
)
def test_ibans_with_a_wrong_checksum_or_length_are_not(iban):
    assert not is_valid_iban(iban)
    assert [k for k, _ in kinds(f"Rekening {iban} graag.")] != ["iban"]


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("85073003328", True),  # born 1985
        ("85073003329", False),
        ("01020312345", True),  # born 2001
        ("01020312346", False),
        ("17073003384", True),  # born 2017: the check uses 2 prefixed to the nine digits
        ("17073003385", False),
        ("85133003328", False),  # month 13
    ],
)
def test_belgian_national_register_checksum(number, valid):
    assert is_belgian_national_number(number) is valid


def test_national_register_numbers_in_text():
    assert kinds("Mijn rijksregisternummer is 85.07.30-033.28.") == [
        ("national_number", "85.07.30-033.28")
    ]
    assert kinds("Mijn rijksregisternummer is 85.07.30-033.29.") == []


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("4111111111111111", True),
        ("4111111111111112", False),
        ("5555555555554444", True),
        ("378282246310005", True),
        ("378282246310006", False),
    ],
)
def test_card_numbers_by_luhn(number, valid):
    assert luhn_valid(number) is valid
    found = kinds(f"Betaald met {number[:4]} {number[4:8]} {number[8:12]} {number[12:]}")
    assert (found[0][0] == "card") if valid else all(k != "card" for k, _ in found)


def test_masking_replaces_each_hit_and_keeps_the_rest():
    text = "Bel 0470 12 34 56 of mail jan@telenet.be, rekening BE68 5390 0754 7034."
    labels = {"phone": "[telefoon]", "email": "[e-mail]", "iban": "[rekening]"}
    assert mask(text, find_personal_data(text), labels) == (
        "Bel [telefoon] of mail [e-mail], rekening [rekening]."
    )


def test_a_number_in_parentheses_keeps_the_parentheses_outside_the_hit():
    from amicable.screening import find_personal_data

    text = "Bel me (0470 12 34 56) of (+32 470 12 34 56)."
    hits = find_personal_data(text)
    assert [h.text for h in hits] == ["0470 12 34 56", "+32 470 12 34 56"]
