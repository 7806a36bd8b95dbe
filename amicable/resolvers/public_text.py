"""The public version of a thread's text, as read now.

What the platform knows to be private about a thread (its consumer's full name, email
address, phone number, postal address and customer reference, and the personal addresses of
the company's agents and of those who replied by mail) is masked wherever it appears in
public text: a complaint's title, description and desired solution, and every message,
whoever wrote it and by whichever door it came. Everything is masked on arrival (`screen`),
so search over public text cannot find a complaint by it; the consumer's facts are masked
again whenever public text is read, so text stored earlier, moderators' redactions and
facts that changed since are covered too, with any email address or phone number. Who
reads the original instead is the policy's `sees_original_text`.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from amicable.models import Complaint, Message, User
from amicable.models.enums import Role
from amicable.policy import ERASED_NAME
from amicable.resolvers.screen import mask_known
from amicable.screening.known import KnownPrivate


def known_private(
    complaint: Complaint,
    consumer: User | None,
    *,
    other_addresses: Sequence[str] = (),
) -> KnownPrivate:
    """The private facts of one thread, from its complaint and consumer."""
    names: tuple[str, ...] = ()
    emails: list[str] = [a for a in other_addresses if a]
    if consumer is not None and consumer.erased_at is None and consumer.full_name != ERASED_NAME:
        names = (consumer.full_name,)
        emails.insert(0, consumer.email)
    return KnownPrivate(
        names=names,
        emails=tuple(dict.fromkeys(e.lower() for e in emails)),
        phones=tuple(p for p in (complaint.phone,) if p),
        addresses=tuple(a for a in (complaint.postal_address,) if a),
        references=tuple(r for r in (complaint.customer_reference,) if r),
    )


async def known_private_for(complaints: Sequence[Complaint]) -> list[KnownPrivate]:
    """`known_private` for many complaints, with the addresses of their companies' agents and
    of whoever replied by mail, in three queries."""
    if not complaints:
        return []
    ids = [c.id for c in complaints]
    consumers = {
        u.id: u for u in await User.filter(id__in=list({c.consumer_id for c in complaints}))
    }
    agents: dict[uuid.UUID, list[str]] = defaultdict(list)
    for company_id, email in await User.filter(
        company_id__in=list({c.company_id for c in complaints}), role=Role.AGENT
    ).values_list("company_id", "email"):
        agents[company_id].append(email)
    senders: dict[uuid.UUID, list[str]] = defaultdict(list)
    for complaint_id, email in (
        await Message.filter(complaint_id__in=ids)
        .exclude(sender_email="")
        .distinct()
        .values_list("complaint_id", "sender_email")
    ):
        senders[complaint_id].append(email)
    return [
        known_private(
            c,
            consumers.get(c.consumer_id),
            other_addresses=[*agents[c.company_id], *senders[c.id]],
        )
        for c in complaints
    ]


def public_version(text: str, known: KnownPrivate, language: str) -> str:
    return mask_known(text, known, language)
