"""Building complaint histories at chosen moments, through the real operations."""

from __future__ import annotations

from datetime import datetime

from amicable.models import Company, Complaint
from amicable.models.enums import Outcome, Role, Visibility
from amicable.resolvers import complaints, messages
from amicable.services import Services
from tests.factories import Actor, make_company, make_user


class History:
    """One listed company with an agent and a consumer; every action at a given moment."""

    def __init__(self, services: Services, company: Company, agent: Actor, consumer: Actor):
        self.services = services
        self.company = company
        self.agent = agent
        self.consumer = consumer

    @classmethod
    async def start(
        cls, services: Services, name: str = "Telenova", *, listed: bool = True
    ) -> History:
        # Histories file many complaints for one consumer in a few wall-clock seconds.
        services.settings.rate_limit_complaint_create = 100_000
        moderator = await make_user(services, Role.MODERATOR)
        company = await make_company(moderator.viewer, name, listed=listed)
        agent = await make_user(services, Role.AGENT, company=company, name="Karel Agent")
        consumer = await make_user(services, name="Els Peeters")
        return cls(services, company, agent, consumer)

    def at(self, moment: datetime) -> None:
        self.services.clock = lambda: moment

    async def file(
        self,
        at: datetime,
        *,
        category: str = "other",
        visibility: Visibility = Visibility.PUBLIC,
    ) -> Complaint:
        self.at(at)
        return await complaints.create(
            self.services,
            self.consumer.viewer,
            complaints.ComplaintDraft(
                title="Internet valt elke avond weg",
                description="Sinds drie weken valt mijn internetverbinding elke avond weg.",
                category=category,
                visibility=visibility,
                company_id=self.company.id,
            ),
        )

    async def reply(self, complaint: Complaint, at: datetime) -> None:
        self.at(at)
        await messages.post(self.services, self.agent.viewer, complaint.id, "We kijken het na.")

    async def consumer_writes(self, complaint: Complaint, at: datetime) -> None:
        self.at(at)
        await messages.post(self.services, self.consumer.viewer, complaint.id, "Nog nieuws?")

    async def close(self, complaint: Complaint, outcome: Outcome, at: datetime) -> None:
        self.at(at)
        await complaints.close(self.services, self.consumer.viewer, complaint.id, outcome, "")
