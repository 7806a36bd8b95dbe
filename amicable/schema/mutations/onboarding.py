"""Memberships, company onboarding (invitations, claims, agents, registered domains) and
withdrawing web reply links."""

from __future__ import annotations

from datetime import date

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
from amicable.schema.types.errors import UserError
from amicable.schema.types.user import UserType

_MODERATORS = requires(IsAuthenticated(), IsModerator())


@strawberry.input
class AccountMembershipUpdateInput:
    user_id: strawberry.ID
    is_member: bool
    member_number: str = ""
    member_until: date | None = strawberry.field(
        default=None, description="The last day the membership counts (required to set)."
    )


@strawberry.type
class UserPayload:
    user: UserType | None = None
    errors: list[UserError]


@strawberry.input
class AgentInviteInput:
    company_id: strawberry.ID
    email: str
    language: Language | None = strawberry.field(
        default=None, description="Of the invitation mail; default: the company's."
    )


@strawberry.type
class AgentInvitePayload:
    invitation: InvitationType | None = None
    errors: list[UserError]


@strawberry.input
class AgentInvitationAcceptInput:
    token: str = strawberry.field(description="The token from the invitation link.")
    password: str = strawberry.field(description="At least 10 characters.")
    full_name: str
    language: Language = Language.NL


@strawberry.type
class AgentInvitationAcceptPayload:
    user: UserType | None = None
    token: str | None = strawberry.field(default=None, description="A bearer token.")
    errors: list[UserError]


@strawberry.input
class CompanyClaimInput:
    company_id: strawberry.ID


@strawberry.input
class CompanyClaimConfirmInput:
    token: str


@strawberry.input
class CompanyClaimDecideInput:
    claim_id: strawberry.ID
    approve: bool


@strawberry.type
class CompanyClaimPayload:
    claim: CompanyClaimType | None = None
    errors: list[UserError]


@strawberry.input
class AgentSuspendInput:
    user_id: strawberry.ID
    suspended: bool = True


@strawberry.input
class AgentRemoveInput:
    user_id: strawberry.ID


@strawberry.input
class CompanyDomainsSetInput:
    company_id: strawberry.ID
    domains: list[str]


@strawberry.type
class CompanyDomainsSetPayload:
    domains: list[str] | None = None
    errors: list[UserError]


@strawberry.input
class ReplyLinkRevokeInput:
    complaint_id: strawberry.ID
    link: str | None = strawberry.field(
        default=None,
        description="One link as it was mailed; without it, every link of the complaint "
        "sent until now.",
    )


@strawberry.type
class ReplyLinkRevokePayload:
    complaint: ComplaintType | None = None
    errors: list[UserError]


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
        self, info: Info, input: AccountMembershipUpdateInput
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
    async def agent_invite(self, info: Info, input: AgentInviteInput) -> AgentInvitePayload:
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
        self, info: Info, input: AgentInvitationAcceptInput
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
    async def company_claim(self, info: Info, input: CompanyClaimInput) -> CompanyClaimPayload:
        async def run() -> CompanyClaim:
            company_id = decode_id(input.company_id, "Company", "companyId")
            return await onboarding.claim(info.context.services, info.context.viewer, company_id)

        claim, errors = await attempt(run())
        return _claim(claim, errors)

    @strawberry.mutation(description="Confirm a claim with the mailed link's token.")
    async def company_claim_confirm(
        self, info: Info, input: CompanyClaimConfirmInput
    ) -> CompanyClaimPayload:
        claim, errors = await attempt(onboarding.confirm_claim(info.context.services, input.token))
        return _claim(claim, errors)

    @strawberry.mutation(
        description="Approve or refuse a confirmed claim (moderators).", extensions=_MODERATORS
    )
    async def company_claim_decide(
        self, info: Info, input: CompanyClaimDecideInput
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
    async def agent_suspend(self, info: Info, input: AgentSuspendInput) -> UserPayload:
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
    async def agent_remove(self, info: Info, input: AgentRemoveInput) -> UserPayload:
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
        self, info: Info, input: CompanyDomainsSetInput
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
        self, info: Info, input: ReplyLinkRevokeInput
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
