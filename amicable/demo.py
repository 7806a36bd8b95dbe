"""`amicable serve --demo`: a realistic demo set, created through the ordinary operations.

Twelve Belgian companies (fictional), consumers writing in Dutch and French, public and
private complaints with threads at different stages. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from amicable.models import Company, User
from amicable.models.enums import Language, Outcome, Role, Visibility
from amicable.policy import Viewer
from amicable.resolvers import accounts, companies, complaints, messages
from amicable.services import Services
from amicable.settings import Settings
from amicable.subscriptions.bus import EventBus

log = logging.getLogger(__name__)

DEMO_PASSWORD = "demo-password"  # every demo account; documented in the README

COMPANIES = [
    ("Telenova", "klachten@telenova.example", Language.NL, ["Telenova NV"]),
    ("Brusselse Energie", "service@brusselse-energie.example", Language.NL, ["BE Energie"]),
    ("Maison Lumière", "plaintes@maison-lumiere.example", Language.FR, []),
    ("Rail Benelux", "klantendienst@railbenelux.example", Language.NL, ["RBX"]),
    ("Assurances Wallonnes", "reclamations@assurwal.example", Language.FR, ["AssurWal"]),
    ("Fietsen Vandamme", "info@fietsenvandamme.example", Language.NL, []),
    ("Électro Liège", "sav@electroliege.example", Language.FR, []),
    ("Gentse Bank", "klachten@gentsebank.example", Language.NL, ["GB"]),
    ("Vlaamse Webshop", "support@vlaamsewebshop.example", Language.NL, ["VWS"]),
    ("Air Ardenne", "customer@airardenne.example", Language.EN, []),
    ("Immo Namur", "contact@immonamur.example", Language.FR, []),
    ("Kapsalon Leuven", "hallo@kapsalonleuven.example", Language.NL, []),
]

CONSUMERS = [
    ("jan.desmet@example.org", "Jan De Smet", Language.NL, True),
    ("els.peeters@example.org", "Els Peeters", Language.NL, False),
    ("marie.dubois@example.org", "Marie Dubois", Language.FR, True),
    ("luc.lambert@example.org", "Luc Lambert", Language.FR, False),
]

# (consumer index, company index, visibility, days ago, title, description, solution,
#  thread: list of (days after filing, "consumer"|"company", text), outcome)
COMPLAINTS: list[tuple] = [
    (
        0,
        0,
        Visibility.PUBLIC,
        40,
        "Internet valt elke avond weg",
        "Sinds drie weken valt mijn internetverbinding elke avond tussen 20u en 22u weg. "
        "Ik werk thuis en kan zo mijn avondvergaderingen niet volgen.",
        "Een technicus die het probleem oplost en een korting op mijn factuur.",
        [
            (
                2,
                "company",
                "Beste meneer De Smet, we hebben een technicus ingepland voor "
                "donderdag tussen 8u en 12u. Onze excuses voor het ongemak.",
            ),
            (5, "consumer", "De technicus heeft de modem vervangen, het werkt nu. Bedankt."),
        ],
        Outcome.RESOLVED,
    ),
    (
        1,
        1,
        Visibility.PUBLIC,
        35,
        "Eindafrekening twee keer aangerekend",
        "Mijn eindafrekening van 212,40 euro werd twee keer van mijn rekening gehaald.",
        "Terugbetaling van het dubbel aangerekende bedrag.",
        [
            (
                10,
                "company",
                "Geachte mevrouw Peeters, we zien de dubbele betaling en storten "
                "het bedrag binnen vijf werkdagen terug.",
            )
        ],
        None,
    ),
    (
        2,
        2,
        Visibility.PUBLIC,
        50,
        "Canapé livré abîmé",
        "Le canapé commandé le 3 mars est arrivé avec un pied cassé et une déchirure.",
        "Le remplacement du canapé ou un remboursement complet.",
        [
            (
                3,
                "company",
                "Madame Dubois, nous sommes désolés. Un nouveau canapé vous sera "
                "livré la semaine prochaine.",
            ),
            (4, "consumer", "Merci, j'attends la livraison."),
        ],
        Outcome.RESOLVED,
    ),
    (
        3,
        4,
        Visibility.PRIVATE,
        45,
        "Sinistre refusé sans explication",
        "Ma déclaration de dégât des eaux a été refusée sans aucune justification écrite.",
        "Une explication écrite et le réexamen du dossier.",
        [],
        Outcome.UNRESOLVED,
    ),
    (
        0,
        3,
        Visibility.PUBLIC,
        12,
        "Abonnement niet terugbetaald na staking",
        "Door de stakingen kon ik vijf dagen niet reizen. Ik vraag een compensatie voor "
        "mijn trajectabonnement.",
        "Compensatie volgens de voorwaarden.",
        [],
        None,
    ),
    (
        1,
        5,
        Visibility.PRIVATE,
        20,
        "Fiets na herstelling nog steeds defect",
        "Na de herstelling van mijn elektrische fiets werkt de motor nog altijd niet.",
        "Kosteloze herstelling.",
        [
            (
                1,
                "company",
                "Beste mevrouw, breng de fiets gerust nog eens binnen, we bekijken het kosteloos.",
            )
        ],
        None,
    ),
    (
        2,
        6,
        Visibility.PUBLIC,
        70,
        "Lave-linge en panne après deux mois",
        "Mon lave-linge acheté il y a deux mois ne démarre plus. Le service après-vente ne "
        "répond pas au téléphone.",
        "Réparation sous garantie.",
        [],
        None,
    ),
    (
        3,
        10,
        Visibility.PUBLIC,
        8,
        "Garantie locative non restituée",
        "Trois mois après la fin du bail, la garantie locative n'est toujours pas libérée.",
        "La libération de la garantie.",
        [],
        None,
    ),
    (
        0,
        8,
        Visibility.PUBLIC,
        30,
        "Pakje nooit aangekomen",
        "Mijn bestelling van 89 euro staat als geleverd, maar ik heb niets ontvangen.",
        "Een nieuw pakje of terugbetaling.",
        [
            (1, "company", "Beste klant, we hebben een onderzoek geopend bij de vervoerder."),
            (6, "company", "Het pakje is teruggevonden en wordt morgen opnieuw geleverd."),
        ],
        Outcome.RESOLVED,
    ),
    (
        2,
        9,
        Visibility.PUBLIC,
        25,
        "Vol annulé, remboursement refusé",
        "Mon vol vers Nice a été annulé la veille. La compagnie refuse de rembourser le billet.",
        "Le remboursement du billet et l'indemnité prévue par le règlement européen.",
        [(20, "company", "Dear customer, your refund request has been approved.")],
        None,
    ),
]


async def seed_demo(settings: Settings) -> None:
    if await Company.exists(slug="telenova"):
        log.info("demo data already present")
        return
    services = Services(settings=settings, events=EventBus("memory://"))
    moderator = await accounts.create_user(
        email="moderator@example.org",
        password=DEMO_PASSWORD,
        full_name="Mona Moderator",
        role=Role.MODERATOR,
    )
    await accounts.create_user(
        email="lawyer@example.org",
        password=DEMO_PASSWORD,
        full_name="Laura Advocaat",
        role=Role.LAWYER,
    )
    mod_viewer = Viewer.for_user(moderator.id, Role.MODERATOR)
    company_rows = []
    for name, email, language, aliases in COMPANIES:
        company_rows.append(
            await companies.create(
                mod_viewer,
                companies.CompanyChanges(
                    name=name, aliases=aliases, addresses=[email], language=language, listed=True
                ),
            )
        )
    agents = []
    for company in company_rows:
        agents.append(
            await accounts.create_user(
                email=f"agent@{company.slug}.example",
                password=DEMO_PASSWORD,
                full_name=f"Agent {company.name}",
                role=Role.AGENT,
                company=company,
                language=company.language,
            )
        )
    consumers: list[User] = []
    for email, name, language, member in CONSUMERS:
        consumers.append(
            await accounts.create_user(
                email=email,
                password=DEMO_PASSWORD,
                full_name=name,
                role=Role.CONSUMER,
                is_member=member,
                language=language,
            )
        )
    now = datetime.now(UTC)
    for who, which, visibility, days_ago, title, text, solution, thread, outcome in COMPLAINTS:
        await _demo_complaint(
            services,
            consumers[who],
            company_rows[which],
            agents[which],
            visibility,
            now - timedelta(days=days_ago),
            title,
            text,
            solution,
            thread,
            outcome,
        )
    # Enough history for scores and an item of every moderation kind; filing dozens of
    # complaints from a handful of accounts is past the per-account rate limit.
    from amicable.demo_showcase import seed_showcase

    services.settings = settings.model_copy(update={"rate_limit_complaint_create": 10**6})
    await seed_showcase(services, now, DEMO_PASSWORD)
    log.info("demo data created: %d companies", len(company_rows))


async def _demo_complaint(
    services: Services,
    consumer: User,
    company: Company,
    agent: User,
    visibility: Visibility,
    filed: datetime,
    title: str,
    text: str,
    solution: str,
    thread: list,
    outcome: Outcome | None,
) -> None:
    consumer_viewer = Viewer.for_user(consumer.id, consumer.role, is_member=consumer.is_member)
    agent_viewer = Viewer.for_user(agent.id, agent.role, company_id=company.id)
    services.clock = lambda: filed
    complaint = await complaints.create(
        services,
        consumer_viewer,
        complaints.ComplaintDraft(
            title=title,
            description=text,
            desired_solution=solution,
            visibility=visibility,
            company_id=company.id,
            customer_reference=f"K-{filed:%y%m%d}",
        ),
    )
    last = filed
    for days, author, body in thread:
        last = filed + timedelta(days=days, hours=3)
        services.clock = lambda at=last: at  # type: ignore[misc]
        viewer = agent_viewer if author == "company" else consumer_viewer
        await messages.post(services, viewer, complaint.id, body)
    if outcome is not None:
        services.clock = lambda: last + timedelta(days=1)
        await complaints.close(services, consumer_viewer, complaint.id, outcome, "")
