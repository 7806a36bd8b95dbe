"""The message catalogue is complete: every message, thing, field label and category in
nl, fr and en, with the same placeholders; every field the input checks name has a label,
every thing `not_found` names has a name, and every error code is described."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from amicable.infra.errors import ErrorCode, UserError
from amicable.infra.message_names import CATEGORY_LABELS, FIELD_LABELS, THINGS
from amicable.infra.messages import CATALOGUE, Msg, placeholders
from amicable.models.enums import ComplaintCategory, Language
from amicable.schema.types.errors import ERROR_CODE_DESCRIPTIONS

PACKAGE = Path(__file__).resolve().parent.parent / "amicable"
SOURCES = {path: path.read_text() for path in PACKAGE.rglob("*.py")}


@pytest.mark.parametrize("key", list(Msg))
def test_every_message_is_in_every_language_with_the_same_placeholders(key):
    texts = CATALOGUE[key]
    assert set(texts) == set(Language), key
    english = placeholders(texts[Language.EN])
    for language, text in texts.items():
        assert text.strip(), (key, language)
        assert placeholders(text) == english, (key, language)


def test_names_and_labels_are_in_every_language():
    for table in (THINGS, FIELD_LABELS):
        for name, words in table.items():
            assert set(words) == set(Language) and all(words.values()), name
    assert set(CATEGORY_LABELS) == set(ComplaintCategory)
    for words in CATEGORY_LABELS.values():
        assert set(words) == set(Language) and all(words.values())


def test_every_field_the_checks_name_has_a_label():
    named = set()
    for source in SOURCES.values():
        named |= set(re.findall(r'check_(?:text|email)\(\s*"([^"]+)"', source))
    assert named, "the scan found no checks"
    assert named <= set(FIELD_LABELS), named - set(FIELD_LABELS)


def test_every_missing_thing_has_a_name():
    named = set()
    for source in SOURCES.values():
        named |= set(re.findall(r'not_found\(\s*"([^"]+)"', source))
        named |= set(re.findall(r'decode_id\([^,]+,\s*"([^"]+)"', source))
    assert named, "the scan found nothing"
    assert named <= set(THINGS), named - set(THINGS)


def test_no_message_is_written_outside_the_catalogue():
    """A UserError names a catalogue key; a literal sentence would reach every viewer in
    one language."""
    offenders = [
        str(path.relative_to(PACKAGE))
        for path, source in SOURCES.items()
        if re.search(r'(UserError|Failure)\(\s*ErrorCode\.\w+,\s*f?"', source)
    ]
    assert not offenders


def test_every_key_is_used():
    used = set()
    for source in SOURCES.values():
        used |= set(re.findall(r"Msg\.([A-Z_]+)", source))
    assert {key.name for key in Msg} <= used, {key.name for key in Msg} - used


def test_every_error_code_is_described():
    assert set(ERROR_CODE_DESCRIPTIONS) == set(ErrorCode)


def test_parameters_fill_the_message_in_every_language():
    error = UserError(ErrorCode.TOO_LONG, Msg.TOO_LONG, "title", {"maxLength": 200})
    assert error.message == "Title is longer than 200 characters."
    assert error.message_in(Language.NL) == "Titel is langer dan 200 tekens."
    assert error.message_in(Language.FR) == "Titre : pas plus de 200 caractères."


def test_the_api_enums_cover_the_values_the_operations_store():
    from amicable import scoring
    from amicable.models.nudge import NudgeKind
    from amicable.resolvers import notifications
    from amicable.schema.types.moderation import LexiconCategory, NotificationKind
    from amicable.schema.types.score import ScoreLabel, ScoreUnavailableReason
    from amicable.screening import lexicon

    # Nudges notify the consumer as "nudge.<kind>" (the worker writes their text).
    nudged = {
        f"nudge.{kind.value.lower()}"
        for kind in NudgeKind
        if kind not in (NudgeKind.REMINDER, NudgeKind.AGENT_DIGEST)
    }
    assert {k.value for k in NotificationKind} == set(notifications._TEXTS) | nudged
    assert [label.value for label in ScoreLabel] == list(scoring.LABELS)
    assert {r.value for r in ScoreUnavailableReason} == {scoring.NOT_ENOUGH_DATA}
    assert {c.value for c in LexiconCategory} == set(lexicon.CATEGORIES)
