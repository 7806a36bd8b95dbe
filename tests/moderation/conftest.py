"""A small world for the moderation tests: a company, its agents, staff and consumers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from amicable.models import Company
from amicable.models.enums import Role
from amicable.resolvers import accounts
from tests.conftest import GraphQLClient
from tests.factories import Actor, make_company, make_user


@dataclass
class Cast:
    moderator: Actor
    owner: Actor
    other: Actor
    member: Actor
    agent: Actor
    other_agent: Actor
    lawyer: Actor
    partner_key: str
    company: Company
    other_company: Company

    def token(self, role: str) -> str | None:
        if role == "anonymous":
            return None
        if role == "partner":
            return self.partner_key
        actor: Actor = getattr(self, role)
        return actor.token


ROLES = [
    "anonymous",
    "owner",
    "other",
    "agent",
    "other_agent",
    "moderator",
    "lawyer",
    "partner",
]


@pytest.fixture
async def cast(services) -> Cast:
    moderator = await make_user(services, Role.MODERATOR, name="Mona Moderator")
    company = await make_company(moderator.viewer, "Telenova", email="klachten@telenova.example")
    other_company = await make_company(moderator.viewer, "Brusselse Energie")
    _, partner_key = await accounts.create_api_key(moderator.viewer, partner_name="Dashboards")
    return Cast(
        moderator=moderator,
        owner=await make_user(services, name="Jan De Smet"),
        other=await make_user(services, name="Els Peeters"),
        member=await make_user(services, name="Mia Lid", member=True),
        agent=await make_user(services, Role.AGENT, name="Agent Telenova", company=company),
        other_agent=await make_user(
            services, Role.AGENT, name="Agent Energie", company=other_company
        ),
        lawyer=await make_user(services, Role.LAWYER, name="Laura Advocaat"),
        partner_key=partner_key,
        company=company,
        other_company=other_company,
    )


def as_role(gql: GraphQLClient, cast: Cast, role: str) -> GraphQLClient:
    return GraphQLClient(gql.http, cast.token(role))
