"""Who may see what: the one visibility policy (PRODUCT.md section 3).

Every path asks this module: the database filters (`*_filter`) for lists and counts, and
the predicates (`can_*`) for single objects, nested fields, mutations and events. The two
forms state the same rules; `tests/test_policy_matrix.py` holds them to it per role.

A private complaint exists only for its consumer, the agents of its company, moderators,
and lawyers once it is escalated. Everyone else gets exactly what a missing complaint
gives: no row, no count, `null`, `NOT_FOUND`.

Roles map to capabilities in one table (`CAPABILITIES`); every rule below, the schema's
permissions and the operations ask for a capability, never for a role. A new role is a
member of `Role` (accounts) or `ViewerKind` (without an account), a row in the table, and
its tests.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from tortoise.expressions import Q

from amicable.models import Company, Complaint, Message
from amicable.models.enums import UNPUBLISHED_STATUSES, ModerationState, Role, Visibility


class ViewerKind(StrEnum):
    """Who is asking: an account's `Role`, or one of the two kinds without an account."""

    ANONYMOUS = "anonymous"
    PARTNER = "partner"  # a partner's read-only API key
    CONSUMER = Role.CONSUMER.value
    AGENT = Role.AGENT.value
    MODERATOR = Role.MODERATOR.value
    LAWYER = Role.LAWYER.value


class Capability(StrEnum):
    SEE_EVERYTHING = "see_everything"  # every complaint, message, company and account
    WRITE_IN_ANY_THREAD = "write_in_any_thread"
    MODERATE = "moderate"  # the queue, its decisions, merges; the moderators' feed
    MANAGE_COMPANIES = "manage_companies"
    HANDLE_ESCALATIONS = "handle_escalations"  # escalated dossiers, assignment, notes
    READ_ESCALATED = "read_escalated"  # escalated dossiers in full, private or not
    ACT_FOR_COMPANY = "act_for_company"  # its own company's complaints, thread, contacts
    FILE_COMPLAINTS = "file_complaints"  # in one's own name; follow them; escalate them
    ERASE_OWN_ACCOUNT = "erase_own_account"
    RANK_COMPANIES = "rank_companies"
    READ_IN_BULK = "read_in_bulk"  # the higher page-size cap


C = Capability
CAPABILITIES: dict[ViewerKind, frozenset[Capability]] = {
    ViewerKind.ANONYMOUS: frozenset(),
    ViewerKind.PARTNER: frozenset({C.RANK_COMPANIES, C.READ_IN_BULK}),
    ViewerKind.CONSUMER: frozenset({C.FILE_COMPLAINTS, C.ERASE_OWN_ACCOUNT}),
    ViewerKind.AGENT: frozenset({C.ACT_FOR_COMPANY}),
    ViewerKind.MODERATOR: frozenset(
        {
            C.SEE_EVERYTHING,
            C.WRITE_IN_ANY_THREAD,
            C.MODERATE,
            C.MANAGE_COMPANIES,
            C.HANDLE_ESCALATIONS,
            C.RANK_COMPANIES,
        }
    ),
    ViewerKind.LAWYER: frozenset({C.HANDLE_ESCALATIONS, C.READ_ESCALATED}),
}


def role_can(role: Role, capability: Capability) -> bool:
    return capability in CAPABILITIES[ViewerKind(role.value)]


def roles_that_can(capability: Capability) -> list[Role]:
    return [role for role in Role if role_can(role, capability)]


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking. Built once per request or websocket from the bearer credential."""

    kind: ViewerKind
    user_id: uuid.UUID | None = None
    company_id: uuid.UUID | None = None
    is_member: bool = False
    token_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None

    @classmethod
    def anonymous(cls) -> Viewer:
        return cls(ViewerKind.ANONYMOUS)

    @classmethod
    def for_user(
        cls,
        user_id: uuid.UUID,
        role: Role,
        *,
        company_id: uuid.UUID | None = None,
        is_member: bool = False,
        token_id: uuid.UUID | None = None,
    ) -> Viewer:
        kind = ViewerKind(role.value)
        return cls(
            kind,
            user_id=user_id,
            company_id=company_id if Capability.ACT_FOR_COMPANY in CAPABILITIES[kind] else None,
            is_member=is_member,
            token_id=token_id,
        )

    @property
    def is_authenticated(self) -> bool:
        return self.kind is not ViewerKind.ANONYMOUS

    @property
    def is_user(self) -> bool:
        return self.user_id is not None

    def can(self, capability: Capability) -> bool:
        return capability in CAPABILITIES[self.kind]

    def acts_for(self, company_id: uuid.UUID | None) -> bool:
        """An agent of this company."""
        return (
            self.can(Capability.ACT_FOR_COMPANY)
            and self.company_id is not None
            and self.company_id == company_id
        )


# --- complaints -------------------------------------------------------------------------

_PUBLISHED = ~Q(status__in=list(UNPUBLISHED_STATUSES))


def complaint_filter(viewer: Viewer) -> Q:
    """The complaints this viewer may know exist, as a database filter."""
    public = Q(visibility=Visibility.PUBLIC) & _PUBLISHED
    if viewer.can(C.SEE_EVERYTHING):
        return Q()
    visible = public
    if viewer.user_id is not None:
        visible |= Q(consumer_id=viewer.user_id)
    if viewer.can(C.ACT_FOR_COMPANY) and viewer.company_id is not None:
        visible |= Q(company_id=viewer.company_id) & _PUBLISHED
    if viewer.can(C.READ_ESCALATED):
        visible |= Q(escalated_at__isnull=False)
    return visible


def can_see_complaint(viewer: Viewer, complaint: Complaint) -> bool:
    published = complaint.status not in UNPUBLISHED_STATUSES
    if viewer.can(C.SEE_EVERYTHING):
        return True
    if _is_owner(viewer, complaint):
        return True
    if viewer.acts_for(complaint.company_id):
        return published
    if _reads_escalated(viewer, complaint):
        return True
    return complaint.visibility is Visibility.PUBLIC and published


def can_see_private_details(viewer: Viewer, complaint: Complaint) -> bool:
    """The consumer's name and email, and the complaint's private part."""
    if not can_see_complaint(viewer, complaint):
        return False
    if viewer.can(C.SEE_EVERYTHING) or _is_owner(viewer, complaint):
        return True
    return viewer.acts_for(complaint.company_id) or _reads_escalated(viewer, complaint)


def sees_original_text(viewer: Viewer, complaint: Complaint) -> bool:
    """The author, the company, moderators and lawyers on the dossier read the original;
    everyone else the public (masked or redacted) version."""
    return can_see_private_details(viewer, complaint)


def can_see_sender_addresses(viewer: Viewer, complaint: Complaint) -> bool:
    """Addresses that replies were mailed from: the company, moderators, lawyers on the dossier."""
    if not can_see_complaint(viewer, complaint):
        return False
    if viewer.can(C.SEE_EVERYTHING):
        return True
    return viewer.acts_for(complaint.company_id) or _reads_escalated(viewer, complaint)


# --- messages ---------------------------------------------------------------------------


def can_see_delivery(viewer: Viewer, complaint: Complaint) -> bool:
    """Whether the complaint's mail reached the company: its consumer, the company's agents,
    moderators (and lawyers on the dossier). The public reads `sentAt` and the status, not
    the state of the mail system."""
    return can_see_private_details(viewer, complaint)


def can_see_delivery_errors(viewer: Viewer, complaint: Complaint) -> bool:
    """The relay's answer or the bounce text: it names addresses and servers, and only
    moderators act on it."""
    return viewer.kind is ViewerKind.MODERATOR and can_see_complaint(viewer, complaint)


def message_filter(viewer: Viewer) -> Q:
    """Which messages of a complaint the viewer already may see: call it only together with
    `can_see_complaint` (or `complaint_filter`) for the message's complaint."""
    published = Q(moderation_state=ModerationState.PUBLISHED)
    if viewer.can(C.SEE_EVERYTHING):
        return Q()
    if viewer.user_id is not None:
        return published | Q(author_user_id=viewer.user_id)
    return published


def can_see_message(viewer: Viewer, complaint: Complaint, message: Message) -> bool:
    if not can_see_complaint(viewer, complaint):
        return False
    if viewer.can(C.SEE_EVERYTHING):
        return True
    if message.moderation_state is ModerationState.PUBLISHED:
        return True
    return viewer.user_id is not None and message.author_user_id == viewer.user_id


# --- companies --------------------------------------------------------------------------


def company_filter(viewer: Viewer) -> Q:
    """Companies findable by slug or search: listed ones, plus an agent's own, plus all for
    moderators. An unlisted company is still named on the complaints that concern it."""
    if viewer.can(C.SEE_EVERYTHING):
        return Q()
    if viewer.can(C.ACT_FOR_COMPANY) and viewer.company_id is not None:
        return Q(listed=True) | Q(id=viewer.company_id)
    return Q(listed=True)


def can_find_company(viewer: Viewer, company: Company) -> bool:
    if viewer.can(C.SEE_EVERYTHING) or viewer.acts_for(company.id):
        return True
    return company.listed


def can_see_dashboard(viewer: Viewer, company: Company) -> bool:
    """Score and statistics: public for listed companies; an unlisted one's only for its own
    agents and moderators. The figures are aggregates (private complaints included) that
    reveal no single complaint."""
    if company.listed or viewer.can(C.SEE_EVERYTHING):
        return True
    return viewer.acts_for(company.id)


def can_rank_companies(viewer: Viewer) -> bool:
    """Bulk dashboard queries (rankings by score): partners' keys and moderators."""
    return viewer.can(C.RANK_COMPANIES)


def can_see_company_contacts(viewer: Viewer, company: Company) -> bool:
    """Complaint addresses and contact person: the company itself and moderators."""
    return viewer.can(C.SEE_EVERYTHING) or viewer.acts_for(company.id)


# --- actions ----------------------------------------------------------------------------


def can_post_message(viewer: Viewer, complaint: Complaint) -> bool:
    """Write in the thread: its consumer, its company's agents, moderators."""
    if not can_see_complaint(viewer, complaint):
        return False
    if _is_owner(viewer, complaint) or viewer.can(C.WRITE_IN_ANY_THREAD):
        return True
    return viewer.acts_for(complaint.company_id)


def is_owner(viewer: Viewer, complaint: Complaint) -> bool:
    return _is_owner(viewer, complaint)


def can_file_complaint(viewer: Viewer) -> bool:
    """Complaints are filed by consumers (members included), in their own name."""
    return viewer.can(C.FILE_COMPLAINTS) and viewer.user_id is not None


def can_see_account(viewer: Viewer, user_id: uuid.UUID) -> bool:
    """An account (by `node`) is its owner's to read, and moderators'."""
    return viewer.user_id == user_id or viewer.can(C.SEE_EVERYTHING)


def page_size_cap(viewer: Viewer, default_cap: int, partner_cap: int) -> int:
    """Partners read in bulk (rankings, lists for their dashboards) at a higher cap."""
    return partner_cap if viewer.can(C.READ_IN_BULK) else default_cap


def can_manage_companies(viewer: Viewer) -> bool:
    return viewer.can(C.MANAGE_COMPANIES)


# --- moderation, escalation, personal data ----------------------------------------------


def can_moderate(viewer: Viewer) -> bool:
    """The moderation queue and its decisions, company merges."""
    return viewer.can(C.MODERATE)


def can_handle_escalations(viewer: Viewer) -> bool:
    """Escalated dossiers, their assignment, status and lawyers' notes."""
    return viewer.can(C.HANDLE_ESCALATIONS)


def can_escalate(viewer: Viewer, complaint: Complaint) -> bool:
    """Only the consumer who filed it; `is_member` is checked apart, to say why not."""
    return viewer.can(C.FILE_COMPLAINTS) and _is_owner(viewer, complaint)


def can_report(viewer: Viewer, complaint: Complaint, message: Message | None = None) -> bool:
    """A published item the viewer can see; anything else answers as missing."""
    if not can_see_complaint(viewer, complaint) or complaint.status in UNPUBLISHED_STATUSES:
        return False
    if message is None:
        return True
    return (
        message.complaint_id == complaint.id
        and message.moderation_state is ModerationState.PUBLISHED
        and can_see_message(viewer, complaint, message)
    )


def can_request_correction(viewer: Viewer, company: Company) -> bool:
    """The company's own agents ask; moderators just correct (`companyUpdate`)."""
    return viewer.acts_for(company.id)


def can_export_own_data(viewer: Viewer) -> bool:
    return viewer.is_user


def can_erase_own_account(viewer: Viewer) -> bool:
    """Consumers; staff and agent accounts are closed by the organisation."""
    return viewer.can(C.ERASE_OWN_ACCOUNT) and viewer.user_id is not None


def _is_owner(viewer: Viewer, complaint: Complaint) -> bool:
    return viewer.user_id is not None and complaint.consumer_id == viewer.user_id


def _reads_escalated(viewer: Viewer, complaint: Complaint) -> bool:
    return viewer.can(C.READ_ESCALATED) and complaint.escalated_at is not None


# The name an erased account keeps; its public pseudonym is "Anonymous".
ERASED_NAME = "Erased user"


def pseudonym(full_name: str) -> str:
    """How the public sees a consumer: first name and the initial of the last ("Jan D.")."""
    parts = full_name.split()
    if not parts or full_name == ERASED_NAME:
        return "Anonymous"
    if len(parts) == 1:
        return parts[0]
    # "Jan De Smet" -> "Jan D.": the initial of the family name as written, particle included.
    return f"{parts[0]} {parts[1][0].upper()}."


# --- nudges -------------------------------------------------------------------------------


def can_see_nudges(viewer: Viewer, complaint: Complaint) -> bool:
    """The reminders, notices and prompts a complaint has had or will have: its consumer,
    its company's agents and moderators (docs/nudges.md)."""
    if not can_see_complaint(viewer, complaint):
        return False
    return (
        _is_owner(viewer, complaint)
        or viewer.acts_for(complaint.company_id)
        or viewer.can(C.MODERATE)
    )


def can_choose_agent_digest(viewer: Viewer) -> bool:
    """The weekly digest is an agent's to turn off or on."""
    return viewer.can(C.ACT_FOR_COMPANY) and viewer.user_id is not None
