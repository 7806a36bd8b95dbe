"""Applying screening to what arrives: lexicon hits hold it for a moderator, personal data
is masked in the public version at once (PRODUCT.md section 6).

The detection itself lives in `amicable.screening`; this module decides what a hit means
and writes the moderation item that says why, inside the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from amicable.models import Complaint, Message, ModerationItem
from amicable.models.enums import Visibility
from amicable.models.moderation import ModerationItemKind
from amicable.resolvers.moderation_items import queue_item
from amicable.screening import Lexicon, LexiconHit, find_personal_data, mask
from amicable.screening.known import KnownPrivate, find_known, without_overlaps
from amicable.services import Services
from amicable.subscriptions.bus.events import Event

# The visible marker put where personal data was removed, in the author's language.
MASK_LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "email": "[e-mailadres verwijderd]",
        "phone": "[telefoonnummer verwijderd]",
        "iban": "[rekeningnummer verwijderd]",
        "national_number": "[rijksregisternummer verwijderd]",
        "card": "[kaartnummer verwijderd]",
        "name": "[naam verwijderd]",
        "address": "[adres verwijderd]",
        "reference": "[klantnummer verwijderd]",
    },
    "fr": {
        "email": "[adresse e-mail supprimée]",
        "phone": "[numéro de téléphone supprimé]",
        "iban": "[numéro de compte supprimé]",
        "national_number": "[numéro de registre national supprimé]",
        "card": "[numéro de carte supprimé]",
        "name": "[nom supprimé]",
        "address": "[adresse supprimée]",
        "reference": "[numéro de client supprimé]",
    },
    "en": {
        "email": "[email address removed]",
        "phone": "[phone number removed]",
        "iban": "[bank account number removed]",
        "national_number": "[national register number removed]",
        "card": "[card number removed]",
        "name": "[name removed]",
        "address": "[address removed]",
        "reference": "[customer reference removed]",
    },
    "de": {
        "email": "[E-Mail-Adresse entfernt]",
        "phone": "[Telefonnummer entfernt]",
        "iban": "[Kontonummer entfernt]",
        "national_number": "[Nationalregisternummer entfernt]",
        "card": "[Kartennummer entfernt]",
        "name": "[Name entfernt]",
        "address": "[Adresse entfernt]",
        "reference": "[Kundennummer entfernt]",
    },
}


def labels_for(language: str) -> dict[str, str]:
    return MASK_LABELS.get(language, MASK_LABELS["en"])


@dataclass
class Screened:
    """What screening found in one or more texts, and their public versions."""

    public_texts: list[str]
    lexicon_hits: list[LexiconHit] = field(default_factory=list)
    personal_data: list[str] = field(default_factory=list)
    # The thread's own private facts (the consumer's name, address...) found and masked:
    # certain, so they need no moderator's review, unlike the detectors' guesses.
    known_data: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        """Abusive language: the content waits for a moderator."""
        return bool(self.lexicon_hits)

    @property
    def masked(self) -> bool:
        return bool(self.personal_data)

    @property
    def edited(self) -> bool:
        """The public version differs from the original."""
        return bool(self.personal_data or self.known_data)

    def details(self) -> dict[str, object]:
        return {
            "lexicon": [
                {"category": h.category, "expression": h.expression, "language": h.language}
                for h in _distinct(self.lexicon_hits)
            ],
            "personal_data": sorted(set(self.personal_data)),
        }

    def summary(self) -> str:
        parts = []
        if self.lexicon_hits:
            categories = sorted({h.category for h in self.lexicon_hits})
            parts.append(f"Abusive language ({', '.join(categories)}).")
        if self.personal_data:
            parts.append(f"Personal data masked ({', '.join(sorted(set(self.personal_data)))}).")
        return " ".join(parts)


def screen(
    lexicon: Lexicon, texts: list[str], language: str, known: KnownPrivate | None = None
) -> Screened:
    labels = labels_for(language)
    result = Screened(public_texts=[])
    for text in texts:
        result.lexicon_hits += lexicon.scan(text)
        found = find_personal_data(text)
        known_found = find_known(text, known) if known else []
        result.personal_data += [hit.kind for hit in found]
        result.known_data += [hit.kind for hit in known_found]
        hits = without_overlaps([*found, *known_found])
        result.public_texts.append(mask(text, hits, labels) if hits else text)
    return result


# Detector kinds applied again when public text is read: any address or phone number
# (an agent's address in imported history, say). The checksum kinds were masked on arrival.
_READ_TIME_KINDS = ("email", "phone")


def mask_known(text: str, known: KnownPrivate, language: str) -> str:
    """The public version of a text as read now: the thread's private facts, and any email
    address or phone number, masked with the same markers as on arrival. Applied when public
    text is read, so text stored before a fact was known (or before this rule) is masked
    too."""
    detected = [h for h in find_personal_data(text) if h.kind in _READ_TIME_KINDS]
    hits = without_overlaps([*detected, *find_known(text, known)])
    return mask(text, hits, labels_for(language)) if hits else text


async def record_complaint_item(
    services: Services,
    announce: list[Event],
    complaint: Complaint,
    screened: Screened,
    now: datetime,
) -> ModerationItem | None:
    """The queue item for a screened complaint: held (lexicon) or published with masked
    personal data. A masked private complaint needs no review: nobody else reads it."""
    if screened.flagged:
        kind = ModerationItemKind.FLAGGED_COMPLAINT
    elif screened.masked and complaint.visibility is Visibility.PUBLIC:
        kind = ModerationItemKind.PERSONAL_DATA
    else:
        return None
    return await queue_item(
        services,
        announce,
        kind,
        complaint_id=complaint.id,
        company_id=complaint.company_id,
        reason=screened.summary(),
        details=screened.details(),
        created_at=now,
    )


async def record_message_item(
    services: Services,
    announce: list[Event],
    complaint: Complaint,
    message: Message,
    screened: Screened,
    now: datetime,
) -> ModerationItem | None:
    if screened.flagged:
        kind = ModerationItemKind.FLAGGED_MESSAGE
    elif screened.masked and complaint.visibility is Visibility.PUBLIC:
        kind = ModerationItemKind.PERSONAL_DATA
    else:
        return None
    return await queue_item(
        services,
        announce,
        kind,
        complaint_id=complaint.id,
        company_id=complaint.company_id,
        message_id=message.id,
        reason=screened.summary(),
        details=screened.details(),
        created_at=now,
    )


def _distinct(hits: list[LexiconHit]) -> list[LexiconHit]:
    seen: dict[tuple[str, str], LexiconHit] = {}
    for hit in hits:
        seen.setdefault((hit.category, hit.expression), hit)
    return list(seen.values())
