"""A consumer's rights over their personal data: a copy of everything (export) and erasure.

Erasure removes or pseudonymises the person, not the history: complaints stay, with their
company, status, timestamps and outcome, so the counts behind company scores stay true;
what the person wrote is replaced by a removal marker and their details are cleared.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from amicable.infra.errors import Forbidden
from amicable.models import (
    AccountToken,
    Company,
    CompanyClaim,
    Complaint,
    ContentReport,
    Escalation,
    InboundMail,
    Message,
    Notification,
    OutboxMail,
    User,
)
from amicable.models.enums import AuthorKind
from amicable.models.mail import OutboxStatus
from amicable.policy import ERASED_NAME, Viewer, can_erase_own_account, can_export_own_data
from amicable.resolvers import accounts, audit
from amicable.resolvers import attachments as attachment_ops
from amicable.services import Services

REMOVED = "[removed at the author's request]"
# Unusable: not a hash any password verifies against.
UNUSABLE_PASSWORD = "!erased"
# A reserved top-level domain (RFC 2606): mail to it can never be delivered.
PLACEHOLDER_DOMAIN = "erased.invalid"


async def export(viewer: Viewer) -> dict[str, Any]:
    """Everything the platform holds about the viewer, as JSON-ready data."""
    if not can_export_own_data(viewer) or viewer.user_id is None:
        raise Forbidden()
    user = await User.get(id=viewer.user_id)
    complaints = await Complaint.filter(consumer_id=user.id).order_by("created_at")
    complaint_ids = [c.id for c in complaints]
    companies = {
        c.id: c.name
        for c in await Company.filter(id__in=[c.company_id for c in complaints], listed=True)
    }
    messages = await Message.filter(
        Q(author_user_id=user.id)
        | (Q(complaint_id__in=complaint_ids) & Q(author_kind=AuthorKind.CONSUMER))
    ).order_by("created_at")
    escalations = {
        e.complaint_id: e for e in await Escalation.filter(complaint_id__in=complaint_ids)
    }
    return {
        "account": {
            "id": str(user.id),
            "email": user.email,
            "fullName": user.full_name,
            "role": user.role.value,
            "isMember": user.is_member,
            "memberNumber": user.member_number,
            "memberUntil": user.member_until.isoformat() if user.member_until else None,
            "emailVerifiedAt": _iso(user.email_verified_at),
            "language": user.language.value,
            "createdAt": _iso(user.created_at),
        },
        "complaints": [
            # An unlisted company by the name the consumer typed, as everywhere they look.
            _complaint(c, companies.get(c.company_id) or c.company_name, escalations.get(c.id))
            for c in complaints
        ],
        "messages": [
            {
                "id": str(m.id),
                "complaintId": str(m.complaint_id),
                "channel": m.channel.value,
                "body": m.body,
                "publicBody": m.public_body,
                "moderationState": m.moderation_state.value,
                "createdAt": _iso(m.created_at),
            }
            for m in messages
        ],
        "attachments": await attachment_ops.exported(user.id, complaint_ids),
        "notifications": [
            {"kind": n.kind, "text": n.text, "createdAt": _iso(n.created_at)}
            for n in await Notification.filter(user_id=user.id).order_by("created_at")
        ],
        "reports": [
            {
                "complaintId": str(r.complaint_id),
                "messageId": str(r.message_id) if r.message_id else None,
                "reason": r.reason,
                "contact": r.contact,
                "createdAt": _iso(r.created_at),
            }
            for r in await ContentReport.filter(reporter_id=user.id).order_by("created_at")
        ],
    }


def _complaint(c: Complaint, company: str, escalation: Escalation | None) -> dict[str, Any]:
    return {
        "id": str(c.id),
        "reference": c.reference,
        "company": company,
        "title": c.title,
        "description": c.description,
        "desiredSolution": c.desired_solution,
        "category": c.category,
        "publicTitle": c.public_title,
        "publicDescription": c.public_description,
        "privateDetails": {
            "customerReference": c.customer_reference,
            "phone": c.phone,
            "postalAddress": c.postal_address,
        },
        "visibility": c.visibility.value,
        "status": c.status.value,
        "outcome": c.outcome.value if c.outcome else None,
        "feedbackComment": c.feedback_comment,
        "createdAt": _iso(c.created_at),
        "sentAt": _iso(c.sent_at),
        "firstCompanyReplyAt": _iso(c.first_company_reply_at),
        "closedAt": _iso(c.closed_at),
        "escalation": (
            {"status": escalation.status.value, "createdAt": _iso(escalation.created_at)}
            if escalation
            else None
        ),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def erase(services: Services, viewer: Viewer) -> None:
    """Erase the viewer's account. Irreversible; every token is revoked."""
    if not can_erase_own_account(viewer) or viewer.user_id is None:
        raise Forbidden()
    now = services.now()
    async with in_transaction():
        user = await User.select_for_update().get(id=viewer.user_id)
        old_email = user.email
        user.full_name = ERASED_NAME
        user.email = f"erased-{uuid.uuid4().hex}@{PLACEHOLDER_DOMAIN}"
        user.password_hash = UNUSABLE_PASSWORD
        user.is_member = False
        user.member_number, user.member_until = "", None
        user.erased_at = now
        await user.save()
        await accounts.revoke_all_tokens(services, user.id)
        # Mailed links and claims name the old address.
        await AccountToken.filter(user_id=user.id).delete()
        await CompanyClaim.filter(user_id=user.id).delete()
        complaint_ids = [c.id for c in await Complaint.filter(consumer_id=user.id).only("id")]
        # Status, company, timestamps and outcome stay: they are the company's record.
        await Complaint.filter(id__in=complaint_ids).update(
            title=REMOVED,
            description=REMOVED,
            desired_solution="",
            public_title=REMOVED,
            public_description=REMOVED,
            public_desired_solution="",
            is_redacted=True,
            customer_reference="",
            phone="",
            postal_address="",
            feedback_comment="",
        )
        await Message.filter(
            Q(author_user_id=user.id)
            | (Q(complaint_id__in=complaint_ids) & Q(author_kind=AuthorKind.CONSUMER))
        ).update(body=REMOVED, public_body=REMOVED, is_redacted=True, sender_email="")
        await Escalation.filter(complaint_id__in=complaint_ids).update(request_text="")
        await Notification.filter(user_id=user.id).delete()
        await ContentReport.filter(reporter_id=user.id).update(reporter_id=None, contact="")
        await _forget_mail(complaint_ids, old_email)
        await attachment_ops.erase_private_files(services, user.id, complaint_ids)
        await audit.record(viewer, "account.erase", "user", user.id)


async def _forget_mail(complaint_ids: list[uuid.UUID], email: str) -> None:
    """Mail copies hold the person's words and details: unsent mail to them is dropped,
    the copies of mail already sent are emptied. The rows stay, so a company's late reply
    still routes to the (now anonymous) thread instead of bouncing as unknown. Mail still
    on its way to a company goes out as filed: the company is owed the complaint."""
    await OutboxMail.filter(
        recipient=email, status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]
    ).delete()
    await OutboxMail.filter(
        Q(complaint_id__in=complaint_ids) | Q(recipient=email),
        status__in=[OutboxStatus.SENT, OutboxStatus.FAILED],
    ).update(content="", sent_words=None)
    await InboundMail.filter(sender=email).update(raw_message=b"", sender="", subject="")
