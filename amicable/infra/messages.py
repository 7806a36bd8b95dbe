"""Every user-facing message, in Dutch, French and English: one catalogue.

An operation names a message by its key (`Msg`) with its parameters; the API renders it in
the viewer's language at the last moment (the account's language, else the request's
`Accept-Language`, else English). Error codes never change with the language; the
parameters travel beside the message, machine-readable. `tests/test_messages.py` holds the
catalogue complete: every key in every language, with the same placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum

from amicable.infra.message_names import FIELD_LABELS, THINGS
from amicable.infra.messages_accounts import MORE
from amicable.models.enums import Language

NL, FR, EN = Language.NL, Language.FR, Language.EN


class Msg(StrEnum):
    # Input checks (validation.py); {label} is the field's name in the viewer's language.
    REQUIRED = "required"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    EMAIL_REQUIRED = "email_required"
    EMAIL_INVALID = "email_invalid"
    # Paging.
    INVALID_CURSOR = "invalid_cursor"
    NEGATIVE_PAGE_SIZE = "negative_page_size"
    FIRST_AND_LAST = "first_and_last"
    INVALID_DATE_RANGE = "invalid_date_range"
    # Things that are missing, or that the viewer may not know exist (one answer for both).
    NOT_FOUND = "not_found"
    # Accounts.
    ACCOUNT_EXISTS = "account_exists"
    BAD_CREDENTIALS = "bad_credentials"
    AGENT_NEEDS_COMPANY = "agent_needs_company"
    PASSWORD_TOO_SHORT = "password_too_short"
    PASSWORD_TOO_LONG = "password_too_long"
    RATE_LIMITED = "rate_limited"
    # Complaints and their threads.
    ONLY_THE_CONSUMER = "only_the_consumer"
    CANNOT_CLOSE_NOW = "cannot_close_now"
    FEEDBACK_PERIOD_OVER = "feedback_period_over"
    PRIVATE_AFTER_ANSWER = "private_after_answer"
    UNKNOWN_CATEGORY = "unknown_category"
    COMPANY_REQUIRED = "company_required"
    ONLY_THE_PARTIES = "only_the_parties"
    THREAD_CLOSED = "thread_closed"
    # Escalation.
    MEMBERS_ONLY = "members_only"
    ALREADY_ESCALATED = "already_escalated"
    ESCALATE_AFTER_DEADLINE = "escalate_after_deadline"
    ESCALATE_ANSWERED = "escalate_answered"
    ESCALATE_NOT_ELIGIBLE = "escalate_not_eligible"
    # Moderation, companies, reports.
    ALREADY_DECIDED = "already_decided"
    REDACTION_REQUIRED = "redaction_required"
    NOTHING_TO_REDACT = "nothing_to_redact"
    MERGE_INTO_ITSELF = "merge_into_itself"
    ONLY_COMPANY_AGENTS = "only_company_agents"
    CORRECTION_EMPTY = "correction_empty"
    ADDRESS_REQUIRED = "address_required"
    TOO_MANY_ADDRESSES = "too_many_addresses"
    SLUG_TAKEN = "slug_taken"
    SLUG_INVALID = "slug_invalid"
    REPORT_TARGET_REQUIRED = "report_target_required"
    CONFIRM_ERASURE = "confirm_erasure"
    # Accounts, onboarding, attachments, operators (words in `messages_accounts.py`).
    NAME_HAS_CONTACT_DETAILS = "name_has_contact_details"
    TOO_MANY_FILES = "too_many_files"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed"
    ONLY_KEPT_FILE_PUBLIC = "only_kept_file_public"
    CURRENT_PASSWORD_WRONG = "current_password_wrong"
    PASSWORD_WRONG = "password_wrong"
    SAME_EMAIL = "same_email"
    NOT_A_DOMAIN = "not_a_domain"
    PUBLIC_MAIL_PROVIDER = "public_mail_provider"
    TOO_MANY_DOMAINS = "too_many_domains"
    NOT_A_REPLY_LINK = "not_a_reply_link"
    INVALID_TOKEN = "invalid_token"
    MEMBER_NUMBER_REQUIRED = "member_number_required"
    MEMBER_UNTIL_REQUIRED = "member_until_required"
    VERIFY_EMAIL_FIRST = "verify_email_first"
    EMAIL_NOT_AT_COMPANY_DOMAIN = "email_not_at_company_domain"
    CLAIM_NOT_CONFIRMED = "claim_not_confirmed"
    CLAIMANT_CANNOT_BE_AGENT = "claimant_cannot_be_agent"
    ONLY_FAILED_MAIL = "only_failed_mail"
    COMPANY_HAS_NO_ADDRESS = "company_has_no_address"
    ONLY_UNPROCESSABLE_MAIL = "only_unprocessable_mail"
    EMAIL_ALREADY_VERIFIED = "email_already_verified"
    # Top-level errors outside the operations.
    SLOW_CONSUMER = "slow_consumer"
    BODY_TOO_LARGE = "body_too_large"


CATALOGUE: dict[Msg, dict[Language, str]] = {
    Msg.REQUIRED: {
        NL: "{label} is verplicht.",
        FR: "{label} : ce champ est obligatoire.",
        EN: "{label} is required.",
    },
    Msg.TOO_SHORT: {
        NL: "{label} moet minstens {minLength} tekens lang zijn.",
        FR: "{label} : au moins {minLength} caractères.",
        EN: "{label} must be at least {minLength} characters.",
    },
    Msg.TOO_LONG: {
        NL: "{label} is langer dan {maxLength} tekens.",
        FR: "{label} : pas plus de {maxLength} caractères.",
        EN: "{label} is longer than {maxLength} characters.",
    },
    Msg.EMAIL_REQUIRED: {
        NL: "Een e-mailadres is verplicht.",
        FR: "Une adresse e-mail est obligatoire.",
        EN: "An email address is required.",
    },
    Msg.EMAIL_INVALID: {
        NL: "Dit is geen geldig e-mailadres.",
        FR: "Cette adresse e-mail n'est pas valide.",
        EN: "This is not a valid email address.",
    },
    Msg.INVALID_CURSOR: {
        NL: "Ongeldige cursor.",
        FR: "Curseur non valide.",
        EN: "Invalid cursor.",
    },
    Msg.NEGATIVE_PAGE_SIZE: {
        NL: "{argument} mag niet negatief zijn.",
        FR: "{argument} ne peut pas être négatif.",
        EN: "{argument} must not be negative.",
    },
    Msg.FIRST_AND_LAST: {
        NL: "Geef first of last, niet allebei.",
        FR: "Indiquez first ou last, pas les deux.",
        EN: "Give first or last, not both.",
    },
    Msg.INVALID_DATE_RANGE: {
        NL: "createdAfter moet vóór createdBefore liggen.",
        FR: "createdAfter doit précéder createdBefore.",
        EN: "createdAfter must be earlier than createdBefore.",
    },
    Msg.NOT_FOUND: {
        NL: "{thing} niet gevonden.",
        FR: "{thing} introuvable.",
        EN: "{thing} not found.",
    },
    Msg.ACCOUNT_EXISTS: {
        NL: "Er bestaat al een account met dit e-mailadres.",
        FR: "Un compte existe déjà avec cette adresse e-mail.",
        EN: "An account with this email already exists.",
    },
    Msg.BAD_CREDENTIALS: {
        NL: "E-mailadres of wachtwoord is onjuist.",
        FR: "L'adresse e-mail ou le mot de passe est incorrect.",
        EN: "Email or password is incorrect.",
    },
    Msg.AGENT_NEEDS_COMPANY: {
        NL: "Een medewerker van een bedrijf heeft een bedrijf nodig.",
        FR: "Un agent doit être lié à une entreprise.",
        EN: "An agent needs a company.",
    },
    Msg.PASSWORD_TOO_SHORT: {
        NL: "Het wachtwoord moet minstens {minLength} tekens lang zijn.",
        FR: "Le mot de passe doit compter au moins {minLength} caractères.",
        EN: "The password must be at least {minLength} characters.",
    },
    Msg.PASSWORD_TOO_LONG: {
        NL: "Het wachtwoord is te lang (hoogstens {maxLength} tekens).",
        FR: "Le mot de passe est trop long ({maxLength} caractères au plus).",
        EN: "The password is too long (at most {maxLength} characters).",
    },
    Msg.RATE_LIMITED: {
        NL: "Te veel pogingen; probeer het later opnieuw.",
        FR: "Trop de tentatives ; réessayez plus tard.",
        EN: "Too many attempts; try again later.",
    },
    Msg.ONLY_THE_CONSUMER: {
        NL: "Alleen de consument die de klacht indiende, kan dit doen.",
        FR: "Seul le consommateur qui a déposé la plainte peut faire cela.",
        EN: "Only the consumer who filed the complaint may do this.",
    },
    Msg.CANNOT_CLOSE_NOW: {
        NL: "Deze klacht kan nu niet worden afgesloten.",
        FR: "Cette plainte ne peut pas être clôturée maintenant.",
        EN: "This complaint cannot be closed now.",
    },
    Msg.FEEDBACK_PERIOD_OVER: {
        NL: "Een beoordeling kan tot {months} maanden na het eerste antwoord van het bedrijf.",
        FR: "Une évaluation est possible jusqu'à {months} mois après la première réponse "
        "de l'entreprise.",
        EN: "Feedback can be given until {months} months after the company's first reply.",
    },
    Msg.PRIVATE_AFTER_ANSWER: {
        NL: "Een klacht kan niet opnieuw privé worden nadat het bedrijf heeft geantwoord.",
        FR: "Une plainte ne peut plus redevenir privée une fois que l'entreprise a répondu.",
        EN: "A complaint cannot be made private again once the company has answered.",
    },
    Msg.UNKNOWN_CATEGORY: {
        NL: "Kies een van deze categorieën: {categories}.",
        FR: "Choisissez l'une de ces catégories : {categories}.",
        EN: "Category must be one of: {categories}.",
    },
    Msg.COMPANY_REQUIRED: {
        NL: "Kies een bedrijf uit de lijst, of geef de naam en het e-mailadres van het bedrijf.",
        FR: "Choisissez une entreprise de la liste, ou indiquez le nom et l'adresse e-mail "
        "de l'entreprise.",
        EN: "Name a listed company, or give the company's name and email address.",
    },
    Msg.ONLY_THE_PARTIES: {
        NL: "Alleen de consument en het bedrijf kunnen in dit gesprek schrijven.",
        FR: "Seuls le consommateur et l'entreprise peuvent écrire dans cet échange.",
        EN: "Only the consumer and the company may write in this thread.",
    },
    Msg.THREAD_CLOSED: {
        NL: "Deze klacht is niet gepubliceerd; het gesprek is gesloten.",
        FR: "Cette plainte n'est pas publiée ; l'échange est fermé.",
        EN: "This complaint is not published; its thread is closed.",
    },
    Msg.MEMBERS_ONLY: {
        NL: "Doorverwijzing naar onze juridische dienst is voorbehouden aan leden. Word lid "
        "om een jurist deze klacht te laten opnemen.",
        FR: "Le recours à notre service juridique est réservé aux membres. Devenez membre "
        "pour qu'un juriste reprenne cette plainte.",
        EN: "Escalation to our legal team is a members' service. Become a member to have a "
        "lawyer take up this complaint.",
    },
    Msg.ALREADY_ESCALATED: {
        NL: "Deze klacht werd al doorverwezen.",
        FR: "Cette plainte a déjà été transmise.",
        EN: "This complaint was already escalated.",
    },
    Msg.ESCALATE_AFTER_DEADLINE: {
        NL: "Het bedrijf heeft {days} dagen om te antwoorden; u kunt doorverwijzen vanaf "
        "{date} als het dan nog niet heeft geantwoord.",
        FR: "L'entreprise a {days} jours pour répondre ; vous pourrez transmettre la plainte "
        "à partir du {date} si elle n'a pas répondu d'ici là.",
        EN: "The company has {days} days to answer; you can escalate from {date} if it has "
        "not answered by then.",
    },
    Msg.ESCALATE_ANSWERED: {
        NL: "Het bedrijf heeft geantwoord. Lost het antwoord uw probleem niet op, sluit de "
        "klacht dan af als niet opgelost; daarna kunt u doorverwijzen.",
        FR: "L'entreprise a répondu. Si sa réponse ne règle pas votre problème, clôturez la "
        "plainte comme non résolue ; vous pourrez alors la transmettre.",
        EN: "The company answered. If its answer does not solve your problem, close the "
        "complaint as not resolved; you can escalate it then.",
    },
    Msg.ESCALATE_NOT_ELIGIBLE: {
        NL: "Alleen een klacht die het bedrijf niet op tijd beantwoordde, of die als niet "
        "opgelost werd afgesloten, kan worden doorverwezen.",
        FR: "Seule une plainte à laquelle l'entreprise n'a pas répondu à temps, ou clôturée "
        "comme non résolue, peut être transmise.",
        EN: "Only a complaint the company did not answer in time, or that was closed as not "
        "resolved, can be escalated.",
    },
    Msg.ALREADY_DECIDED: {
        NL: "Over dit item werd al beslist.",
        FR: "Cet élément a déjà fait l'objet d'une décision.",
        EN: "This item was already decided.",
    },
    Msg.REDACTION_REQUIRED: {
        NL: "Geef de nieuwe publieke tekst.",
        FR: "Indiquez le nouveau texte public.",
        EN: "Give the new public text.",
    },
    Msg.NOTHING_TO_REDACT: {
        NL: "Dit item heeft geen tekst om te bewerken.",
        FR: "Cet élément n'a pas de texte à modifier.",
        EN: "This item has no text to redact.",
    },
    Msg.MERGE_INTO_ITSELF: {
        NL: "Een bedrijf kan niet met zichzelf worden samengevoegd.",
        FR: "Une entreprise ne peut pas être fusionnée avec elle-même.",
        EN: "A company cannot be merged into itself.",
    },
    Msg.ONLY_COMPANY_AGENTS: {
        NL: "Alleen de eigen medewerkers van het bedrijf kunnen dit vragen.",
        FR: "Seuls les agents de l'entreprise elle-même peuvent demander cela.",
        EN: "Only the company's own agents may ask for this.",
    },
    Msg.CORRECTION_EMPTY: {
        NL: "Vraag een correctie van de naam of van de adressen.",
        FR: "Demandez la correction du nom ou des adresses.",
        EN: "Ask to correct the name or the addresses.",
    },
    Msg.ADDRESS_REQUIRED: {
        NL: "Geef minstens één adres.",
        FR: "Indiquez au moins une adresse.",
        EN: "Give at least one address.",
    },
    Msg.TOO_MANY_ADDRESSES: {
        NL: "Hoogstens {maxCount} adressen.",
        FR: "{maxCount} adresses au maximum.",
        EN: "At most {maxCount} addresses.",
    },
    Msg.SLUG_TAKEN: {
        NL: "Deze slug is al in gebruik.",
        FR: "Ce slug est déjà utilisé.",
        EN: "This slug is taken.",
    },
    Msg.SLUG_INVALID: {
        NL: "Een slug bestaat uit kleine letters, cijfers en streepjes.",
        FR: "Un slug se compose de minuscules, de chiffres et de tirets.",
        EN: "A slug is lower-case letters, digits and dashes.",
    },
    Msg.REPORT_TARGET_REQUIRED: {
        NL: "Geef een klacht of een bericht op.",
        FR: "Indiquez une plainte ou un message.",
        EN: "Name either a complaint or a message.",
    },
    Msg.CONFIRM_ERASURE: {
        NL: "Bevestig het wissen.",
        FR: "Confirmez l'effacement.",
        EN: "Confirm the erasure.",
    },
    Msg.SLOW_CONSUMER: {
        NL: "Dit abonnement liep te ver achter en werd beëindigd; abonneer opnieuw.",
        FR: "Cet abonnement avait trop de retard et a été arrêté ; abonnez-vous à nouveau.",
        EN: "This subscription fell too far behind and was ended; subscribe again.",
    },
    Msg.BODY_TOO_LARGE: {
        NL: "De aanvraag is te groot (hoogstens {maxBytes} bytes).",
        FR: "La requête est trop volumineuse ({maxBytes} octets au plus).",
        EN: "Request body too large (at most {maxBytes} bytes).",
    },
}

CATALOGUE.update({Msg(key): words for key, words in MORE.items()})

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def placeholders(template: str) -> set[str]:
    return set(_PLACEHOLDER.findall(template))


def render(
    key: Msg,
    language: Language | None,
    params: Mapping[str, object],
    field: str | None = None,
) -> str:
    """The message in `language` (English when None), its placeholders filled from
    `params`; {label} and {thing} are the field's and the thing's names in that language."""
    lang = language or EN
    template = CATALOGUE[key][lang]
    values: dict[str, object] = {name: value for name, value in params.items()}
    if "{label}" in template:
        values["label"] = _translated(FIELD_LABELS, field or "", lang, field or "")
    if "{thing}" in template:
        thing = str(params.get("type", ""))
        values["thing"] = _translated(THINGS, thing, lang, thing)
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)


def _translated(
    table: dict[str, dict[Language, str]], name: str, lang: Language, fallback: str
) -> str:
    if name in table:
        return table[name][lang]
    # A name nobody gave words for yet (the completeness test catches it): readable English.
    words = re.sub(r"([A-Z])", r" \1", fallback.split(".")[-1]).split()
    return " ".join(words).capitalize() if words else fallback
