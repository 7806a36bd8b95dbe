"""Search over public text must not find a complaint by what its public text hides.

Public text is masked on arrival, but complaints stored before a fact was masked (imported
history, older versions) may still hold it in their stored public version. For viewers who
may not read a complaint's private details, a search whose words are part of that
complaint's private facts (its consumer's name or email address, its phone number, postal
address or customer reference) does not find it.
"""

from __future__ import annotations

import re

from tortoise.expressions import Q

from amicable.screening.known import fold

_PARTICLES = frozenset(
    [
        "de",
        "den",
        "der",
        "des",
        "du",
        "da",
        "di",
        "het",
        "van",
        "von",
        "la",
        "le",
        "les",
        "ter",
        "ten",
    ]
)


def private_match(text: str) -> Q:
    """Complaints whose private facts contain the search text, or one of its words."""
    query = (
        Q(consumer__full_name__icontains=text)
        | Q(consumer__email__icontains=text)
        | Q(customer_reference__icontains=text)
        | Q(phone__icontains=text)
        | Q(postal_address__icontains=text)
    )
    for word in {w for w in re.split(r"[\W_]+", text) if len(w) >= 3}:
        if fold(word) in _PARTICLES:
            continue
        # Words of a name, not of an address: a city in a search is not a private fact.
        query |= Q(consumer__full_name__icontains=word)
        if fold(word) != word.lower():
            # "Desmét" typed, "Desmet" stored: try the word without its accents as well.
            query |= Q(consumer__full_name__icontains=fold(word))
    return query
