"""Moderators managing a company's agents, and reading who acted for a company."""

from __future__ import annotations

import uuid

from tortoise.transactions import in_transaction

from amicable.infra.errors import Forbidden, not_found
from amicable.models import AccessToken, User
from amicable.models.enums import Role
from amicable.policy import Viewer, can_manage_agents
from amicable.resolvers import audit
from amicable.services import Services


async def list_agents(viewer: Viewer, company_id: uuid.UUID) -> list[User]:
    if not can_manage_agents(viewer):
        raise Forbidden()
    return await User.filter(company_id=company_id, role=Role.AGENT).order_by("full_name", "id")


async def suspend(services: Services, viewer: Viewer, user_id: uuid.UUID, suspended: bool) -> User:
    """Suspend (every token revoked, no sign-in) or reinstate an agent."""
    if not can_manage_agents(viewer):
        raise Forbidden()
    async with in_transaction():
        user = await _agent_for_update(user_id)
        user.suspended_at = services.now() if suspended else None
        await user.save(update_fields=["suspended_at"])
        if suspended:
            await _revoke(services, user)
        await audit.record(
            viewer,
            "agent.suspend" if suspended else "agent.reinstate",
            "user",
            user.id,
            company_id=user.company_id,
        )
    return user


async def remove(services: Services, viewer: Viewer, user_id: uuid.UUID) -> User:
    """Take the account off the company: it becomes a plain consumer account, its tokens
    revoked. Its past replies and audit entries stay, still naming it."""
    if not can_manage_agents(viewer):
        raise Forbidden()
    async with in_transaction():
        user = await _agent_for_update(user_id)
        company_id = user.company_id
        user.role = Role.CONSUMER
        user.company_id = None
        user.suspended_at = None
        await user.save(update_fields=["role", "company_id", "suspended_at"])
        await _revoke(services, user)
        await audit.record(viewer, "agent.remove", "user", user.id, company_id=company_id)
    return user


async def _agent_for_update(user_id: uuid.UUID) -> User:
    user = await User.select_for_update().get_or_none(id=user_id)
    if user is None or user.role is not Role.AGENT:
        raise not_found("User", "userId")
    return user


async def _revoke(services: Services, user: User) -> None:
    await AccessToken.filter(user_id=user.id, revoked_at__isnull=True).update(
        revoked_at=services.now()
    )
