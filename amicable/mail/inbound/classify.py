"""What kind of mail arrived: our own mail coming back, an automatic reply, or a person's
reply (delivery reports are read by `mail.outbound.dsn`). Pure functions over the parsed message."""

from __future__ import annotations

import re
from email.message import Message

from amicable.mail.outbound import addresses
from amicable.settings import Settings

# Localized subjects of automatic replies (Outlook, Exchange, Gmail's vacation responder,
# Apple Mail, Thunderbird, helpdesks). Only the FORM of an out-of-office subject counts: a
# label followed by a colon ("Automatisch antwoord: <subject>", "Réponse automatique :"),
# or a whole out-of-office phrase standing alone. A word that merely begins a changed
# subject ("RE: Absence de remboursement", "Re: Afwezigheid van levering") is a reply.
_REPLY_PREFIX = r"(?:(?:re|aw|antw|tr|fw|fwd|wg|réf|ref)\s*:\s*)*"
_LABELS = (
    r"automatic reply|auto[- ]?reply|auto[- ]?response|autoresponse|automated response|"
    r"out of (?:the )?office(?: reply| notice| message| autoreply)?|"
    r"automatisch antwoord|afwezigheidsmelding|afwezigheidsbericht|"
    r"niet aanwezig|niet op kantoor|buiten kantoor|"
    r"réponse automatique|reponse automatique|"
    r"réponse automatique d'absence du bureau|absence du bureau|absent du bureau|"
    r"abwesenheitsnotiz|automatische antwort|nicht im büro|"
    r"risposta automatica|fuori sede|respuesta automática|fuera de la oficina"
)
# Single words that are out-of-office labels but also ordinary words: they count only as
# the very first word of the subject with a colon ("Afwezig: ...", not "Re: Afwezig: ..."),
# and a mail threaded to ours with a substantial new text is a reply all the same.
_WEAK_LABELS = r"afwezig|afwezigheid|absence|absent|abwesenheit|abwesend|ooo"
_AUTO_REPLY_SUBJECTS = re.compile(
    rf"^\s*(?:\[[^\]]{{1,40}}\]\s*)?{_REPLY_PREFIX}(?:{_LABELS})\s*:",
    re.IGNORECASE,
)
_WEAK_AUTO_REPLY_SUBJECTS = re.compile(rf"^\s*(?:{_WEAK_LABELS})\s*:", re.IGNORECASE)
# Words of new text from which a threaded mail with only a weak sign is taken for a reply:
# an out-of-office word in the subject, or only X-Auto-Response-Suppress (which helpdesks
# put on their agents' replies).
SUBSTANTIAL_WORDS = 25
_WEAK_SIGNS = {"word": SUBSTANTIAL_WORDS, "suppress": 5}
# The phrases that are out-of-office subjects on their own (no colon needed), when they are
# the whole subject or are followed only by a date or a name after a dash.
_AUTO_REPLY_PHRASES = re.compile(
    r"^\s*(?:out of (?:the )?office|absence du bureau|absent du bureau|"
    r"nicht im büro|niet op kantoor|buiten kantoor|afwezig|abwesend|abwesenheitsnotiz|"
    r"automatic reply|automatisch antwoord|réponse automatique|automatische antwort)"
    r"\s*(?:$|[-\u2013\u2014(]\s*[^:]{0,80}$)",
    re.IGNORECASE,
)

# RFC 3834 section 5 and the headers mail software sets in its place.
_PRECEDENCE_AUTOMATIC = {"bulk", "junk", "list", "auto_reply"}
_AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder")


def is_loop(settings: Settings, message: Message) -> bool:
    """Our own mail coming back (a company address that forwards to our reply address)."""
    own_id = addresses.is_our_message_id(settings, str(message.get("Message-ID", "")))
    own_sender = addresses.sender_address(str(message.get("From", ""))) == addresses.normalise(
        settings.from_address
    )
    return own_id or own_sender


def is_auto_reply(message: Message) -> bool:
    return auto_reply_evidence(message) is not None


def auto_reply_evidence(message: Message) -> str | None:
    """Why `message` is an automatic reply: "header" (RFC 3834 `Auto-Submitted` other than
    "no", `Precedence`, the X-Autoreply family), "subject" (a subject in the form of an
    out-of-office reply); or only a weak sign, "word" (a subject that begins with a word
    that labels out-of-office replies but is also an ordinary word) or "suppress"
    (X-Auto-Response-Suppress alone); None for anything else."""
    auto_submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return "header"
    if str(message.get("Precedence", "")).strip().lower() in _PRECEDENCE_AUTOMATIC:
        return "header"
    for header in _AUTO_REPLY_HEADERS:
        value = message.get(header)
        if value is not None and str(value).strip().lower() not in ("no", "false", "0"):
            return "header"
    if "oof" in str(message.get("X-MS-Exchange-Generated-Message-Source", "")).lower():
        return "header"
    subject = str(message.get("Subject", ""))
    if _AUTO_REPLY_SUBJECTS.match(subject) or _AUTO_REPLY_PHRASES.match(subject):
        return "subject"
    if _WEAK_AUTO_REPLY_SUBJECTS.match(subject):
        return "word"
    # X-Auto-Response-Suppress asks the receiver not to answer automatically (MS-OXCMAIL
    # 2.1.3.2.20). Outlook and Exchange set it on their automatic replies, but helpdesks and
    # list servers set it on ordinary mail too, so it is a weak sign only.
    # X-MS-Exchange-Inbox-Rules-Loop marks any mail made by a server-side rule, a forwarded
    # genuine reply included, so it decides nothing.
    if message.get("X-Auto-Response-Suppress"):
        return "suppress"
    return None


def reply_after_all(evidence: str, threaded: bool, new_text: str) -> bool:
    """A mail with only a weak sign of being automatic that answers our mail (by token or
    Message-ID) with a substantial new text is a person's reply."""
    needed = _WEAK_SIGNS.get(evidence)
    return needed is not None and threaded and len(_WORDS.findall(new_text)) >= needed


_WORDS = re.compile(r"\w+")
