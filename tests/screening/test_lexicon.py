"""The abusive-language lexicon: whole words, through the usual obfuscations, in four
languages, extendable from data files."""

from __future__ import annotations

from pathlib import Path

import pytest

from amicable.screening.lexicon import Lexicon, LexiconError


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load()


@pytest.mark.parametrize(
    ("text", "category", "expression"),
    [
        ("Jullie zijn een stelletje klootzakken.", "insult", "klootzakken"),
        ("Quelle bande de connards !", "insult", "connards"),
        ("You are all morons", "insult", "morons"),
        ("Sie sind Betrüger", "insult", "betrüger"),
        ("Vuile makak", "racism", "makak"),
        ("Je sais où tu habites.", "violence", "je sais où tu habites"),
        ("I know where you live", "violence", "i know where you live"),
        ("Ich bringe dich um", "violence", "ich bringe dich um"),
    ],
)
def test_each_language_and_category(lexicon, text, category, expression):
    hits = lexicon.scan(text)
    assert [(h.category, h.expression) for h in hits] == [(category, expression)]


@pytest.mark.parametrize(
    "text",
    [
        "K.l.0.0.t.z.a.k",  # inserted dots and l33t digits
        "kloooootzak",  # repeated letters
        "KLOOTZAK!!!",  # capitals and trailing punctuation
        "k l o o t z a k",  # spaced-out letters
        "kl00tz@k",  # symbols for letters
        "klo_ot-zak",  # underscores and dashes
    ],
)
def test_obfuscations_are_seen_through(lexicon, text):
    assert [h.expression for h in lexicon.scan(text)] == ["klootzak"]


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe United",  # an insult inside a harmless word
        "De idiote regeling van de verzekering",  # a different word, not in the lexicon
        "Mijn klacht gaat over een lullige fout",
        "Il m'a escroqué de 50 euros",
    ],
)
def test_harmless_text_is_not_flagged(lexicon, text):
    assert lexicon.scan(text) == []


def test_hits_point_at_the_words_in_the_text(lexicon):
    text = "Dat is echt een K.l.0.0.t.z.a.k van een bedrijf"
    (hit,) = lexicon.scan(text)
    assert text[hit.start : hit.end] == "K.l.0.0.t.z.a.k"


def test_moderators_extend_it_with_their_own_files(tmp_path: Path):
    (tmp_path / "local.txt").write_text("# extra\ninsult: prutser\n", encoding="utf-8")
    extended = Lexicon.load(tmp_path)
    assert [h.expression for h in extended.scan("Wat een pr.u.t.s.e.r")] == ["prutser"]
    assert extended.size == Lexicon.load().size + 1


def test_a_malformed_lexicon_line_names_file_and_line(tmp_path: Path):
    (tmp_path / "broken.txt").write_text("insult: ok\nrude words\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"broken\.txt line 2"):
        Lexicon.load(tmp_path)
