"""Telling a user something: a `Notification` row they can list, and a notice by mail.

Texts are kept here per language so the notification and the mail say the same thing.
"""

from __future__ import annotations

import uuid
from string import Template

from amicable.infra.errors import Forbidden
from amicable.infra.pagination import NEWEST_FIRST, Page, Window, paginate
from amicable.mail.outbound.notices import enqueue_notice
from amicable.models import Complaint, Notification, User
from amicable.models.enums import Language
from amicable.models.mail import RecipientKind
from amicable.policy import Capability, Viewer, role_can
from amicable.resolvers.publish import publish as publish_events
from amicable.services import Services
from amicable.subscriptions.bus.events import ComplaintUpdated

# kind -> language -> (subject, body); `$reason` is the moderator's statement of reasons.
_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "moderation.approved": {
        "nl": (
            "Uw $what is gepubliceerd",
            "Een moderator heeft uw $what bij $reference goedgekeurd.\nReden: $reason",
        ),
        "fr": (
            "Votre $what est publié(e)",
            "Un modérateur a approuvé votre $what ($reference).\nMotif : $reason",
        ),
        "en": (
            "Your $what is published",
            "A moderator approved your $what on $reference.\nReason: $reason",
        ),
    },
    "moderation.rejected": {
        "nl": (
            "Uw $what is niet gepubliceerd",
            "Een moderator heeft uw $what bij $reference geweigerd.\nReden: $reason",
        ),
        "fr": (
            "Votre $what n'est pas publié(e)",
            "Un modérateur a refusé votre $what ($reference).\nMotif : $reason",
        ),
        "en": (
            "Your $what was not published",
            "A moderator rejected your $what on $reference.\nReason: $reason",
        ),
    },
    "moderation.redacted": {
        "nl": (
            "Uw $what is aangepast",
            "Een moderator heeft de openbare tekst van uw $what bij "
            "$reference aangepast.\nReden: $reason",
        ),
        "fr": (
            "Votre $what a été modifié(e)",
            "Un modérateur a modifié le texte public de votre $what ($reference).\nMotif : $reason",
        ),
        "en": (
            "Your $what was edited",
            "A moderator edited the public text of your $what on $reference.\nReason: $reason",
        ),
    },
    "escalation.created": {
        "nl": (
            "Uw klacht is doorgegeven aan onze juristen",
            "Uw klacht $reference is "
            "doorgegeven aan onze juridische dienst. Een jurist neemt contact met u op.",
        ),
        "fr": (
            "Votre plainte a été transmise à nos juristes",
            "Votre plainte $reference a été "
            "transmise à notre service juridique. Un juriste vous contactera.",
        ),
        "en": (
            "Your complaint went to our lawyers",
            "Your complaint $reference was handed to our legal team. A lawyer will contact you.",
        ),
    },
    "escalation.updated": {
        "nl": (
            "Nieuws over uw dossier",
            "Uw dossier $reference bij onze juridische dienst: $status.",
        ),
        "fr": (
            "Du nouveau dans votre dossier",
            "Votre dossier $reference auprès de notre service juridique : $status.",
        ),
        "en": ("News about your case", "Your case $reference with our legal team: $status."),
    },
    "correction.accepted": {
        "nl": (
            "Uw correctieverzoek is aanvaard",
            "Een moderator heeft uw correctieverzoek voor $company aanvaard.\nReden: $reason",
        ),
        "fr": (
            "Votre demande de correction est acceptée",
            "Un modérateur a accepté votre demande de correction pour $company.\nMotif : $reason",
        ),
        "en": (
            "Your correction request was accepted",
            "A moderator accepted your correction request for $company.\nReason: $reason",
        ),
    },
    "correction.refused": {
        "nl": (
            "Uw correctieverzoek is geweigerd",
            "Een moderator heeft uw correctieverzoek voor $company geweigerd.\nReden: $reason",
        ),
        "fr": (
            "Votre demande de correction est refusée",
            "Un modérateur a refusé votre demande de correction pour $company.\nMotif : $reason",
        ),
        "en": (
            "Your correction request was refused",
            "A moderator refused your correction request for $company.\nReason: $reason",
        ),
    },
}

# Words put into the texts above, per language.
WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "complaint": "klacht",
        "message": "bericht",
        "company_data": "bedrijfsgegevens",
        "OPEN": "open",
        "IN_PROGRESS": "in behandeling",
        "CLOSED": "afgesloten",
    },
    "fr": {
        "complaint": "plainte",
        "message": "message",
        "company_data": "données",
        "OPEN": "ouvert",
        "IN_PROGRESS": "en cours",
        "CLOSED": "clôturé",
    },
    "en": {
        "complaint": "complaint",
        "message": "message",
        "company_data": "company data",
        "OPEN": "open",
        "IN_PROGRESS": "in progress",
        "CLOSED": "closed",
    },
}


def word(language: Language, key: str) -> str:
    return WORDS.get(language.value, WORDS["en"]).get(key, key)


def render(kind: str, language: Language, **values: str) -> tuple[str, str]:
    texts = _TEXTS[kind]
    subject, body = texts.get(language.value, texts["en"])
    return Template(subject).safe_substitute(values), Template(body).safe_substitute(values)


async def notify(
    services: Services,
    user: User,
    kind: str,
    *,
    complaint_id: uuid.UUID | None = None,
    mail: bool = True,
    **values: str,
) -> Notification:
    """Store a notification for `user` and, with `mail`, queue the same text as a notice.
    Call inside the transaction that caused it; publish with `publish` after commit."""
    now = services.now()
    subject, body = render(kind, user.language, **values)
    notification = await Notification.create(
        user_id=user.id, kind=kind, text=body, complaint_id=complaint_id, created_at=now
    )
    if mail and user.erased_at is None:
        await enqueue_notice(
            services.settings,
            recipient=user.email,
            recipient_kind=RecipientKind.COMPANY
            if role_can(user.role, Capability.ACT_FOR_COMPANY)
            else RecipientKind.CONSUMER,
            language=user.language,
            subject=subject,
            body=body,
            now=now,
        )
    return notification


async def mail_only(
    services: Services, address: str, language: Language, kind: str, **values: str
) -> None:
    """A notice to someone without an account (a company that answered by mail)."""
    subject, body = render(kind, language, **values)
    await enqueue_notice(
        services.settings,
        recipient=address,
        recipient_kind=RecipientKind.COMPANY,
        language=language,
        subject=subject,
        body=body,
        now=services.now(),
    )


async def publish(services: Services, notifications: list[Notification]) -> None:
    """After commit. The live feed (`notifications` subscription) follows complaints: each
    notification about one is announced as that complaint's update on its consumer's
    channel; the subscriber re-checks the policy as for every event."""
    complaint_ids = {n.complaint_id for n in notifications if n.complaint_id is not None}
    for complaint in await Complaint.filter(id__in=list(complaint_ids)):
        await publish_events(
            services,
            ComplaintUpdated(
                str(complaint.id), str(complaint.company_id), str(complaint.consumer_id)
            ),
        )


async def list_for(viewer: Viewer, *, unread_only: bool, page: Window) -> Page[Notification]:
    if viewer.user_id is None:
        raise Forbidden()
    queryset = Notification.filter(user_id=viewer.user_id)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return await paginate(queryset, NEWEST_FIRST, page)


async def mark_read(services: Services, viewer: Viewer, ids: list[uuid.UUID] | None) -> int:
    """Mark the viewer's notifications read (all of them when `ids` is None)."""
    if viewer.user_id is None:
        raise Forbidden()
    queryset = Notification.filter(user_id=viewer.user_id, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(id__in=ids)
    return await queryset.update(read_at=services.now())
