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
from datetime import datetime
from enum import StrEnum

from tortoise.expressions import Q

from amicable.models import Attachment, Company, Complaint, Message
from amicable.models.enums import UNPUBLISHED_STATUSES, ModerationState, Role, Visibility
from amicable.screening.names import name_words


class ViewerKind(StrEnum):
    """Who is asking: an account's `Role`, or one of the kinds without an account."""

    ANONYMOUS = "anonymous"
    PARTNER = "partner"  # a partner's read-only API key
    CONSUMER = Role.CONSUMER.value
    AGENT = Role.AGENT.value
    MODERATOR = Role.MODERATOR.value
    LAWYER = Role.LAWYER.value
    # A company holding the web reply link of one complaint mail: the rights of that
    # thread's Reply-To address, nothing more (no account, no lists, no other complaint).
    COMPANY_LINK = "company_link"


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
    ANSWER_LINKED_THREAD = "answer_linked_thread"  # the one thread a reply link opens
    WRITE_MESSAGES = "write_messages"  # `messagePost` at all (each thread checked apart)
    MANAGE_OWN_ACCOUNT = "manage_own_account"  # profile, password, email, sign-out
    CLAIM_COMPANY = "claim_company"  # ask to answer for a company (address checked apart)
    MANAGE_MEMBERS = "manage_members"  # set and clear memberships
    MANAGE_AGENTS = "manage_agents"  # invitations, claims, domains, suspensions, links
    OPERATE = "operate"  # failed and unprocessable mail, retries, the audit log


C = Capability
CAPABILITIES: dict[ViewerKind, frozenset[Capability]] = {
    ViewerKind.ANONYMOUS: frozenset(),
    ViewerKind.PARTNER: frozenset({C.RANK_COMPANIES, C.READ_IN_BULK}),
    ViewerKind.CONSUMER: frozenset(
        {
            C.FILE_COMPLAINTS,
            C.ERASE_OWN_ACCOUNT,
            C.WRITE_MESSAGES,
            C.MANAGE_OWN_ACCOUNT,
            C.CLAIM_COMPANY,
        }
    ),
    ViewerKind.AGENT: frozenset({C.ACT_FOR_COMPANY, C.WRITE_MESSAGES, C.MANAGE_OWN_ACCOUNT}),
    ViewerKind.MODERATOR: frozenset(
        {
            C.SEE_EVERYTHING,
            C.WRITE_IN_ANY_THREAD,
            C.WRITE_MESSAGES,
            C.MODERATE,
            C.MANAGE_COMPANIES,
            C.MANAGE_MEMBERS,
            C.MANAGE_AGENTS,
            C.HANDLE_ESCALATIONS,
            C.RANK_COMPANIES,
            C.OPERATE,
            C.MANAGE_OWN_ACCOUNT,
        }
    ),
    ViewerKind.LAWYER: frozenset(
        {C.HANDLE_ESCALATIONS, C.READ_ESCALATED, C.WRITE_MESSAGES, C.MANAGE_OWN_ACCOUNT}
    ),
    ViewerKind.COMPANY_LINK: frozenset({C.ANSWER_LINKED_THREAD, C.WRITE_MESSAGES}),
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
    # A reply link only: the one complaint it opens, and the address it was sent to.
    link_complaint_id: uuid.UUID | None = None
    link_recipient: str | None = None
    link_id: str | None = None
    link_issued_at: datetime | None = None

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

    @classmethod
    def for_link(
        cls,
        complaint_id: uuid.UUID,
        company_id: uuid.UUID,
        recipient: str,
        link_id: str,
        issued_at: datetime,
    ) -> Viewer:
        return cls(
            ViewerKind.COMPANY_LINK,
            company_id=company_id,
            link_complaint_id=complaint_id,
            link_recipient=recipient,
            link_id=link_id,
            link_issued_at=issued_at,
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

    def opens_thread(self, complaint_id: uuid.UUID) -> bool:
        """The holder of this complaint mail's reply link."""
        return (
            self.can(Capability.ANSWER_LINKED_THREAD)
            and self.link_complaint_id is not None
            and self.link_complaint_id == complaint_id
        )

    def acts_for_complaint(self, complaint: Complaint) -> bool:
        """Answers for the complaint's company: its agent, or its mail's reply link."""
        return self.acts_for(complaint.company_id) or self.opens_thread(complaint.id)


# --- complaints -------------------------------------------------------------------------

# Published: past moderation, and not held back for its consumer's email verification.
_PUBLISHED = ~Q(status__in=list(UNPUBLISHED_STATUSES)) & Q(unsent_reason="")


def _is_published(complaint: Complaint) -> bool:
    return complaint.status not in UNPUBLISHED_STATUSES and not complaint.unsent_reason


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
    if viewer.can(C.ANSWER_LINKED_THREAD):
        # A reply link opens its one complaint and nothing else, not even public ones.
        return Q(id=viewer.link_complaint_id) & _PUBLISHED
    return visible


def can_see_complaint(viewer: Viewer, complaint: Complaint) -> bool:
    published = _is_published(complaint)
    if viewer.can(C.SEE_EVERYTHING):
        return True
    if viewer.can(C.ANSWER_LINKED_THREAD):
        return published and viewer.opens_thread(complaint.id)
    if _is_owner(viewer, complaint):
        return True
    if viewer.acts_for_complaint(complaint):
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
    return viewer.acts_for_complaint(complaint) or _reads_escalated(viewer, complaint)


def private_details_filter(viewer: Viewer) -> Q:
    """`can_see_private_details` as a database filter, for complaints already admitted by
    `complaint_filter`."""
    if viewer.can(C.SEE_EVERYTHING):
        return Q(id__isnull=False)
    visible = Q(id__isnull=True)  # to begin with, a condition no row meets
    if viewer.user_id is not None:
        visible |= Q(consumer_id=viewer.user_id)
    if viewer.can(C.ACT_FOR_COMPANY) and viewer.company_id is not None:
        visible |= Q(company_id=viewer.company_id)
    if viewer.can(C.ANSWER_LINKED_THREAD):
        visible |= Q(id=viewer.link_complaint_id)
    if viewer.can(C.READ_ESCALATED):
        visible |= Q(escalated_at__isnull=False)
    return visible


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
    return viewer.acts_for_complaint(complaint) or _reads_escalated(viewer, complaint)


# --- messages ---------------------------------------------------------------------------


def can_see_delivery(viewer: Viewer, complaint: Complaint) -> bool:
    """Whether the complaint's mail reached the company: its consumer, the company's agents,
    moderators (and lawyers on the dossier). The public reads `sentAt` and the status, not
    the state of the mail system."""
    return can_see_private_details(viewer, complaint)


def can_see_delivery_errors(viewer: Viewer, complaint: Complaint) -> bool:
    """The relay's answer or the bounce text: it names addresses and servers, and only
    moderators act on it."""
    return viewer.can(C.OPERATE) and can_see_complaint(viewer, complaint)


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


# --- attachments ------------------------------------------------------------------------


def can_see_attachment(
    viewer: Viewer, complaint: Complaint, message: Message | None, attachment: Attachment
) -> bool:
    """An attachment follows what it is attached to (a held or rejected message's files are
    its author's and moderators'); a private one, also the complaint's private part."""
    if message is not None:
        if not can_see_message(viewer, complaint, message):
            return False
    elif not can_see_complaint(viewer, complaint):
        return False
    return not attachment.private or can_see_private_details(viewer, complaint)


def can_download_attachment(
    viewer: Viewer, complaint: Complaint, message: Message | None, attachment: Attachment
) -> bool:
    """Listed is not downloadable: a refused or erased file has no bytes to give."""
    if attachment.rejected_reason or not attachment.storage_key:
        return False
    return can_see_attachment(viewer, complaint, message, attachment)


# --- companies --------------------------------------------------------------------------


def company_filter(viewer: Viewer) -> Q:
    """Companies findable by slug or search: listed ones, plus an agent's own, plus all for
    moderators. An unlisted company is still named on the complaints that concern it."""
    if viewer.can(C.SEE_EVERYTHING):
        return Q()
    if viewer.can(C.ACT_FOR_COMPANY) and viewer.company_id is not None:
        return Q(listed=True) | Q(id=viewer.company_id)
    if viewer.can(C.ANSWER_LINKED_THREAD):
        return Q(id=viewer.company_id)  # its own company, to name it; no search, no lists
    return Q(listed=True)


def can_find_company(viewer: Viewer, company: Company) -> bool:
    if viewer.can(C.SEE_EVERYTHING) or viewer.acts_for(company.id):
        return True
    if viewer.can(C.ANSWER_LINKED_THREAD):
        return viewer.company_id == company.id
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
    return viewer.acts_for_complaint(complaint)


def can_write_messages(viewer: Viewer) -> bool:
    """Who may use `messagePost` at all (each thread is then checked): people's accounts and
    reply link holders; never a partner's read-only key."""
    return viewer.can(C.WRITE_MESSAGES)


def writes_as_company(viewer: Viewer, complaint: Complaint) -> bool:
    """An agent of the complaint's company, or the holder of its mail's reply link."""
    return viewer.acts_for_complaint(complaint)


def mail_sender_of(viewer: Viewer) -> str:
    """The address a link holder's web replies are recorded as sent from: the address the
    link (like the Reply-To token) was issued to."""
    return (viewer.link_recipient or "") if viewer.can(C.ANSWER_LINKED_THREAD) else ""


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


def can_operate(viewer: Viewer) -> bool:
    """The operator views: failed and unprocessable mail, their retries, the audit log."""
    return viewer.can(C.OPERATE)


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


# --- accounts, memberships, company onboarding ------------------------------------------


def can_manage_own_account(viewer: Viewer) -> bool:
    """Profile, password, email address, signing out everywhere: any person's account."""
    return viewer.can(C.MANAGE_OWN_ACCOUNT) and viewer.user_id is not None


def can_manage_members(viewer: Viewer) -> bool:
    """Set and clear memberships."""
    return viewer.can(C.MANAGE_MEMBERS)


def can_manage_agents(viewer: Viewer) -> bool:
    """Invite, list, suspend and remove a company's agents; decide claims; edit a company's
    registered domains; withdraw reply links."""
    return viewer.can(C.MANAGE_AGENTS)


def can_claim_company(viewer: Viewer) -> bool:
    """A consumer account asks to answer for a company (its address is checked apart)."""
    return viewer.can(C.CLAIM_COMPANY) and viewer.user_id is not None


def _is_owner(viewer: Viewer, complaint: Complaint) -> bool:
    return viewer.user_id is not None and complaint.consumer_id == viewer.user_id


def _reads_escalated(viewer: Viewer, complaint: Complaint) -> bool:
    return viewer.can(C.READ_ESCALATED) and complaint.escalated_at is not None


# The name an erased account keeps; its public pseudonym is "Anonymous".
ERASED_NAME = "Erased user"


def pseudonym(full_name: str) -> str:
    """How the public sees a consumer: first name and the initial of the last ("Jan D.");
    a one-word name becomes its initial ("Jan" -> "J."), so no pseudonym is a whole name.
    Computed when read, so accounts made before these rules show the same way. Words with
    an email address or digits in them are never shown (a phone number typed as a name)."""
    words = name_words(full_name)
    if not words or full_name == ERASED_NAME:
        return "Anonymous"
    if len(words) == 1:
        return f"{_initial(words[0])}."
    # "Jan De Smet" -> "Jan D.": the initial of the family name as written, particle included.
    return f"{words[0]} {_initial(words[1])}."


def _initial(word: str) -> str:
    return next(ch for ch in word if ch.isalpha()).upper()


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
