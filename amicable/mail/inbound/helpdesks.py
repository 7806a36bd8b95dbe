"""What helpdesks (Zendesk, Freshdesk, Zammad, Salesforce Email-to-Case, HubSpot, Front,
Help Scout, Jira Service Management, osTicket, ...) wrap around an agent's words.

A company answering from a helpdesk sends us the helpdesk's notification: a "type your
reply above this line" marker, often a digest of the whole ticket (newest entry first, each
under its author and date, our own complaint mail at the bottom with the consumer's name
and customer number), a footer with the helpdesk's name and an encoded ticket id, and
ticket numbers or thread references in the subject and body. `trim` keeps the newest
entry's text and drops the rest; the sent-text defence (`sent_texts`) catches any of our
own text that a layout not known here still carries.
"""

from __future__ import annotations

import re

from amicable.mail.inbound.sent_texts import SentIndex, remove_sent

_WORD = re.compile(r"\w+")

# "Reply above this line" in its many spellings: Zendesk's "##- Please type your reply above
# this line -##" (and its translations), Jira Service Management's "Reply above this line.",
# osTicket's "-- reply above this line --", Help Scout's "## Reply above this line ##".
_ZENDESK_MARKER = r"##-[^\n]{3,140}-##"
_REPLY_WORDS = (
    r"(?:reply|respond|write|type|antwoord(?:en)?|reageer|reageren|typ|schrijf|réponse|"
    r"répondez|répondre|écrivez|saisissez|antwort(?:en)?|schreiben|geben)"
)
_ABOVE_WORDS = r"(?:above|boven|au-dessus|oberhalb|über)"
_LINE_WORDS = r"(?:line|regel|lijn|ligne|zeile)"
_MARKER = re.compile(
    rf"^[ \t>]*(?:{_ZENDESK_MARKER}|[-#=*_\u2014\u2013 \t]*"
    rf"[^\n]{{0,60}}?{_REPLY_WORDS}\b[^\n]{{0,60}}?"
    rf"{_ABOVE_WORDS}[^\n]{{0,30}}?{_LINE_WORDS}\b[^\n]{{0,20}}?)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)

# Zendesk's line under the marker: "Your request (4821) has been updated. To add additional
# comments, reply to this email." and its translations.
_INTRO = re.compile(
    r"^\s*(?:your request|uw (?:aanvraag|verzoek|ticket)|votre demande|ihre anfrage|"
    r"ticket)\s*[(#]\s*#?\d+\)?\s+(?:has been|is|a été|wurde)\b[^\n]*$",
    re.IGNORECASE | re.MULTILINE,
)
# Jira Service Management and Zammad put the author above the entry: "Sofie Peeters
# commented:" / "Sofie Peeters a commenté :".
_AUTHOR_LINE = re.compile(
    r"^\s*[^\n]{1,80}\s(?:commented|replied|responded|wrote|added a comment|"
    r"heeft (?:gereageerd|geantwoord|geschreven|een opmerking (?:geplaatst|toegevoegd))|"
    r"reageerde|schreef|a (?:commenté|répondu|écrit|ajouté un commentaire)|"
    r"hat (?:kommentiert|geantwortet|geschrieben|einen kommentar hinzugefügt)|schrieb)"
    r"\b[^\n]{0,40}?\s*:\s*$",
    re.IGNORECASE,
)
# The rules between a digest's entries.
_RULE = re.compile(r"^\s*[-\u2014\u2013_=]{10,}\s*$", re.MULTILINE)
_DATEISH = re.compile(r"\b(?:19|20)\d{2}\b|\b\d{1,2}:\d{2}\b")

# Footers: from the first of these lines on, nothing is the agent's.
_FOOTERS = [
    r"this (?:e-?mail|message) is a service from\b",
    r"(?:deze e-?mail|dit bericht) is een service van\b",
    r"cet e-?mail est un service de\b",
    r"diese e-?mail ist ein service von\b",
    r"delivered by zendesk\b",
    r"\[[A-Z0-9]{4,6}-[A-Z0-9]{4,6}\]\s*$",  # Zendesk's encoded ticket id
    r"view request\s*[·•|]",  # Jira Service Management
    r"[^\n]{0,60}powered by jira service (?:management|desk)",
    r"help cent(?:er|re), powered by\b",
    r"we hope this response has sufficiently answered your questions",  # osTicket
    r"ticket:\s*https?://\S+",  # Freshdesk's ticket link
    r"sent (?:via|with|by) (?:help ?scout|hubspot|front|freshdesk|zammad|zendesk)\b",
]
_FOOTER = re.compile(r"^[ \t>]*(?:" + "|".join(_FOOTERS) + ")", re.IGNORECASE | re.MULTILINE)

# Ticket references inside the text: Salesforce Email-to-Case's "ref:_00D...._500...:ref"
# and its Lightning "thread::...::" token, Zammad's "[Ticket#31001]", "[#1234]" tags.
_INLINE_IDS = re.compile(
    r"\bref:_?[0-9A-Za-z]{5,}\._?[0-9A-Za-z]{5,}:ref\b|\bthread::[0-9A-Za-z_\-]{10,}::|"
    r"\[(?:ticket|case|request)?\s*#\s*\d{2,12}\]",
    re.IGNORECASE,
)


def trim(text: str, sent: SentIndex | None = None) -> str:
    """The agent's new words of a helpdesk notification; other mail passes unchanged
    except for ticket references and helpdesk footers. With `sent`, digest entries that
    only reproduce our own mail are skipped (helpdesks that list the oldest entry first)."""
    text = _INLINE_IDS.sub("", text)
    marker = _MARKER.search(text)
    if marker is not None:
        above = text[: marker.start()]
        if _WORD.search(above):
            # A person answered above the marker: everything below is the notification.
            return _cut_footer(above).strip()
        text = newest_entry(text[marker.end() :], sent)
    elif _INTRO.match(text.lstrip()):
        # A digest whose marker the helpdesk's administrators took out.
        text = newest_entry(text, sent)
    return _cut_footer(text).strip()


def newest_entry(digest: str, sent: SentIndex | None = None) -> str:
    """The first entry of a ticket digest with new words in it, without its author and
    date: the newest one in the usual newest-first order, and past our own mails in an
    oldest-first digest."""
    digest = _INTRO.sub("", digest)
    for chunk in _RULE.split(digest):
        chunk = _cut_footer(chunk)
        entry = _without_entry_header(chunk)
        if sent:
            entry = remove_sent(entry, sent)
        if _WORD.search(entry):
            return entry
    return ""


def _without_entry_header(entry: str) -> str:
    lines = entry.strip("\n").split("\n")
    content = [i for i, line in enumerate(lines) if line.strip()]
    if content and _AUTHOR_LINE.match(lines[content[0]]):
        return "\n".join(lines[content[0] + 1 :]).strip()
    # Zendesk, Help Scout: the author's name, then the date, then the text.
    for position in content[:3]:
        line = lines[position].strip()
        if _DATEISH.search(line) and len(_WORD.findall(line)) <= 8:
            return "\n".join(lines[position + 1 :]).strip()
    return entry.strip()


def _cut_footer(text: str) -> str:
    match = _FOOTER.search(text)
    text = text[: match.start()] if match else text
    # A rule left hanging above the footer belongs to it.
    lines = text.rstrip().split("\n")
    while lines and re.fullmatch(r"\s*[-\u2014\u2013_=]{3,}\s*|\s*", lines[-1]):
        lines.pop()
    return "\n".join(lines)
