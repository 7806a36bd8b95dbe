"""Holding back a complaint whose consumer has not verified their address.

Until they do, the complaint stays WAITING_FOR_COMPANY but unsent (`unsent_reason`), is
seen only by its consumer and moderators, and the consumer is told why; verifying the
address queues every such complaint (`verification.verify_email`).
"""

from __future__ import annotations

from amicable.models import Complaint, User
from amicable.resolvers import account_mail
from amicable.services import Services

EMAIL_NOT_VERIFIED = "EMAIL_NOT_VERIFIED"


async def hold_if_unverified(services: Services, complaint: Complaint) -> bool:
    """Inside the caller's transaction: True (and the complaint marked, the consumer
    told once) when the complaint must wait for its consumer's verification."""
    consumer = await User.get(id=complaint.consumer_id)
    if consumer.email_verified_at is not None:
        return False
    if complaint.unsent_reason != EMAIL_NOT_VERIFIED:
        complaint.unsent_reason = EMAIL_NOT_VERIFIED
        await complaint.save(update_fields=["unsent_reason"])
        await account_mail.notify_unverified(services, consumer, complaint.id, complaint.reference)
    return True
