"""Screening of what people write: an abusive-language lexicon and personal-data detection.

Pure functions over text; the operations in `resolvers/` decide what a hit means (hold for
moderation, mask in the public view).
"""

from amicable.screening.lexicon import Lexicon, LexiconHit
from amicable.screening.personal_data import PersonalDataHit, find_personal_data, mask

__all__ = ["Lexicon", "LexiconHit", "PersonalDataHit", "find_personal_data", "mask"]
