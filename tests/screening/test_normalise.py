# ruff: noqa: RUF001 (look-alike letters are the subject here)
"""Normalisation before lexicon matching: elision with every apostrophe, Unicode
compatibility forms (NFKC), look-alike letters of other scripts (TR39 confusables) and
zero-width characters, in each language; and ordinary words that must stay unflagged."""

from __future__ import annotations

import pytest

from amicable.screening.lexicon import Lexicon
from amicable.screening.normalise import skeleton

# One lexicon word per language, and a sentence frame in that language.
WORDS = {
    "nl": ("klootzak", "Die medewerker is een {} en dat weet hij."),
    "fr": ("connard", "Ce vendeur est un vrai {} depuis le début."),
    "en": ("moron", "The manager is a {} and everyone knows it."),
    "de": ("arschloch", "Der Verkäufer ist ein {} und das weiß er."),
}
LANGUAGES = sorted(WORDS)
APOSTROPHES = ["'", "\u2019", "\u2018", "\u02bc", "`"]
ZERO_WIDTH = {
    "ZWSP": "\u200b",
    "ZWNJ": "\u200c",
    "ZWJ": "\u200d",
    "WORD JOINER": "\u2060",
    "SOFT HYPHEN": "\u00ad",
    "BOM": "\ufeff",
}
# Cyrillic and Greek letters that look like Latin ones.
CYRILLIC = str.maketrans({"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "i": "і"})
GREEK = str.maketrans({"o": "ο", "i": "ι", "a": "α", "p": "ρ", "v": "ν", "u": "υ"})


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load()


def _flagged(lexicon: Lexicon, text: str, word: str) -> bool:
    return word in {h.expression for h in lexicon.scan(text)}


def _fullwidth(word: str) -> str:
    return "".join(chr(ord(c) - 0x61 + 0xFF41) for c in word)


def _bold(word: str) -> str:
    return "".join(chr(ord(c) - 0x61 + 0x1D41A) for c in word)


def _circled(word: str) -> str:
    return "".join(chr(ord(c) - 0x61 + 0x24D0) for c in word)


ELISIONS = {
    "nl": ["d{a}{w}", "'t is een {w}", "z{a}n {w}"],
    "fr": ["d{a}{w}", "l{a}{w}", "qu{a}{w}", "j{a}{w}", "n{a}{w}", "s{a}{w}", "c{a}{w}"],
    "en": ["the {w}{a}s fault", "l{a}{w}"],
    "de": ["d{a}{w}", "so{a}n {w}"],
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "apostrophe", APOSTROPHES, ids=["straight", "right", "left", "modifier", "grave"]
)
def test_elision_with_every_apostrophe(lexicon, language, apostrophe):
    word, frame = WORDS[language]
    for form in ELISIONS[language]:
        text = frame.format(form.format(a=apostrophe, w=word).replace("'", apostrophe))
        assert _flagged(lexicon, text, word), text


def test_italian_elision():
    assert skeleton("l'idiota") == skeleton("idiota")
    assert skeleton("dell\u2019idiota") == skeleton("idiota")
    assert skeleton("un\u02bcidiota") == skeleton("idiota")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "form",
    [_fullwidth, _bold, _circled, str.upper],
    ids=["fullwidth", "math-bold", "circled", "upper"],
)
def test_compatibility_forms(lexicon, language, form):
    word, frame = WORDS[language]
    assert _flagged(lexicon, frame.format(form(word)), word)


def test_ligatures(lexicon):
    assert _flagged(lexicon, "Espèce de \ufb01ls de pute !", "fils de pute")
    assert skeleton("\ufb02ic") == "flic"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("script", [CYRILLIC, GREEK], ids=["cyrillic", "greek"])
def test_look_alike_letters(lexicon, language, script):
    word, frame = WORDS[language]
    disguised = word.translate(script)
    assert disguised != word
    assert _flagged(lexicon, frame.format(disguised), word)


@pytest.mark.parametrize("language", LANGUAGES)
def test_capital_look_alikes(lexicon, language):
    word, frame = WORDS[language]
    disguised = word.upper().translate(str.maketrans({"A": "А", "O": "О", "C": "С", "E": "Е"}))
    assert _flagged(lexicon, frame.format(disguised), word)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("char", list(ZERO_WIDTH.values()), ids=list(ZERO_WIDTH))
def test_zero_width_characters(lexicon, language, char):
    word, frame = WORDS[language]
    hidden = word[:2] + char + word[2:-1] + char + word[-1]
    assert _flagged(lexicon, frame.format(hidden), word)
    assert _flagged(lexicon, frame.format(char + word), word)


ORDINARY = {
    "nl": "Één coördinator was naïef: ’t is d’r schuld niet, z’n reçu kwam te laat. "
    "Café, ideeën, geëmailde financiële overzichten, enquête en cliënt.",
    "fr": "L’été dernier, j’ai été déçu : qu’il s’agisse du garçon ou de l’hôtel, c’est "
    "l’œuvre d’un employé aimable. Ça coûte cher, n’est-ce pas ?",
    "en": "The naïve café owner's résumé said he'd fix it; it's the coördinator's job. "
    "Don't worry, we'll see; the fiancée isn't upset.",
    "de": "Die Straße in Köln, der Müller und die Bürgerinitiative: größer, schöner, "
    "Übermaß an Ärger. Wir hätten gern eine Rückerstattung.",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_ordinary_text_is_not_flagged(lexicon, language):
    assert lexicon.scan(ORDINARY[language]) == []


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("één", "een"),
        ("coördinator", "coordinator"),
        ("garçon", "garcon"),
        ("müller", "muller"),
        ("œuvre", "oeuvre"),
        ("naïef", "naief"),
    ],
)
def test_accents_fold_to_their_own_letter(word, expected):
    # Accented Latin letters keep their base letter; look-alike folding never touches them.
    assert skeleton(word) == skeleton(expected)


def test_ascii_is_never_folded_as_a_look_alike():
    # TR39 would make "rn" look like "m"; our skeleton keeps ASCII letters as they are.
    assert skeleton("barn") != skeleton("bam")
    assert skeleton("modern") == "modern"
