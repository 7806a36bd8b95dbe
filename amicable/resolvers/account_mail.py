"""The mails of the account lifecycle (verification, reset, email change, invitation,
claim) and the waiting-complaint notification, in nl, fr and en.

All are the platform's own notices (`Auto-Submitted: auto-generated`), queued in the
outbox inside the caller's transaction. Links point at the web app, which hands the token
to the matching mutation (docs/accounts.md).
"""

from __future__ import annotations

from string import Template

from amicable.mail.outbound.notices import enqueue_notice
from amicable.models import Notification, User
from amicable.models.enums import Language
from amicable.models.mail import RecipientKind
from amicable.services import Services

# kind -> language -> (subject, body). `$url` is the link, `$hours` how long it works.
_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "verify_email": {
        "nl": (
            "Bevestig uw e-mailadres bij $platform",
            "Bevestig uw e-mailadres om uw klachten naar de bedrijven te laten versturen:\n"
            "$url\n\nDeze link werkt $hours uur en één keer. Heeft u geen account gemaakt? "
            "Dan kunt u deze e-mail negeren.",
        ),
        "fr": (
            "Confirmez votre adresse e-mail sur $platform",
            "Confirmez votre adresse e-mail pour que vos plaintes soient envoyées aux "
            "entreprises :\n$url\n\nCe lien fonctionne $hours heures et une seule fois. Vous "
            "n'avez pas créé de compte ? Ignorez cet e-mail.",
        ),
        "en": (
            "Confirm your email address on $platform",
            "Confirm your email address so that your complaints are sent to the companies:\n"
            "$url\n\nThis link works for $hours hours, once. Did not sign up? Ignore this "
            "email.",
        ),
    },
    "password_reset": {
        "nl": (
            "Nieuw wachtwoord voor $platform",
            "Kies een nieuw wachtwoord met deze link:\n$url\n\nDe link werkt $hours uur en "
            "één keer. Heeft u dit niet gevraagd? Dan blijft uw wachtwoord ongewijzigd.",
        ),
        "fr": (
            "Nouveau mot de passe pour $platform",
            "Choisissez un nouveau mot de passe avec ce lien :\n$url\n\nCe lien fonctionne "
            "$hours heures et une seule fois. Vous ne l'avez pas demandé ? Votre mot de passe "
            "reste inchangé.",
        ),
        "en": (
            "New password for $platform",
            "Choose a new password with this link:\n$url\n\nThe link works for $hours hours, "
            "once. Did not ask for it? Your password stays as it is.",
        ),
    },
    "email_change": {
        "nl": (
            "Bevestig uw nieuwe e-mailadres bij $platform",
            "Bevestig dat dit uw nieuwe e-mailadres is:\n$url\n\nDe link werkt $hours uur "
            "en één keer.",
        ),
        "fr": (
            "Confirmez votre nouvelle adresse e-mail sur $platform",
            "Confirmez qu'il s'agit de votre nouvelle adresse :\n$url\n\nCe lien fonctionne "
            "$hours heures et une seule fois.",
        ),
        "en": (
            "Confirm your new email address on $platform",
            "Confirm that this is your new address:\n$url\n\nThe link works for $hours "
            "hours, once.",
        ),
    },
    "agent_invite": {
        "nl": (
            "Uitnodiging: antwoord namens $company op $platform",
            "U bent uitgenodigd om namens $company klachten te beantwoorden op $platform. "
            "Kies een wachtwoord om uw account te openen:\n$url\n\nDe link werkt $hours uur "
            "en één keer.",
        ),
        "fr": (
            "Invitation : répondre au nom de $company sur $platform",
            "Vous êtes invité(e) à répondre aux plaintes au nom de $company sur $platform. "
            "Choisissez un mot de passe pour ouvrir votre compte :\n$url\n\nCe lien "
            "fonctionne $hours heures et une seule fois.",
        ),
        "en": (
            "Invitation: answer for $company on $platform",
            "You are invited to answer complaints for $company on $platform. Choose a "
            "password to open your account:\n$url\n\nThe link works for $hours hours, once.",
        ),
    },
    "company_claim": {
        "nl": (
            "Bevestig uw aanvraag voor $company",
            "U vroeg om namens $company te antwoorden op $platform. Bevestig met deze "
            "link:\n$url\n\nDaarna beslist een moderator. De link werkt $hours uur.",
        ),
        "fr": (
            "Confirmez votre demande pour $company",
            "Vous avez demandé à répondre au nom de $company sur $platform. Confirmez avec "
            "ce lien :\n$url\n\nUn modérateur décidera ensuite. Ce lien fonctionne $hours "
            "heures.",
        ),
        "en": (
            "Confirm your request for $company",
            "You asked to answer for $company on $platform. Confirm with this link:\n$url\n\n"
            "A moderator then decides. The link works for $hours hours.",
        ),
    },
    "complaint.unverified": {
        "nl": (
            "Uw klacht wacht op de bevestiging van uw e-mailadres",
            "Uw klacht $reference is bewaard, maar wordt pas naar het bedrijf gestuurd "
            "wanneer u uw e-mailadres bevestigt met de link die we u mailden.",
        ),
        "fr": (
            "Votre plainte attend la confirmation de votre adresse",
            "Votre plainte $reference est enregistrée, mais elle ne sera envoyée à "
            "l'entreprise qu'après la confirmation de votre adresse e-mail (lien envoyé).",
        ),
        "en": (
            "Your complaint waits for your email address to be confirmed",
            "Your complaint $reference is saved, but it is sent to the company only once you "
            "confirm your email address with the link we mailed you.",
        ),
    },
}

PATHS = {
    "verify_email": "/account/verify-email",
    "password_reset": "/account/reset-password",
    "email_change": "/account/confirm-email",
    "agent_invite": "/account/invitation",
    "company_claim": "/account/confirm-claim",
}


def link(services: Services, kind: str, token: str) -> str:
    return f"{services.settings.public_url.rstrip('/')}{PATHS[kind]}?token={token}"


def render(kind: str, language: Language, **values: str) -> tuple[str, str]:
    texts = _TEXTS[kind]
    subject, body = texts.get(language.value, texts["en"])
    return Template(subject).safe_substitute(values), Template(body).safe_substitute(values)


async def send_link(
    services: Services,
    kind: str,
    *,
    to: str,
    language: Language,
    token: str,
    hours: int,
    recipient_kind: RecipientKind = RecipientKind.CONSUMER,
    **values: str,
) -> None:
    subject, body = render(
        kind,
        language,
        url=link(services, kind, token),
        hours=str(hours),
        platform=services.settings.platform_name,
        **values,
    )
    await enqueue_notice(
        services.settings,
        recipient=to,
        recipient_kind=recipient_kind,
        language=language,
        subject=subject,
        body=body,
        now=services.now(),
    )


async def notify_unverified(services: Services, user: User, complaint_id: object, ref: str) -> None:
    """In the feed only: the verification mail already says what to do."""
    _, body = render("complaint.unverified", user.language, reference=ref)
    await Notification.create(
        user_id=user.id,
        kind="complaint.unverified",
        text=body,
        complaint_id=complaint_id,
        created_at=services.now(),
    )
