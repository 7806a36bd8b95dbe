"""People's names: what a full name may not contain, and the words it is made of.

A full name is shown to the company and, as a pseudonym ("Jan D."), to the public; an email
address or a phone number typed as a name would leak through both, so such a name is refused
at registration.
"""

from __future__ import annotations

import re

from amicable.screening.personal_data import find_personal_data

# A run of digits with the separators people type in phone numbers: six digits or more is
# a number, not a name, whatever country's plan it follows.
_DIGIT_RUN = re.compile(r"\+?\d[\d\s./()\-]*\d")
_MIN_DIGITS = 6


def contact_details_in_name(name: str) -> str | None:
    """The kind of contact detail a name contains ("email", "phone", ...), or None."""
    if "@" in name or "\uff20" in name:
        return "email"
    hits = find_personal_data(name)
    if hits:
        return hits[0].kind
    for match in _DIGIT_RUN.finditer(name):
        if sum(ch.isdigit() for ch in match.group()) >= _MIN_DIGITS:
            return "phone"
    return None


def name_words(full_name: str) -> list[str]:
    """The words of a name that can be shown: no email addresses, no words with digits."""
    words = []
    for word in full_name.split():
        word = word.strip(".,;:()[]{}<>\"'")
        if not word or "@" in word or any(ch.isdigit() for ch in word):
            continue
        if any(ch.isalpha() for ch in word):
            words.append(word)
    return words
