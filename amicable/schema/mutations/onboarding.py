"""Memberships, company onboarding (invitations, claims, agents, registered domains) and
withdrawing web reply links."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from amicable.models import CompanyClaim, Complaint, User
from amicable.resolvers import agents, domains, magic_links, membership, onboarding
from amicable.schema.context import Info
from amicable.schema.mutations._attempt import attempt, decode_id
from amicable.schema.permissions import IsAuthenticated, IsConsumer, IsModerator, requires
from amicable.schema.types.account import CompanyClaimType, InvitationType
from amicable.schema.types.company import CompanyType
from amicable.schema.types.complaint import ComplaintType
from amicable.schema.types.enums import Language
from amicable.schema.types.errors import ERRORS, INPUT, UserError
from amicable.schema.types.user import UserType

_MODERATORS = requires(IsAuthenticated(), IsModerator())


@strawberry.input(description="A moderator sets whether an account is a member.")
class AccountMembershipUpdateInput:
    user_id: strawberry.ID = strawberry.field(description="The User ID.")
    is_member: bool = strawberry.field(description="Whether the account is a member.")
    member_number: str = strawberry.field(
        default="", description="The member number (required for a member)."
    )
    member_until: date | None = strawberry.field(
        default=None, description="The last day the membership counts (required to set)."
    )


@strawberry.type(description="The account as it is now, or why not.")
class UserPayload:
    user: UserType | None = strawberry.field(default=None, description="The account as it is now.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="Whom to invite as an agent of which company.")
class AgentInviteInput:
    company_id: strawberry.ID = strawberry.field(description="The Company ID.")
    email: str = strawberry.field(description="Where to mail the invitation.")
    language: Language | None = strawberry.field(
        default=None, description="Of the invitation mail; default: the company's."
    )


@strawberry.type(description="The invitation sent, or why not.")
class AgentInvitePayload:
    invitation: InvitationType | None = strawberry.field(
        default=None, description="The invitation sent."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="Accept an invitation: set up the agent account.")
class AgentInvitationAcceptInput:
    token: str = strawberry.field(description="The token from the invitation link.")
    password: str = strawberry.field(description="At least 10 characters.")
    full_name: str = strawberry.field(description="The agent's full name.")
    language: Language = strawberry.field(
        default=Language.NL, description="The language of mail and messages (default NL)."
    )


@strawberry.type(description="The new agent account and its token, or why not.")
class AgentInvitationAcceptPayload:
    user: UserType | None = strawberry.field(default=None, description="The new agent account.")
    token: str | None = strawberry.field(default=None, description="A bearer token.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="The company to answer for.")
class CompanyClaimInput:
    company_id: strawberry.ID = strawberry.field(description="The Company ID.")


@strawberry.input(description="The claim link's token.")
class CompanyClaimConfirmInput:
    token: str = strawberry.field(description="The token from the mailed link.")


@strawberry.input(description="A moderator's decision on a confirmed claim.")
class CompanyClaimDecideInput:
    claim_id: strawberry.ID = strawberry.field(description="The CompanyClaim ID.")
    approve: bool = strawberry.field(description="True to approve, false to refuse.")


@strawberry.type(description="The claim as it is now, or why not.")
class CompanyClaimPayload:
    claim: CompanyClaimType | None = strawberry.field(
        default=None, description="The claim as it is now."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="An agent to suspend or restore.")
class AgentSuspendInput:
    user_id: strawberry.ID = strawberry.field(description="The User ID.")
    suspended: bool = strawberry.field(
        default=True, description="True to suspend (the default), false to restore."
    )


@strawberry.input(description="The agent to remove from their company.")
class AgentRemoveInput:
    user_id: strawberry.ID = strawberry.field(description="The User ID.")


@strawberry.input(description="A company's mail domains, replacing the old list.")
class CompanyDomainsSetInput:
    company_id: strawberry.ID = strawberry.field(description="The Company ID.")
    domains: list[str] = strawberry.field(
        description="At most 50 domain names; no public mail providers."
    )


@strawberry.type(description="The domains as they are now, or why not.")
class CompanyDomainsSetPayload:
    domains: list[str] | None = strawberry.field(
        default=None, description="The domains as they are now."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.input(description="A complaint whose company reply link stops working.")
class ReplyLinkRevokeInput:
    complaint_id: strawberry.ID = strawberry.field(description="The Complaint ID.")
    link: str | None = strawberry.field(
        default=None,
        description="One link as it was mailed; without it, every link of the complaint "
        "sent until now.",
    )


@strawberry.type(description="The complaint as it is now, or why not.")
class ReplyLinkRevokePayload:
    complaint: ComplaintType | None = strawberry.field(
        default=None, description="The complaint as it is now."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


def _user(user: User | None, errors: list[UserError]) -> UserPayload:
    return UserPayload(user=UserType.from_model(user) if user else None, errors=errors)


def _claim(claim: CompanyClaim | None, errors: list[UserError]) -> CompanyClaimPayload:
    if claim is None:
        return CompanyClaimPayload(errors=errors)
    return CompanyClaimPayload(claim=CompanyClaimType.from_model(claim), errors=[])


@strawberry.type
class OnboardingMutations:
    @strawberry.mutation(
        description="Set (with a member number and an expiry) or clear a consumer's "
        "membership (moderators).",
        extensions=_MODERATORS,
    )
    async def account_membership_update(
        self,
        info: Info,
        input: Annotated[AccountMembershipUpdateInput, strawberry.argument(description=INPUT)],
    ) -> UserPayload:
        async def run() -> User:
            user_id = decode_id(input.user_id, "User", "userId")
            change = membership.MembershipChange(
                input.is_member, input.member_number, input.member_until
            )
            return await membership.update(
                info.context.services, info.context.viewer, user_id, change
            )

        user, errors = await attempt(run())
        return _user(user, errors)

    @strawberry.mutation(
        description="Invite a person by email to answer for a company (moderators).",
        extensions=_MODERATORS,
    )
    async def agent_invite(
        self, info: Info, input: Annotated[AgentInviteInput, strawberry.argument(description=INPUT)]
    ) -> AgentInvitePayload:
        async def run() -> onboarding.Invitation:
            company_id = decode_id(input.company_id, "Company", "companyId")
            return await onboarding.invite_agent(
                info.context.services,
                info.context.viewer,
                company_id,
                input.email,
                input.language,
            )

        invitation, errors = await attempt(run())
        if invitation is None:
            return AgentInvitePayload(errors=errors)
        return AgentInvitePayload(
            invitation=InvitationType(
                email=invitation.email,
                expires_at=invitation.expires_at,
                company=CompanyType.from_model(invitation.company),
            ),
            errors=[],
        )

    @strawberry.mutation(
        description="Accept an invitation: an agent account of the company, signed in."
    )
    async def agent_invitation_accept(
        self,
        info: Info,
        input: Annotated[AgentInvitationAcceptInput, strawberry.argument(description=INPUT)],
    ) -> AgentInvitationAcceptPayload:
        issued, errors = await attempt(
            onboarding.accept_invitation(
                info.context.services,
                input.token,
                password=input.password,
                full_name=input.full_name,
                language=input.language,
            )
        )
        if issued is None:
            return AgentInvitationAcceptPayload(errors=errors)
        return AgentInvitationAcceptPayload(
            user=UserType.from_model(issued.user), token=issued.token, errors=[]
        )

    @strawberry.mutation(
        description="Ask to answer for a company: your verified address must be at one of "
        "its registered domains. A confirmation link is mailed to you.",
        extensions=requires(IsAuthenticated(), IsConsumer()),
    )
    async def company_claim(
        self,
        info: Info,
        input: Annotated[CompanyClaimInput, strawberry.argument(description=INPUT)],
    ) -> CompanyClaimPayload:
        async def run() -> CompanyClaim:
            company_id = decode_id(input.company_id, "Company", "companyId")
            return await onboarding.claim(info.context.services, info.context.viewer, company_id)

        claim, errors = await attempt(run())
        return _claim(claim, errors)

    @strawberry.mutation(description="Confirm a claim with the mailed link's token.")
    async def company_claim_confirm(
        self,
        info: Info,
        input: Annotated[CompanyClaimConfirmInput, strawberry.argument(description=INPUT)],
    ) -> CompanyClaimPayload:
        claim, errors = await attempt(onboarding.confirm_claim(info.context.services, input.token))
        return _claim(claim, errors)

    @strawberry.mutation(
        description="Approve or refuse a confirmed claim (moderators).", extensions=_MODERATORS
    )
    async def company_claim_decide(
        self,
        info: Info,
        input: Annotated[CompanyClaimDecideInput, strawberry.argument(description=INPUT)],
    ) -> CompanyClaimPayload:
        async def run() -> CompanyClaim:
            claim_id = decode_id(input.claim_id, "CompanyClaim", "claimId")
            return await onboarding.decide_claim(
                info.context.services, info.context.viewer, claim_id, approve=input.approve
            )

        claim, errors = await attempt(run())
        return _claim(claim, errors)

    @strawberry.mutation(
        description="Suspend (all sessions end) or reinstate an agent (moderators).",
        extensions=_MODERATORS,
    )
    async def agent_suspend(
        self,
        info: Info,
        input: Annotated[AgentSuspendInput, strawberry.argument(description=INPUT)],
    ) -> UserPayload:
        async def run() -> User:
            user_id = decode_id(input.user_id, "User", "userId")
            return await agents.suspend(
                info.context.services, info.context.viewer, user_id, input.suspended
            )

        user, errors = await attempt(run())
        return _user(user, errors)

    @strawberry.mutation(
        description="Take an agent off their company (moderators).", extensions=_MODERATORS
    )
    async def agent_remove(
        self, info: Info, input: Annotated[AgentRemoveInput, strawberry.argument(description=INPUT)]
    ) -> UserPayload:
        async def run() -> User:
            user_id = decode_id(input.user_id, "User", "userId")
            return await agents.remove(info.context.services, info.context.viewer, user_id)

        user, errors = await attempt(run())
        return _user(user, errors)

    @strawberry.mutation(
        description="Replace a company's registered domains (moderators).",
        extensions=_MODERATORS,
    )
    async def company_domains_set(
        self,
        info: Info,
        input: Annotated[CompanyDomainsSetInput, strawberry.argument(description=INPUT)],
    ) -> CompanyDomainsSetPayload:
        async def run() -> list[str]:
            company_id = decode_id(input.company_id, "Company", "companyId")
            return await domains.replace(info.context.viewer, company_id, input.domains)

        result, errors = await attempt(run())
        return CompanyDomainsSetPayload(domains=result, errors=errors)

    @strawberry.mutation(
        description="Withdraw a complaint's web reply links, or one of them (moderators).",
        extensions=_MODERATORS,
    )
    async def reply_link_revoke(
        self,
        info: Info,
        input: Annotated[ReplyLinkRevokeInput, strawberry.argument(description=INPUT)],
    ) -> ReplyLinkRevokePayload:
        async def run() -> Complaint:
            complaint_id = decode_id(input.complaint_id, "Complaint", "complaintId")
            return await magic_links.revoke(
                info.context.services, info.context.viewer, complaint_id, input.link
            )

        complaint, errors = await attempt(run())
        if complaint is None:
            return ReplyLinkRevokePayload(errors=errors)
        return ReplyLinkRevokePayload(complaint=ComplaintType.from_model(complaint), errors=[])
