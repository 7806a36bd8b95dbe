"""The part of the demo that shows every feature at once, made through the ordinary
operations (and the inbound pipeline for mail), after `amicable.demo` made the base set:

- three companies with enough complaints for a score, each with a different label, so
  `companies(orderBy: SCORE)` ranks something;
- a moderation queue with one item of every kind (a held mailed reply, a failing company
  address, a flagged complaint and message, personal data, a report, a correction request);
- an escalation of an ignored complaint, with a lawyer's note;
- notifications, which the replies above leave for the consumers.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from amicable.mail.inbound.pipeline import receive
from amicable.models import Company, Complaint, InboundMail, ModerationItem, OutboxMail, User
from amicable.models.enums import Outcome, Role, Visibility
from amicable.models.mail import InboundDoor, ModerationDecision, RecipientKind
from amicable.models.moderation import ModerationItemKind
from amicable.policy import Viewer
from amicable.resolvers import (
    complaints,
    corrections,
    escalations,
    held_mail,
    messages,
    moderation,
    reports,
)
from amicable.services import Services

# Per company: how its twelve past complaints went, as (days to the first reply or None
# for no reply at all, outcome or None). Twelve is above the default minimum of ten.
SCORED: dict[str, list[tuple[float | None, Outcome | None]]] = {
    # Answers within hours and resolves nearly everything: "very good".
    "telenova": [(0.2, Outcome.RESOLVED)] * 10 + [(0.5, None), (None, None)],
    # Answers half of them, slowly, and resolves few: "fair" or "poor".
    "rail-benelux": [(9.0, Outcome.UNRESOLVED)] * 3
    + [(12.0, Outcome.RESOLVED)] * 3
    + [(None, None)] * 6,
    # Ignores nearly everything: "very poor".
    "immo-namur": [(25.0, Outcome.UNRESOLVED)] + [(None, None)] * 11,
}

TOPICS = [
    ("Factuur klopt niet", "Op mijn laatste factuur staan kosten die ik niet herken."),
    ("Dienst niet geleverd", "De beloofde dienst werd nooit geleverd, ondanks betaling."),
    ("Geen antwoord op mijn vraag", "Ik wacht al weken op een antwoord van de klantendienst."),
    ("Terugbetaling blijft uit", "De toegezegde terugbetaling is nog altijd niet gebeurd."),
]

EXTRA_CONSUMERS = [
    ("sofie.janssens@example.org", "Sofie Janssens"),
    ("thomas.leroy@example.org", "Thomas Leroy"),
    ("nina.claes@example.org", "Nina Claes"),
]


def _viewer(user: User, company_id: uuid.UUID | None = None) -> Viewer:
    return Viewer.for_user(user.id, user.role, is_member=user.is_member, company_id=company_id)


def _at(services: Services, moment: datetime) -> None:
    services.clock = lambda: moment


async def seed_showcase(services: Services, now: datetime, password: str) -> None:
    from amicable.resolvers import accounts

    consumers = [
        await accounts.create_user(
            email=email, password=password, full_name=name, role=Role.CONSUMER
        )
        for email, name in EXTRA_CONSUMERS
    ]
    for slug, history in SCORED.items():
        await _scored_company(services, now, slug, history, consumers)
    await _moderation_queue(services, now)
    await _escalation(services, now)
    services.clock = lambda: now


async def _scored_company(
    services: Services,
    now: datetime,
    slug: str,
    history: list[tuple[float | None, Outcome | None]],
    consumers: list[User],
) -> None:
    company = await Company.get(slug=slug)
    agent = await User.get(email=f"agent@{slug}.example")
    agent_viewer = _viewer(agent, company.id)
    for number, (reply_days, outcome) in enumerate(history):
        consumer = consumers[number % len(consumers)]
        title, text = TOPICS[number % len(TOPICS)]
        filed = now - timedelta(days=45 + 9 * number)
        _at(services, filed)
        complaint = await complaints.create(
            services,
            _viewer(consumer),
            complaints.ComplaintDraft(
                title=f"{title} ({company.name})",
                description=text,
                visibility=Visibility.PUBLIC,
                company_id=company.id,
            ),
        )
        if reply_days is None:
            continue
        replied = filed + timedelta(days=reply_days)
        _at(services, replied)
        await messages.post(
            services, agent_viewer, complaint.id, "We hebben uw klacht bekeken en komen erop terug."
        )
        if outcome is not None:
            _at(services, replied + timedelta(days=1))
            await complaints.close(services, _viewer(consumer), complaint.id, outcome, "")


async def _file(
    services: Services, email: str, slug: str, title: str, text: str, filed: datetime
) -> Complaint:
    consumer = await User.get(email=email)
    company = await Company.get(slug=slug)
    _at(services, filed)
    return await complaints.create(
        services,
        _viewer(consumer),
        complaints.ComplaintDraft(
            title=title, description=text, visibility=Visibility.PUBLIC, company_id=company.id
        ),
    )


async def _company_mail(complaint: Complaint) -> OutboxMail:
    return await OutboxMail.get(complaint_id=complaint.id, recipient_kind=RecipientKind.COMPANY)


def _mail(sender: str, to: str, subject: str, body: str, when: datetime) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(when)
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    mail.set_content(body)
    return mail


async def _moderation_queue(services: Services, now: datetime) -> None:
    earlier = now - timedelta(days=3)
    # A flagged complaint: abusive language holds it before it is published or mailed.
    await _file(
        services,
        "els.peeters@example.org",
        "kapsalon-leuven",
        "Haar verkeerd geknipt",
        "Die kapper is een klootzak, hij knipte mijn haar helemaal verkeerd.",
        earlier,
    )
    # Personal data: published at once with the phone number and IBAN masked, for review.
    with_data = await _file(
        services,
        "luc.lambert@example.org",
        "fietsen-vandamme",
        "Acompte non remboursé",
        "J'ai versé un acompte de 200 euros depuis BE71 0961 2345 6769. Appelez-moi au "
        "0470 12 34 56, personne ne répond à mes courriels.",
        earlier,
    )
    # A flagged message on a published thread.
    luc = await User.get(email="luc.lambert@example.org")
    _at(services, earlier + timedelta(hours=2))
    await messages.post(services, _viewer(luc), with_data.id, "Bande de connards, répondez!")
    # A moderator's decision reaches its author as a notification: one flagged message is
    # already rejected (the one above stays in the queue).
    jan = await User.get(email="jan.desmet@example.org")
    internet = await Complaint.get(title="Internet valt elke avond weg")
    _at(services, earlier + timedelta(hours=3))
    rejected = await messages.post(
        services, _viewer(jan), internet.id, "Stelletje klootzakken, eindelijk werkt het."
    )
    moderator = await User.get(email="moderator@example.org")
    item = await ModerationItem.get(message_id=rejected.id)
    await moderation.decide(
        services,
        _viewer(moderator),
        item.id,
        ModerationDecision.REJECT,
        "Scheldwoorden publiceren we niet; u mag uw bericht zonder scheldwoorden opnieuw plaatsen.",
    )
    # A reply mailed from an address the company does not own is held for a moderator.
    mail = await _company_mail(with_data)
    _at(services, earlier + timedelta(hours=5))
    spoof = _mail(
        "Fietsen Vandamme <service@vandamme-support.example>",
        mail.envelope_sender,
        f"Re: [{with_data.reference}] {with_data.title}",
        "Stuur ons uw bankgegevens, dan betalen we het acompte terug.",
        earlier,
    )
    await receive(
        services,
        bytes(spoof),
        door=InboundDoor.SMTP,
        envelope_sender="service@vandamme-support.example",
        envelope_recipients=[mail.envelope_sender],
    )
    # A bounce: the company's only address does not exist any more.
    bounced_complaint = await Complaint.get(title="Lave-linge en panne après deux mois")
    bounced = await _company_mail(bounced_complaint)
    await receive(services, _bounce(bounced, now - timedelta(days=2)), door=InboundDoor.SMTP)
    # A delivery report that names no recipient: a person reads it, nothing is marked.
    await receive(
        services, _bounce(bounced, now - timedelta(days=2), recipient=""), door=InboundDoor.SMTP
    )
    # A reply that only quotes our own mail: nothing new once trimmed, so it is held.
    _at(services, earlier + timedelta(hours=6))
    quoted = "\n".join(f"> {line}" for line in with_data.description.splitlines())
    empty = _mail(
        mail.recipient,
        mail.envelope_sender,
        f"Re: [{with_data.reference}] {with_data.title}",
        f"Le {format_datetime(earlier)}, Klachten a écrit :\n{quoted}\n",
        earlier,
    )
    await receive(
        services,
        bytes(empty),
        door=InboundDoor.SMTP,
        envelope_sender=mail.recipient,
        envelope_recipients=[mail.envelope_sender],
    )
    # A mail the pipeline could not process: kept whole for a moderator. (The pipeline
    # holds such a mail when processing fails for a reason other than an outage.)
    garbled = b"From: ???\r\nSubject: =?x-unknown?B?////?=\r\n\r\n\x00\xff\xfe"
    kept = await InboundMail.create(
        door=InboundDoor.PIPE,
        rfc_message_id="",
        raw_message=garbled,
        size=len(garbled),
        outcome="UNPROCESSABLE",
        received_at=now - timedelta(hours=20),
    )
    await held_mail.hold(
        services,
        kept.id,
        ModerationItemKind.UNPROCESSABLE_MAIL,
        "This mail could not be processed; the original is kept for review.",
    )
    # A report on a published company reply.
    canape = await Complaint.get(title="Canapé livré abîmé")
    first_reply = await canape.messages.all().order_by("created_at").first()
    marie = await User.get(email="marie.dubois@example.org")
    _at(services, now - timedelta(days=1))
    await reports.report(
        services,
        _viewer(marie),
        reports.ReportDraft(
            reason="Ce message mentionne une livraison qui n'a jamais eu lieu.",
            message_id=first_reply.id if first_reply else None,
            complaint_id=None if first_reply else canape.id,
        ),
        client_key="demo",
    )
    # A correction request from the company's agent.
    bank = await Company.get(slug="gentse-bank")
    agent = await User.get(email="agent@gentse-bank.example")
    await corrections.request(
        services,
        _viewer(agent, bank.id),
        corrections.CorrectionDraft(
            company_id=bank.id,
            name="Gentse Spaarbank",
            comment="Onze naam is sinds januari Gentse Spaarbank.",
        ),
    )


def _bounce(mail: OutboxMail, when: datetime, *, recipient: str | None = None) -> bytes:
    """A delivery status notification (RFC 3464) for the company's copy of a complaint;
    `recipient=""` makes one that names no recipient."""
    named = mail.recipient if recipient is None else recipient
    boundary = "demo-bounce-boundary"
    lines = [
        "From: Mail Delivery System <MAILER-DAEMON@mx.amicable.localhost>",
        f"To: {mail.envelope_sender}",
        "Subject: Undelivered Mail Returned to Sender",
        f"Date: {format_datetime(when)}",
        f"Message-ID: {make_msgid(domain='mx.amicable.localhost')}",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
        "",
        f"--{boundary}",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        f"<{mail.recipient}>: Recipient address rejected: User unknown",
        "",
        f"--{boundary}",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.amicable.localhost",
        "",
        *([f"Final-Recipient: rfc822; {named}"] if named else []),
        "Action: failed",
        "Status: 5.1.1",
        f"Diagnostic-Code: smtp; 550 5.1.1 <{named}>: User unknown"
        if named
        else "Diagnostic-Code: smtp; 550 5.1.1 User unknown",
        "",
        f"--{boundary}",
        "Content-Type: text/rfc822-headers",
        "",
        f"To: {mail.recipient}",
        f"Message-ID: {mail.rfc_message_id}",
        "",
        f"--{boundary}--",
        "",
    ]
    return "\r\n".join(lines).encode("utf-8")


async def _escalation(services: Services, now: datetime) -> None:
    """A member's complaint the company ignored past its deadline, taken up by a lawyer."""
    ignored = await _file(
        services,
        "jan.desmet@example.org",
        "gentse-bank",
        "Kosten voor afgesloten rekening",
        "Mijn rekening is sinds maart afgesloten, toch rekent de bank nog elke maand "
        "beheerskosten aan.",
        now - timedelta(days=50),
    )
    jan = await User.get(email="jan.desmet@example.org")
    _at(services, now - timedelta(days=15))
    escalation = await escalations.escalate(
        services,
        _viewer(jan),
        ignored.id,
        "De bank reageert al zeven weken niet. Kunnen jullie een ingebrekestelling sturen?",
    )
    lawyer = await User.get(email="lawyer@example.org")
    _at(services, now - timedelta(days=14))
    # Taking the case moves it to IN_PROGRESS, which the consumer is told about.
    await escalations.update(
        services,
        _viewer(lawyer),
        escalation.id,
        escalations.EscalationChanges(lawyer_id=lawyer.id),
    )
    await escalations.add_note(
        services,
        _viewer(lawyer),
        escalation.id,
        "Ingebrekestelling verstuurd per aangetekende brief; termijn van vijftien dagen.",
    )
