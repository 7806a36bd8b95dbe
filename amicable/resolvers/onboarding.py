"""Companies getting agents: a moderator's invitation, or a claim by a verified person at
one of the company's registered domains (confirmed by a mailed link, then approved by a
moderator, or at once with AMICABLE_AUTO_APPROVE_DOMAIN_CLAIMS)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from amicable import security
from amicable.infra.errors import ErrorCode, Forbidden, OperationFailed, UserError, not_found
from amicable.infra.messages import Msg
from amicable.infra.pagination import NEWEST_FIRST, Page, Window, paginate
from amicable.infra.validation import check_email, normalise_email
from amicable.models import AccountToken, Company, CompanyClaim, User
from amicable.models.account_tokens import ClaimStatus, TokenPurpose
from amicable.models.enums import Language, Role
from amicable.models.mail import RecipientKind
from amicable.policy import Viewer, can_claim_company, can_find_company, can_manage_agents
from amicable.resolvers import account_mail, audit, domains, mail_tokens
from amicable.resolvers.accounts import IssuedToken, check_full_name, check_password, issue_token
from amicable.services import Services


@dataclass(frozen=True, slots=True)
class Invitation:
    email: str
    company: Company
    expires_at: datetime


async def invite_agent(
    services: Services,
    viewer: Viewer,
    company_id: uuid.UUID,
    email: str,
    language: Language | None = None,
) -> Invitation:
    if not can_manage_agents(viewer):
        raise Forbidden()
    address = normalise_email(email)
    errors = check_email("email", address)
    if errors:
        raise OperationFailed(*errors)
    company = await Company.get_or_none(id=company_id)
    if company is None:
        raise not_found("Company", "companyId")
    if await User.exists(email=address):
        raise OperationFailed(UserError(ErrorCode.DUPLICATE, Msg.ACCOUNT_EXISTS, "email"))
    await mail_tokens.throttle(services, "agent_invite", address)
    days = services.settings.invite_link_days
    language = language or company.language
    async with in_transaction():
        secret = await mail_tokens.issue(
            services,
            TokenPurpose.AGENT_INVITE,
            email=address,
            lifetime=timedelta(days=days),
            company_id=company.id,
            created_by_id=viewer.user_id,
        )
        await account_mail.send_link(
            services,
            "agent_invite",
            to=address,
            language=language,
            token=secret,
            hours=days * 24,
            recipient_kind=RecipientKind.COMPANY,
            company=company.name,
        )
        await audit.record(
            viewer, "agent.invite", "company", company.id, company_id=company.id, email=address
        )
    return Invitation(address, company, services.now() + timedelta(days=days))


async def accept_invitation(
    services: Services, secret: str, *, password: str, full_name: str, language: Language
) -> IssuedToken:
    """The invited person chooses a password: an agent account bound to the company, its
    address verified (the link reached it), and a first bearer token."""
    errors = [*check_full_name(full_name), *check_password(password)]
    if errors:
        raise OperationFailed(*errors)
    password_hash = await security.hash_password(password)
    try:
        async with in_transaction():
            token = await mail_tokens.redeem(services, TokenPurpose.AGENT_INVITE, secret)
            if token.company_id is None:
                raise mail_tokens.invalid()
            user = await User.create(
                email=token.email,
                password_hash=password_hash,
                full_name=full_name.strip(),
                role=Role.AGENT,
                company_id=token.company_id,
                language=language,
                email_verified_at=services.now(),
            )
            bearer = await issue_token(services, user)
            await audit.record(
                Viewer.for_user(user.id, Role.AGENT, company_id=user.company_id),
                "agent.join",
                "user",
                user.id,
                invited_by=str(token.created_by_id) if token.created_by_id else None,
            )
    except IntegrityError as exc:
        raise OperationFailed(UserError(ErrorCode.DUPLICATE, Msg.ACCOUNT_EXISTS, "email")) from exc
    return IssuedToken(user, bearer)


# --- claims -------------------------------------------------------------------------------


async def claim(services: Services, viewer: Viewer, company_id: uuid.UUID) -> CompanyClaim:
    """Ask to answer for a company; a confirmation link goes to the claimant's address."""
    if not can_claim_company(viewer) or viewer.user_id is None:
        raise Forbidden()
    company = await Company.get_or_none(id=company_id)
    if company is None or not can_find_company(viewer, company):
        raise not_found("Company", "companyId")
    user = await User.get(id=viewer.user_id)
    if user.email_verified_at is None:
        raise OperationFailed(UserError(ErrorCode.INVALID_STATE, Msg.VERIFY_EMAIL_FIRST, "email"))
    if domains.domain_of(user.email) not in await domains.registered(company):
        raise OperationFailed(
            UserError(
                ErrorCode.NOT_ALLOWED,
                Msg.EMAIL_NOT_AT_COMPANY_DOMAIN,
                "email",
            )
        )
    await mail_tokens.throttle(services, "company_claim", str(user.id), user.email)
    hours = services.settings.claim_link_hours
    async with in_transaction():
        await CompanyClaim.filter(
            user_id=user.id, company_id=company.id, status=ClaimStatus.REQUESTED
        ).update(status=ClaimStatus.REFUSED, decided_at=services.now())
        record = await CompanyClaim.create(
            company_id=company.id,
            user_id=user.id,
            email=user.email,
            status=ClaimStatus.REQUESTED,
            created_at=services.now(),
        )
        secret = await mail_tokens.issue(
            services,
            TokenPurpose.COMPANY_CLAIM,
            email=user.email,
            lifetime=timedelta(hours=hours),
            user_id=user.id,
            company_id=company.id,
            claim_id=record.id,
        )
        await account_mail.send_link(
            services,
            "company_claim",
            to=user.email,
            language=user.language,
            token=secret,
            hours=hours,
            company=company.name,
        )
        await audit.record(viewer, "company.claim", "company", company.id, company_id=company.id)
    return record


async def confirm_claim(services: Services, secret: str) -> CompanyClaim:
    async with in_transaction():
        token = await mail_tokens.redeem(services, TokenPurpose.COMPANY_CLAIM, secret)
        record = await CompanyClaim.select_for_update().get_or_none(id=token.claim_id)
        if record is None or record.status is not ClaimStatus.REQUESTED:
            raise mail_tokens.invalid()
        user = await User.get(id=record.user_id)
        if user.email != record.email:
            raise mail_tokens.invalid()
        record.status = ClaimStatus.CONFIRMED
        record.confirmed_at = services.now()
        await record.save(update_fields=["status", "confirmed_at"])
        company = await Company.get(id=record.company_id)
        if services.settings.auto_approve_domain_claims and domains.domain_of(
            user.email
        ) in await domains.registered(company):
            await _approve(services, None, record, user)
    return record


async def decide_claim(
    services: Services, viewer: Viewer, claim_id: uuid.UUID, *, approve: bool
) -> CompanyClaim:
    if not can_manage_agents(viewer):
        raise Forbidden()
    async with in_transaction():
        record = await CompanyClaim.select_for_update().get_or_none(id=claim_id)
        if record is None:
            raise not_found("CompanyClaim", "claimId")
        if record.status is not ClaimStatus.CONFIRMED:
            raise OperationFailed(
                UserError(
                    ErrorCode.INVALID_STATE,
                    Msg.CLAIM_NOT_CONFIRMED,
                )
            )
        user = await User.select_for_update().get(id=record.user_id)
        if approve:
            await _approve(services, viewer, record, user)
        else:
            record.status = ClaimStatus.REFUSED
            record.decided_at = services.now()
            record.decided_by_id = viewer.user_id
            await record.save(update_fields=["status", "decided_at", "decided_by_id"])
            await audit.record(
                viewer,
                "company.claim_refused",
                "company",
                record.company_id,
                company_id=record.company_id,
            )
    return record


async def claims(viewer: Viewer, *, status: ClaimStatus | None, page: Window) -> Page[CompanyClaim]:
    if not can_manage_agents(viewer):
        raise Forbidden()
    queryset = CompanyClaim.all()
    if status is not None:
        queryset = queryset.filter(status=status)
    return await paginate(queryset, NEWEST_FIRST, page)


async def _approve(
    services: Services, viewer: Viewer | None, record: CompanyClaim, user: User
) -> None:
    """The claimant's account becomes an agent account of the company; only a consumer
    account (one that became staff or another company's agent meanwhile stays as it is)."""
    if user.role is not Role.CONSUMER or user.erased_at is not None:
        raise OperationFailed(UserError(ErrorCode.INVALID_STATE, Msg.CLAIMANT_CANNOT_BE_AGENT))
    record.status = ClaimStatus.APPROVED
    record.decided_at = services.now()
    record.decided_by_id = viewer.user_id if viewer else None
    await record.save(update_fields=["status", "decided_at", "decided_by_id"])
    user.role = Role.AGENT
    user.company_id = record.company_id
    await user.save(update_fields=["role", "company_id"])
    await AccountToken.filter(claim_id=record.id, used_at__isnull=True).update(
        used_at=services.now()
    )
    await audit.record(
        viewer,
        "company.claim_approved",
        "user",
        user.id,
        actor_kind=None if viewer else "system",
        company_id=record.company_id,
    )
