"""Who may see what: the one visibility policy (PRODUCT.md section 3).

Every path asks this module: the database filters (`*_filter`) for lists and counts, and
the predicates (`can_*`) for single objects, nested fields, mutations and events. The two
forms state the same rules; `tests/test_policy_matrix.py` holds them to it per role.

A private complaint exists only for its consumer, the agents of its company, moderators,
and lawyers once it is escalated. Everyone else gets exactly what a missing complaint
gives: no row, no count, `null`, `NOT_FOUND`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tortoise.expressions import Q

from amicable.models import Company, Complaint, Message
from amicable.models.enums import UNPUBLISHED_STATUSES, ModerationState, Role, Visibility


class ViewerKind(StrEnum):
    ANONYMOUS = "anonymous"
    CONSUMER = "consumer"
    AGENT = "agent"
    MODERATOR = "moderator"
    LAWYER = "lawyer"
    PARTNER = "partner"
    # A company holding the web reply link of one complaint mail: the rights of that
    # thread's Reply-To address, nothing more (no account, no lists, no other complaint).
    COMPANY_LINK = "company_link"


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking. Built once per request or websocket from the bearer credential."""

    kind: ViewerKind
    user_id: uuid.UUID | None = None
    company_id: uuid.UUID | None = None
    is_member: bool = False
    token_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None
    # COMPANY_LINK only: the one complaint the link opens, and the address it was sent to.
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
        return cls(
            ViewerKind(role.value),
            user_id=user_id,
            company_id=company_id if role is Role.AGENT else None,
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

    @property
    def is_moderator(self) -> bool:
        return self.kind is ViewerKind.MODERATOR


# --- complaints -------------------------------------------------------------------------

# Published: past moderation, and not held back for its consumer's email verification.
_PUBLISHED = ~Q(status__in=list(UNPUBLISHED_STATUSES)) & Q(unsent_reason="")


def _is_published(complaint: Complaint) -> bool:
    return complaint.status not in UNPUBLISHED_STATUSES and not complaint.unsent_reason


def complaint_filter(viewer: Viewer) -> Q:
    """The complaints this viewer may know exist, as a database filter."""
    public = Q(visibility=Visibility.PUBLIC) & _PUBLISHED
    if viewer.kind is ViewerKind.MODERATOR:
        return Q()
    if viewer.kind is ViewerKind.CONSUMER:
        return public | Q(consumer_id=viewer.user_id)
    if viewer.kind is ViewerKind.AGENT:
        return public | (Q(company_id=viewer.company_id) & _PUBLISHED)
    if viewer.kind is ViewerKind.LAWYER:
        return public | Q(escalated_at__isnull=False)
    if viewer.kind is ViewerKind.COMPANY_LINK:
        return Q(id=viewer.link_complaint_id) & _PUBLISHED
    return public


def can_see_complaint(viewer: Viewer, complaint: Complaint) -> bool:
    published = _is_published(complaint)
    if viewer.kind is ViewerKind.COMPANY_LINK:
        return published and viewer.link_complaint_id == complaint.id
    if viewer.kind is ViewerKind.MODERATOR:
        return True
    if _is_owner(viewer, complaint):
        return True
    if viewer.kind is ViewerKind.AGENT and viewer.company_id == complaint.company_id:
        return published
    if viewer.kind is ViewerKind.LAWYER and complaint.escalated_at is not None:
        return True
    return complaint.visibility is Visibility.PUBLIC and published


def can_see_private_details(viewer: Viewer, complaint: Complaint) -> bool:
    """The consumer's name and email, and the complaint's private part."""
    if not can_see_complaint(viewer, complaint):
        return False
    if viewer.kind is ViewerKind.MODERATOR or _is_owner(viewer, complaint):
        return True
    if viewer.kind in _COMPANY_KINDS:
        return _acts_for_company(viewer, complaint)
    if viewer.kind is ViewerKind.LAWYER:
        return complaint.escalated_at is not None
    return False


def sees_original_text(viewer: Viewer, complaint: Complaint) -> bool:
    """The author, the company, moderators and lawyers on the dossier read the original;
    everyone else the public (masked or redacted) version."""
    return can_see_private_details(viewer, complaint)


def can_see_sender_addresses(viewer: Viewer, complaint: Complaint) -> bool:
    """Addresses that replies were mailed from: the company, moderators, lawyers on the dossier."""
    if not can_see_complaint(viewer, complaint):
        return False
    if viewer.kind is ViewerKind.MODERATOR:
        return True
    if viewer.kind in _COMPANY_KINDS:
        return _acts_for_company(viewer, complaint)
    return viewer.kind is ViewerKind.LAWYER and complaint.escalated_at is not None


# --- messages ---------------------------------------------------------------------------


def message_filter(viewer: Viewer) -> Q:
    """Which messages of a complaint the viewer already may see: call it only together with
    `can_see_complaint` (or `complaint_filter`) for the message's complaint."""
    published = Q(moderation_state=ModerationState.PUBLISHED)
    if viewer.kind is ViewerKind.MODERATOR:
        return Q()
    if viewer.user_id is not None:
        return published | Q(author_user_id=viewer.user_id)
    return published


def can_see_message(viewer: Viewer, complaint: Complaint, message: Message) -> bool:
    if not can_see_complaint(viewer, complaint):
        return False
    if viewer.kind is ViewerKind.MODERATOR:
        return True
    if message.moderation_state is ModerationState.PUBLISHED:
        return True
    return viewer.user_id is not None and message.author_user_id == viewer.user_id


# --- companies --------------------------------------------------------------------------


def company_filter(viewer: Viewer) -> Q:
    """Companies findable by slug or search: listed ones, plus an agent's own, plus all for
    moderators. An unlisted company is still named on the complaints that concern it."""
    if viewer.kind is ViewerKind.MODERATOR:
        return Q()
    if viewer.kind is ViewerKind.AGENT:
        return Q(listed=True) | Q(id=viewer.company_id)
    if viewer.kind is ViewerKind.COMPANY_LINK:
        return Q(id=viewer.company_id)  # its own company, to name it; no search, no lists
    return Q(listed=True)


def can_find_company(viewer: Viewer, company: Company) -> bool:
    if viewer.kind is ViewerKind.MODERATOR:
        return True
    if viewer.kind is ViewerKind.COMPANY_LINK:
        return viewer.company_id == company.id
    if viewer.kind is ViewerKind.AGENT and viewer.company_id == company.id:
        return True
    return company.listed


def can_see_dashboard(viewer: Viewer, company: Company) -> bool:
    """Score and statistics: public for listed companies; an unlisted one's only for its own
    agents and moderators. The figures are aggregates (private complaints included) that
    reveal no single complaint."""
    if company.listed or viewer.kind is ViewerKind.MODERATOR:
        return True
    return viewer.kind is ViewerKind.AGENT and viewer.company_id == company.id


def can_rank_companies(viewer: Viewer) -> bool:
    """Bulk dashboard queries (rankings by score): partners' keys and moderators."""
    return viewer.kind in (ViewerKind.PARTNER, ViewerKind.MODERATOR)


def can_see_company_contacts(viewer: Viewer, company: Company) -> bool:
    """Complaint addresses and contact person: the company itself and moderators."""
    if viewer.kind is ViewerKind.MODERATOR:
        return True
    return viewer.kind is ViewerKind.AGENT and viewer.company_id == company.id


# --- actions ----------------------------------------------------------------------------


def can_post_message(viewer: Viewer, complaint: Complaint) -> bool:
    """Write in the thread: its consumer, its company's agents, moderators."""
    if not can_see_complaint(viewer, complaint):
        return False
    if _is_owner(viewer, complaint) or viewer.kind is ViewerKind.MODERATOR:
        return True
    return _acts_for_company(viewer, complaint)


def can_write_messages(viewer: Viewer) -> bool:
    """Who may use `messagePost` at all (each thread is then checked): people's accounts and
    web reply link holders; never a partner's read-only key."""
    return viewer.is_user or viewer.kind is ViewerKind.COMPANY_LINK


def writes_as_company(viewer: Viewer, complaint: Complaint) -> bool:
    """An agent of the complaint's company, or the holder of its mail's web reply link."""
    return _acts_for_company(viewer, complaint)


def mail_sender_of(viewer: Viewer) -> str:
    """The address a link holder's web replies are recorded as sent from: the address the
    link (like the Reply-To token) was issued to."""
    return viewer.link_recipient or "" if viewer.kind is ViewerKind.COMPANY_LINK else ""


def is_owner(viewer: Viewer, complaint: Complaint) -> bool:
    return _is_owner(viewer, complaint)


def can_file_complaint(viewer: Viewer) -> bool:
    """Complaints are filed by consumers (members included), in their own name."""
    return viewer.kind is ViewerKind.CONSUMER and viewer.user_id is not None


def can_see_account(viewer: Viewer, user_id: uuid.UUID) -> bool:
    """An account (by `node`) is its owner's to read, and moderators'."""
    return viewer.user_id == user_id or viewer.kind is ViewerKind.MODERATOR


def page_size_cap(viewer: Viewer, default_cap: int, partner_cap: int) -> int:
    """Partners read in bulk (rankings, lists for their dashboards) at a higher cap."""
    return partner_cap if viewer.kind is ViewerKind.PARTNER else default_cap


def can_manage_companies(viewer: Viewer) -> bool:
    return viewer.kind is ViewerKind.MODERATOR


# --- accounts, memberships, company onboarding ------------------------------------------


def can_manage_own_account(viewer: Viewer) -> bool:
    """Profile, password, email address, signing out everywhere: any person's account."""
    return viewer.is_user


def can_manage_members(viewer: Viewer) -> bool:
    """Set and clear memberships."""
    return viewer.kind is ViewerKind.MODERATOR


def can_manage_agents(viewer: Viewer) -> bool:
    """Invite, list, suspend and remove a company's agents; decide claims; edit a company's
    registered domains; withdraw web reply links."""
    return viewer.kind is ViewerKind.MODERATOR


def can_claim_company(viewer: Viewer) -> bool:
    """A consumer account asks to answer for a company (its address is checked apart)."""
    return viewer.kind is ViewerKind.CONSUMER and viewer.user_id is not None


# --- moderation, escalation, personal data ----------------------------------------------


def can_moderate(viewer: Viewer) -> bool:
    """The moderation queue and its decisions, company merges."""
    return viewer.kind is ViewerKind.MODERATOR


def can_handle_escalations(viewer: Viewer) -> bool:
    """Escalated dossiers, their assignment, status and lawyers' notes."""
    return viewer.kind in (ViewerKind.LAWYER, ViewerKind.MODERATOR)


def can_escalate(viewer: Viewer, complaint: Complaint) -> bool:
    """Only the consumer who filed it; `is_member` is checked apart, to say why not."""
    return viewer.kind is ViewerKind.CONSUMER and _is_owner(viewer, complaint)


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
    return viewer.kind is ViewerKind.AGENT and viewer.company_id == company.id


def can_export_own_data(viewer: Viewer) -> bool:
    return viewer.is_user


def can_erase_own_account(viewer: Viewer) -> bool:
    """Consumers; staff and agent accounts are closed by the organisation."""
    return viewer.kind is ViewerKind.CONSUMER and viewer.user_id is not None


_COMPANY_KINDS = (ViewerKind.AGENT, ViewerKind.COMPANY_LINK)


def _acts_for_company(viewer: Viewer, complaint: Complaint) -> bool:
    if viewer.kind is ViewerKind.AGENT:
        return viewer.company_id == complaint.company_id
    if viewer.kind is ViewerKind.COMPANY_LINK:
        return viewer.link_complaint_id == complaint.id
    return False


def _is_owner(viewer: Viewer, complaint: Complaint) -> bool:
    return viewer.user_id is not None and complaint.consumer_id == viewer.user_id


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
