"""Focused tests of the inbound modules: outcome declarations, classification, client
artefacts and decoding, helpdesk layouts, and the sent-text defence."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from amicable.mail.inbound import errors as e
from amicable.mail.inbound import helpdesks
from amicable.mail.inbound.artefacts import decode_bytes, reflow, remove_client_residue
from amicable.mail.inbound.classify import is_auto_reply
from amicable.mail.inbound.sent_texts import SentIndex, remove_sent


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_every_outcome_class_declares_its_disposition():
    classes = _subclasses(e.InboundRejected)
    assert len(classes) >= 16
    for cls in classes:
        assert cls.__dict__.get("disposition") in e.DISPOSITIONS, cls
        verdict = e.verdict_for(cls("x"))
        assert (verdict.exit_code == e.EX_TEMPFAIL) == (cls.disposition == "temporary"), cls


def test_a_new_class_without_a_disposition_cannot_be_defined():
    with pytest.raises(TypeError):

        class Forgotten(e.PermanentRejection):  # pragma: no cover - refused at definition
            outcome = "FORGOTTEN"


def test_held_and_accepted_outcomes_are_accepted_by_every_door():
    for cls in (e.Unprocessable, e.EmptyReply, e.AutoReplyReceived):
        verdict = e.verdict_for(cls("x"))
        assert verdict.accepted and verdict.smtp_reply.startswith("250")
        assert verdict.http_status == 200


def _message(subject: str, **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    return message


@pytest.mark.parametrize(
    "subject",
    [
        "RE: Absence de remboursement",
        "Re: Afwezigheid van levering",
        "AW: Abwesenheit bei der Lieferung",
        "Re: Out of office hours support",
        "Antw: Afwezig tijdens de levering",
        "Automatische incasso mislukt",
        "Re: [AM-ABC123] Internet valt weg",
    ],
)
def test_a_changed_subject_starting_with_a_localized_word_is_a_reply(subject):
    assert not is_auto_reply(_message(subject))


@pytest.mark.parametrize(
    "subject",
    [
        "Automatisch antwoord: [AM-ABC123] Internet valt weg",
        "Réponse automatique : [AM-ABC123] Internet",
        "Abwesenheitsnotiz: Ihre Beschwerde",
        "Out of Office: complaint",
        "Absence du bureau",
        "Absence du bureau - retour le 10 mars",
        "Afwezig: Re: klacht",
        "Automatic reply: complaint",
        "[Ticket#31001] Automatische Antwort: Beschwerde",
    ],
)
def test_an_out_of_office_subject_form_is_an_auto_reply(subject):
    assert is_auto_reply(_message(subject))


@pytest.mark.parametrize(
    ("header", "value", "auto"),
    [
        ("Auto-Submitted", "auto-replied", True),
        ("Auto-Submitted", "auto-generated", True),
        ("Auto-Submitted", "no", False),
        ("Precedence", "bulk", True),
        ("Precedence", "junk", True),
        ("Precedence", "list", True),
        ("Precedence", "auto_reply", True),
        ("Precedence", "first-class", False),
        ("X-Autoreply", "yes", True),
        ("X-Autorespond", "Vacation", True),
        ("X-Auto-Response-Suppress", "All", True),
        # Any server-side rule sets this one, a rule forwarding a genuine reply included.
        ("X-MS-Exchange-Inbox-Rules-Loop", "sofie@telenova.be", False),
    ],
)
def test_auto_reply_headers(header, value, auto):
    assert is_auto_reply(_message("Re: Absence de remboursement", **{header: value})) is auto


def test_outlook_placeholders_and_mailto_residue_are_removed():
    text = (
        "Mail ons op jan@x.be<mailto:jan@x.be> of zie https://x.be<https://x.be>.\n"
        "[cid:image001.png@01DA1B2C.3D4E5F60]\nJan"
    )
    assert remove_client_residue(text) == "Mail ons op jan@x.be of zie https://x.be.\nJan"


def test_format_flowed_is_reflowed():
    assert reflow("Een lange \nzin die doorloopt.\n\nNieuw.") == (
        "Een lange zin die doorloopt.\n\nNieuw."
    )
    assert reflow("Aan elkaar ge \nschreven", delsp=True) == "Aan elkaar geschreven"
    assert reflow(">> quoted \n>> more\n>other") == "> > quoted more\n> other"
    assert reflow("tekst\n-- \nSofie") == "tekst\n-- \nSofie"
    assert reflow(" From space-stuffed") == "From space-stuffed"


@pytest.mark.parametrize("declared", ["unknown-8bit", "x-unknown", "utf-8x", "iso-8859-1x", None])
def test_unknown_charsets_decode_with_a_fallback(declared):
    latin = (
        "Geachte heer, wij betalen het volledige bedrag terug. Onze excuses, Sofie. "
        "Déjà vu, à bientôt, façade, garçon, élève."
    ).encode("latin-1")
    text = decode_bytes(latin, declared)
    assert "Déjà" in text and "\ufffd" not in text
    assert decode_bytes("één € twee".encode(), declared) == "één € twee"
    assert decode_bytes(b"a\x00b", declared) == "ab"


COMPLAINT = (
    "Beste Telenova,\n\nJan De Smet heeft via Klachtenplatform een klacht over Telenova "
    "ingediend.\n\nReferentie: AM-ABC123\nTitel: Internet valt elke avond weg\n\n"
    "Omschrijving:\nSinds drie weken valt mijn internetverbinding elke avond weg.\n\n"
    "Klantgegevens (alleen voor u, nooit openbaar):\nNaam: Jan De Smet\n"
    "Klant- of bestelnummer: KL-778899\n"
)


def _index() -> SentIndex:
    index = SentIndex(senders={"klachtenplatform"})
    index.add(COMPLAINT)
    return index


def _rewrap(text: str, width: int, prefix: str = "") -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(prefix + line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(prefix + line)
    return "\n".join(lines)


@pytest.mark.parametrize(
    "quoted",
    [
        "\n".join("> " + line for line in COMPLAINT.splitlines()),
        COMPLAINT,
        _rewrap(COMPLAINT, 38, "> "),
        _rewrap(COMPLAINT, 72),
        _rewrap(COMPLAINT, 20, ">> "),
        " ".join(COMPLAINT.split()),
    ],
)
def test_a_reproduction_of_our_mail_is_removed_however_quoted(quoted):
    reply = "Beste klant,\n\nWij storten het bedrag terug.\n\nSofie"
    text = f"{reply}\n\nOp 3 mrt. 2025 10:12 schreef Klachtenplatform:\n{quoted}\n"
    assert remove_sent(text, _index()) == reply


def test_a_reply_that_quotes_our_title_in_a_sentence_keeps_it():
    text = "Uw klacht over Internet valt elke avond weg is opgelost."
    assert remove_sent(text, _index()) == text


def test_digest_entry_of_ours_between_new_text_and_footer():
    text = "Hallo,\nopgelost.\n\n----------\n\nKlachtenplatform\n3 mrt. 2025 10:12\n\n" + COMPLAINT
    assert remove_sent(text, _index()) == "Hallo,\nopgelost."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "##- Please type your reply above this line -##\n\nYour request (12) has been "
            "updated. To add additional comments, reply to this email.\n"
            "----------------------------------------------\n\nSofie (Telenova)\n\n"
            "Mar 4, 2025, 09:41 CET\n\nFixed.\n\n"
            "----------------------------------------------\n\nOld\n\n"
            "This email is a service from Telenova.",
            "Fixed.",
        ),
        (
            "##- Veuillez écrire votre réponse au-dessus de cette ligne -##\n\n"
            "Votre demande (12) a été mise à jour.\n----------------------------------------\n\n"
            "Sophie\n\n4 mars 2025 09:41\n\nC'est réglé.\n\n[8J2Q0-EP6R]",
            "C'est réglé.",
        ),
        ("Thanks!\n\n## Reply above this line ##\n\nOld notification", "Thanks!"),
        (
            "-- reply above this line --\n\nDone.\n\n----\nWe hope this response has "
            "sufficiently answered your questions.",
            "Done.",
        ),
        (
            "Reply above this line.\n\nSofie Peeters commented:\n\nDone.\n\n"
            "View request · Turn off this request's notifications",
            "Done.",
        ),
        ("Done. ref:_00D5J2aBcD._5005J1xYzWq:ref", "Done."),
        ("Erledigt. [Ticket#31001]", "Erledigt."),
        ("Plain reply without any helpdesk.", "Plain reply without any helpdesk."),
    ],
)
def test_helpdesk_layouts(text, expected):
    assert helpdesks.trim(text) == expected


def test_an_oldest_first_digest_skips_our_own_entry():
    text = (
        "##- Please type your reply above this line -##\n\n"
        "----------------------------------------------\n\nKlachtenplatform\n\n"
        "Mar 3, 2025, 10:12 CET\n\n" + COMPLAINT + "\n"
        "----------------------------------------------\n\nSofie Peeters (Telenova)\n\n"
        "Mar 4, 2025, 09:41 CET\n\nWe fixed it.\n\n"
        "--------------------------------\nThis email is a service from Telenova."
    )
    assert helpdesks.trim(text, _index()) == "We fixed it."


@pytest.mark.parametrize(
    ("subject", "evidence"),
    [
        ("Afwezig: Re: klacht", "word"),
        ("Absence : votre dossier", "word"),
        ("Re: Absence : votre dossier", None),
        ("Antw: Afwezig: klacht", None),
        ("Automatisch antwoord: klacht", "subject"),
    ],
)
def test_weak_subject_signs(subject, evidence):
    from amicable.mail.inbound.classify import auto_reply_evidence, reply_after_all

    assert auto_reply_evidence(_message(subject)) == evidence
    long_text = " ".join(["woord"] * 30)
    assert reply_after_all("word", True, long_text)
    assert not reply_after_all("word", False, long_text)
    assert not reply_after_all("word", True, "Ik ben afwezig tot 10 maart.")
    assert not reply_after_all("subject", True, long_text)
    assert not reply_after_all("header", True, long_text)
    assert reply_after_all("suppress", True, "Wij storten het bedrag morgen terug.")
    assert not reply_after_all("suppress", True, "Afwezig.")
    assert not reply_after_all("suppress", False, long_text)


def test_a_digest_without_its_marker_is_still_a_digest():
    text = (
        "Your request (4821) has been updated. To add additional comments, reply to this "
        "email.\n----------------------------------------------\n\nSofie Peeters (Telenova)"
        "\n\nMar 4, 2025, 09:41 CET\n\nWe fixed it.\n\n"
        "----------------------------------------------\n\nKlachtenplatform\n\n"
        "Mar 3, 2025, 10:12 CET\n\n" + COMPLAINT
    )
    assert helpdesks.trim(text, _index()) == "We fixed it."


def test_a_sentence_that_looks_like_a_footer_is_kept():
    text = "This is shared with our technicians, who will call you.\nSofie"
    assert helpdesks.trim(text) == text


def test_a_reproduction_without_accents_or_case_is_removed():
    index = SentIndex()
    index.add("Votre réclamation a été transmise à Télénova; réponse attendue sous trente jours.")
    text = (
        "Merci.\n\n> VOTRE RECLAMATION A ETE TRANSMISE A TELENOVA;\n"
        "> REPONSE ATTENDUE SOUS TRENTE JOURS."
    )
    assert remove_sent(text, index) == "Merci."


def test_a_dated_sentence_above_a_quotation_is_the_reply_not_its_introduction():
    text = "De technicus komt op 12 maart 2025.\n\n" + COMPLAINT
    assert remove_sent(text, _index()) == "De technicus komt op 12 maart 2025."


def test_a_word_changed_inside_our_text_goes_with_it_but_a_reply_between_quotes_stays():
    changed = COMPLAINT.replace("KL-778899", "[redacted]").replace(
        "Telenova ingediend", "X ingediend"
    )
    text = "Opgelost.\n\n" + _rewrap(changed, 60, "> ")
    assert remove_sent(text, _index()) == "Opgelost."
    halves = COMPLAINT.split("Omschrijving:")
    text = f"{halves[0]}\nKlopt helemaal.\n\nOmschrijving:{halves[1]}"
    assert remove_sent(text, _index()) == "Klopt helemaal."


@pytest.mark.parametrize(
    "author",
    [
        "Sofie Peeters commented:",
        "Sofie Peeters heeft een opmerking geplaatst:",
        "Sophie Lambert a ajouté un commentaire :",
        "Lukas Weber hat einen Kommentar hinzugefügt:",
    ],
)
def test_a_notification_entry_loses_its_author_line(author):
    text = f"Antwoord boven deze regel.\n\n{author}\n\nOpgelost.\n\nView request · Turn off"
    assert helpdesks.trim(text) == "Opgelost."
