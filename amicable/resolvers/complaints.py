"""Complaints: filing, reading, closing, and choosing who may see them."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from amicable.infra.errors import ErrorCode, Forbidden, OperationFailed, UserError, not_found
from amicable.infra.messages import Msg
from amicable.infra.pagination import (
    LAST_ACTIVITY_FIRST,
    NEWEST_FIRST,
    OLDEST_FIRST,
    Page,
    Window,
    paginate,
)
from amicable.infra.validation import check_email, check_text, normalise_email
from amicable.mail.outbound import outbox
from amicable.models import Company, Complaint, User
from amicable.models.enums import (
    ComplaintCategory,
    ComplaintStatus,
    Outcome,
    Visibility,
)
from amicable.models.moderation import ModerationItemKind
from amicable.policy import (
    Viewer,
    can_file_complaint,
    can_see_complaint,
    complaint_filter,
    is_owner,
    private_details_filter,
)
from amicable.resolvers import attachments as attachment_ops
from amicable.resolvers import audit, screen, unsent
from amicable.resolvers import companies as company_ops
from amicable.resolvers import nudges as nudge_ops
from amicable.resolvers import scores as score_ops
from amicable.resolvers.moderation_items import queue_item
from amicable.resolvers.publish import committed, publish
from amicable.resolvers.search_privacy import private_match
from amicable.screening.known import KnownPrivate
from amicable.services import Services
from amicable.subscriptions.bus.events import (
    ComplaintCreated,
    ComplaintUpdated,
    Event,
)

CATEGORIES = tuple(category.value for category in ComplaintCategory)

# Crockford-style alphabet without 0/O and 1/I/L, so a reference read over the phone works.
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


@dataclass
class ComplaintDraft:
    title: str
    description: str
    desired_solution: str = ""
    category: ComplaintCategory = ComplaintCategory.OTHER
    visibility: Visibility = Visibility.PRIVATE
    company_id: uuid.UUID | None = None
    company_name: str | None = None
    company_email: str | None = None
    customer_reference: str = ""
    phone: str = ""
    postal_address: str = ""
    errors: list[UserError] = field(default_factory=list)
    # Files filed with the complaint, checked by `attachments.prepare`.
    uploads: Sequence[attachment_ops.Upload] = ()


class ComplaintOrder(StrEnum):
    NEWEST = "NEWEST"
    OLDEST = "OLDEST"
    LAST_ACTIVITY = "LAST_ACTIVITY"


SORTS = {
    ComplaintOrder.NEWEST: NEWEST_FIRST,
    ComplaintOrder.OLDEST: OLDEST_FIRST,
    ComplaintOrder.LAST_ACTIVITY: LAST_ACTIVITY_FIRST,
}


@dataclass
class ComplaintFilter:
    company_id: uuid.UUID | None = None
    statuses: list[ComplaintStatus] | None = None
    text: str | None = None
    categories: list[ComplaintCategory] | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    # One account's complaints: those it filed (a consumer) or its company's (an agent).
    account_id: uuid.UUID | None = None
    # One complaint only: its own view of an unlisted company lists nothing else.
    complaint_id: uuid.UUID | None = None


async def create(services: Services, viewer: Viewer, draft: ComplaintDraft) -> Complaint:
    if not can_file_complaint(viewer) or viewer.user_id is None:
        raise Forbidden()
    settings = services.settings
    await services.rate_limiter.check(
        "complaint_create",
        str(viewer.user_id),
        limit=settings.rate_limit_complaint_create,
        window_seconds=settings.rate_limit_window_seconds,
    )
    errors = _check_draft(draft)
    if errors:
        raise OperationFailed(*errors)
    files = await attachment_ops.prepare(services, draft.uploads, "attachments")
    now = services.now()
    consumer = await User.get(id=viewer.user_id)
    texts = [draft.title.strip(), draft.description.strip(), draft.desired_solution.strip()]
    # Screened on arrival (PRODUCT.md section 6): abusive language waits for a moderator
    # and is not mailed; personal data is masked in the public version at once.
    known = KnownPrivate(
        names=(consumer.full_name,),
        emails=(consumer.email,),
        phones=(draft.phone.strip(),) if draft.phone.strip() else (),
        addresses=(draft.postal_address.strip(),) if draft.postal_address.strip() else (),
        references=(
            (draft.customer_reference.strip(),) if draft.customer_reference.strip() else ()
        ),
    )
    screened = screen.screen(services.lexicon, texts, consumer.language.value, known)
    public_title, public_description, public_desired_solution = screened.public_texts
    async with committed(services) as announce:
        company = await _company_for(draft)
        complaint = await Complaint.create(
            reference=await _unique_reference(),
            consumer_id=viewer.user_id,
            company=company,
            company_name=(draft.company_name or "").strip() if draft.company_id is None else "",
            title=texts[0],
            description=texts[1],
            desired_solution=texts[2],
            category=draft.category,
            public_title=public_title[:200],
            public_description=public_description,
            public_desired_solution=public_desired_solution,
            is_redacted=screened.edited,
            customer_reference=draft.customer_reference.strip(),
            phone=draft.phone.strip(),
            postal_address=draft.postal_address.strip(),
            visibility=draft.visibility,
            status=(
                ComplaintStatus.PENDING_MODERATION
                if screened.flagged
                else ComplaintStatus.WAITING_FOR_COMPANY
            ),
            created_at=now,
            last_activity_at=now,
        )
        await attachment_ops.save(services, complaint.id, None, files)
        announce.append(ComplaintCreated(str(complaint.id), str(company.id)))
        await screen.record_complaint_item(services, announce, complaint, screened, now)
        await send_to_company(services, announce, complaint, now)
        await audit.record(viewer, "complaint.create", "complaint", complaint.id)
    if complaint.sent_at is not None:
        await score_ops.publish_score_updated(services, company.id)
    return complaint


async def send_to_company(
    services: Services, announce: list[Event], complaint: Complaint, now: datetime
) -> None:
    """Send a complaint that is WAITING_FOR_COMPANY (on filing when screening passed it, or
    when a moderator approves it): "sending" is the mail to the company, queued in the
    caller's transaction (PRODUCT.md sections 2 and 4), and from then on it counts in the
    company's score. Does nothing for a complaint still waiting for moderation."""
    if complaint.status is not ComplaintStatus.WAITING_FOR_COMPANY or complaint.sent_at:
        return
    # Only a verified consumer's complaint is mailed (docs/accounts.md): an unverified
    # account could otherwise make the platform mail any address it types.
    if await unsent.hold_if_unverified(services, complaint):
        return
    complaint.sent_at = now
    complaint.unsent_reason = ""
    await complaint.save(update_fields=["sent_at", "unsent_reason"])
    await enqueue_complaint(services, announce, complaint, now)
    await score_ops.complaint_sent(services, complaint)
    await nudge_ops.complaint_sent(services, complaint)


async def enqueue_complaint(
    services: Services, announce: list[Event], complaint: Complaint, now: datetime
) -> None:
    """Queue the complaint's mail to the company; without a working address, ask the
    moderators for one instead (and tell them)."""
    if not await outbox.enqueue_complaint(services.settings, complaint, now):
        await queue_item(
            services,
            announce,
            ModerationItemKind.COMPANY_ADDRESS_FAILING,
            complaint_id=complaint.id,
            company_id=complaint.company_id,
            reason="The company has no working complaint address; the complaint was not sent.",
            created_at=now,
        )


async def get(
    viewer: Viewer, *, complaint_id: uuid.UUID | None = None, reference: str | None = None
) -> Complaint | None:
    """One complaint, or None when it is missing or the viewer may not know it exists."""
    if complaint_id is not None:
        complaint = await Complaint.get_or_none(id=complaint_id)
    elif reference:
        complaint = await Complaint.get_or_none(reference=reference.strip().upper())
    else:
        return None
    if complaint is None or not can_see_complaint(viewer, complaint):
        return None
    return complaint


async def get_for_update(viewer: Viewer, complaint_id: uuid.UUID) -> Complaint:
    """Lock a complaint inside the caller's transaction; NOT_FOUND when the viewer may not see
    it, exactly as when it does not exist."""
    complaint = await Complaint.select_for_update().get_or_none(id=complaint_id)
    if complaint is None or not can_see_complaint(viewer, complaint):
        raise not_found("Complaint", "complaintId")
    return complaint


async def search(
    viewer: Viewer,
    filters: ComplaintFilter,
    page: Window,
    order: ComplaintOrder = ComplaintOrder.NEWEST,
    *,
    with_total: bool = True,
) -> Page[Complaint]:
    """The complaints the viewer may see that match `filters`, in `order` (the total
    counted only `with_total`: a statement of its own). Everything a
    list shows goes through the policy's filter first; the filters only narrow it."""
    if (
        filters.created_after is not None
        and filters.created_before is not None
        and filters.created_after >= filters.created_before
    ):
        raise OperationFailed(UserError(ErrorCode.INVALID, Msg.INVALID_DATE_RANGE, "createdBefore"))
    queryset = Complaint.filter(complaint_filter(viewer))
    if filters.account_id is not None:
        queryset = queryset.filter(await _of_account(filters.account_id))
    if filters.categories:
        queryset = queryset.filter(category__in=list(filters.categories))
    if filters.created_after is not None:
        queryset = queryset.filter(created_at__gte=filters.created_after)
    if filters.created_before is not None:
        queryset = queryset.filter(created_at__lt=filters.created_before)
    if filters.company_id is not None:
        queryset = queryset.filter(company_id=filters.company_id)
    if filters.statuses:
        queryset = queryset.filter(status__in=list(filters.statuses))
    if filters.complaint_id is not None:
        queryset = queryset.filter(id=filters.complaint_id)
    if filters.text and filters.text.strip():
        # Search the public text only: searching originals would let anyone find a complaint
        # by the phone number or name that masking hid.
        text = filters.text.strip()
        queryset = queryset.filter(
            Q(public_title__icontains=text) | Q(public_description__icontains=text)
        )
        # Public text is masked, but text stored before masking knew a fact may still hold
        # it: whoever may not read the private details finds nothing by them.
        queryset = queryset.filter(private_details_filter(viewer) | ~private_match(text))
    return await paginate(queryset, SORTS[order], page, with_total=with_total)


async def _of_account(account_id: uuid.UUID) -> Q:
    """The complaints an account deals with: those it filed, and, for an agent, its
    company's. Visibility is the caller's filter; this only says whose."""
    company_id = await User.filter(id=account_id).values_list("company_id", flat=True)
    mine = Q(consumer_id=account_id)
    if company_id and company_id[0] is not None:
        mine |= Q(company_id=company_id[0])
    return mine


async def close(
    services: Services, viewer: Viewer, complaint_id: uuid.UUID, outcome: Outcome, comment: str
) -> Complaint:
    errors = check_text("comment", comment, max_length=5000, required=False)
    if errors:
        raise OperationFailed(*errors)
    now = services.now()
    async with in_transaction():
        complaint = await get_for_update(viewer, complaint_id)
        if not is_owner(viewer, complaint):
            raise _only_owner()
        if complaint.status not in (
            ComplaintStatus.WAITING_FOR_COMPANY,
            ComplaintStatus.ANSWERED,
        ):
            raise OperationFailed(UserError(ErrorCode.INVALID_STATE, Msg.CANNOT_CLOSE_NOW))
        if _feedback_period_over(services, complaint):
            raise OperationFailed(
                UserError(
                    ErrorCode.FEEDBACK_PERIOD_OVER,
                    Msg.FEEDBACK_PERIOD_OVER,
                    None,
                    {
                        "months": round(services.settings.feedback_window_days / 30.44),
                        "days": services.settings.feedback_window_days,
                    },
                )
            )
        complaint.status = ComplaintStatus(outcome.value)
        complaint.outcome = outcome
        complaint.feedback_comment = comment.strip()
        complaint.closed_at = now
        await complaint.save()
        await audit.record(viewer, "complaint.close", "complaint", complaint.id, outcome=outcome)
        await score_ops.complaint_closed(services, complaint)
        await nudge_ops.complaint_closed(complaint.id)
    await _publish_updated(services, complaint)
    await score_ops.publish_score_updated(services, complaint.company_id)
    return complaint


async def set_visibility(
    services: Services, viewer: Viewer, complaint_id: uuid.UUID, visibility: Visibility
) -> Complaint:
    async with in_transaction():
        complaint = await get_for_update(viewer, complaint_id)
        if not is_owner(viewer, complaint):
            raise _only_owner()
        if complaint.visibility is visibility:
            return complaint
        if visibility is Visibility.PRIVATE and complaint.first_company_reply_at is not None:
            raise OperationFailed(
                UserError(ErrorCode.INVALID_STATE, Msg.PRIVATE_AFTER_ANSWER, "visibility")
            )
        complaint.visibility = visibility
        await complaint.save(update_fields=["visibility"])
        await audit.record(
            viewer, "complaint.visibility", "complaint", complaint.id, visibility=visibility
        )
    await _publish_updated(services, complaint)
    return complaint


async def close_expired_feedback(services: Services) -> int:
    """Close, without evaluation, complaints whose feedback window has passed.
    Run periodically by the server; returns how many were closed."""
    cutoff = services.now() - timedelta(days=services.settings.feedback_window_days)
    expired = await Complaint.filter(
        status__in=[ComplaintStatus.WAITING_FOR_COMPANY, ComplaintStatus.ANSWERED],
        first_company_reply_at__lt=cutoff,
    ).values_list("id", "company_id")
    for complaint_id, _company_id in expired:
        async with in_transaction():
            updated = await Complaint.filter(
                id=complaint_id,
                status__in=[ComplaintStatus.WAITING_FOR_COMPANY, ComplaintStatus.ANSWERED],
            ).update(status=ComplaintStatus.CLOSED, closed_at=services.now())
            if updated:
                await audit.record(
                    None, "complaint.close_without_feedback", "complaint", complaint_id
                )
                await nudge_ops.complaint_closed(complaint_id)
    for complaint_id, company_id in expired:
        await publish(services, ComplaintUpdated(str(complaint_id), str(company_id)))
    return len(expired)


async def _publish_updated(services: Services, complaint: Complaint) -> None:
    await publish(services, ComplaintUpdated(str(complaint.id), str(complaint.company_id)))


def _feedback_period_over(services: Services, complaint: Complaint) -> bool:
    if complaint.first_company_reply_at is None:
        return False
    window = timedelta(days=services.settings.feedback_window_days)
    return services.now() > complaint.first_company_reply_at + window


def _only_owner() -> OperationFailed:
    return OperationFailed(UserError(ErrorCode.NOT_ALLOWED, Msg.ONLY_THE_CONSUMER))


def _check_draft(draft: ComplaintDraft) -> list[UserError]:
    errors = [
        *check_text("title", draft.title, max_length=200, min_length=5),
        *check_text("description", draft.description, max_length=20_000, min_length=20),
        *check_text("desiredSolution", draft.desired_solution, max_length=5000, required=False),
        *check_text("customerReference", draft.customer_reference, max_length=120, required=False),
        *check_text("phone", draft.phone, max_length=40, required=False),
        *check_text("postalAddress", draft.postal_address, max_length=1000, required=False),
    ]
    if draft.category not in CATEGORIES:
        errors.append(
            UserError(
                ErrorCode.INVALID,
                Msg.UNKNOWN_CATEGORY,
                "category",
                {"categories": ", ".join(CATEGORIES)},
            )
        )
    if draft.company_id is None:
        if not draft.company_name or not draft.company_email:
            errors.append(UserError(ErrorCode.REQUIRED, Msg.COMPANY_REQUIRED, "companyId"))
        else:
            errors += check_text("companyName", draft.company_name, max_length=200)
            errors += check_email("companyEmail", normalise_email(draft.company_email))
    return errors


async def _company_for(draft: ComplaintDraft) -> Company:
    if draft.company_id is not None:
        company = await Company.get_or_none(id=draft.company_id)
        # An unlisted company can be named by id only by someone who already saw it on a
        # complaint (its agents, moderators; consumers see a view of their own, never its
        # id); filing against it by id is fine, its record stays unlisted.
        if company is None:
            raise not_found("Company", "companyId")
        return company
    assert draft.company_name is not None and draft.company_email is not None
    return await company_ops.find_or_create_unlisted(draft.company_name, draft.company_email)


async def _unique_reference() -> str:
    while True:
        reference = "AM-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
        if not await Complaint.exists(reference=reference):
            return reference
