"""Which thread a reply belongs to, and whether its sender may speak for that party.

Routing, in order (PRODUCT.md section 4): the token in any recipient address; our
Message-ID in In-Reply-To/References (RFC 5322 section 3.6.4); the `[reference]` tag in
the subject. A changed subject still routes by the first two.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message

from amicable.mail.outbound import addresses
from amicable.models import CompanyAddress, Complaint, OutboxMail, User
from amicable.models.enums import AuthorKind
from amicable.models.mail import RecipientKind
from amicable.settings import Settings

_SUBJECT_TAG = re.compile(r"\[([A-Z]{2}-[0-9A-Z]{4,12})\]", re.IGNORECASE)
_RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")


@dataclass(frozen=True)
class Route:
    complaint_id: uuid.UUID
    via: str  # "token", "message-id" or "subject"
    # Whom the mail that was answered went to (token and Message-ID routes only).
    issued_to: str | None = None
    party: RecipientKind | None = None


@dataclass(frozen=True)
class Author:
    kind: AuthorKind
    verified: bool
    user_id: uuid.UUID | None = None


async def recipient_known(settings: Settings, address: str) -> bool:
    """Whether the SMTP listener and the pipe accept mail for `address`."""
    if addresses.is_platform_inbox(settings, address):
        return True
    if addresses.is_moderators_inbox(settings, address):
        return True
    token = addresses.token_from_address(settings, address)
    return token is not None and await OutboxMail.exists(reply_token=token)


def recipients_of(message: Message, envelope_recipients: Iterable[str]) -> list[str]:
    headers = [str(value) for name in _RECIPIENT_HEADERS for value in message.get_all(name, [])]
    return [*map(addresses.normalise, envelope_recipients), *addresses.all_addresses(*headers)]


def to_moderators(settings: Settings, message: Message, envelope_recipients: Iterable[str]) -> bool:
    return any(
        addresses.is_moderators_inbox(settings, address)
        for address in recipients_of(message, envelope_recipients)
    )


async def company_for_sender(sender: str) -> CompanyAddress | None:
    """The company a sender writes for: one of its complaint addresses, or an address at
    the same (non-public) domain. None for anyone else."""
    sender = addresses.normalise(sender)
    exact = await CompanyAddress.filter(email=sender).order_by("created_at").first()
    if exact is not None:
        return exact
    domain = addresses.domain_of(sender)
    if not domain or domain in addresses.PUBLIC_MAIL_DOMAINS:
        return None
    return await CompanyAddress.filter(email__endswith=f"@{domain}").order_by("created_at").first()


# What a route needs of the mail answered: not its content, which is most of the row.
_ROUTE_COLUMNS = ("id", "complaint_id", "recipient", "recipient_kind", "created_at")


async def find_thread(
    settings: Settings, message: Message, envelope_recipients: Iterable[str]
) -> Route | None:
    for address in recipients_of(message, envelope_recipients):
        token = addresses.token_from_address(settings, address)
        if token is None:
            continue
        mail = (
            await OutboxMail.filter(reply_token=token)
            .order_by("-created_at")
            .only(*_ROUTE_COLUMNS)
            .first()
        )
        if mail is not None and mail.complaint_id is not None:
            return Route(mail.complaint_id, "token", mail.recipient, mail.recipient_kind)
    referenced = [
        *addresses.message_ids(str(message.get("In-Reply-To", ""))),
        *reversed(addresses.message_ids(str(message.get("References", "")))),
    ]
    if referenced:
        mail = (
            await OutboxMail.filter(rfc_message_id__in=referenced)
            .order_by("-created_at")
            .only(*_ROUTE_COLUMNS)
            .first()
        )
        if mail is not None and mail.complaint_id is not None:
            return Route(mail.complaint_id, "message-id", mail.recipient, mail.recipient_kind)
    # A helpdesk may put its own ticket tag ("[JS-48213]") before ours: try every tag.
    tags = [t.group(1).upper() for t in _SUBJECT_TAG.finditer(str(message.get("Subject", "")))]
    if tags:
        complaint = await Complaint.filter(reference__in=tags[:5]).first()
        if complaint is not None:
            return Route(complaint.id, "subject")
    return None


async def identify_author(complaint: Complaint, route: Route, sender: str) -> Author:
    """Who wrote it. Verified when the sender is the address the answered mail went to;
    for a company, also a colleague at the same (non-public) domain or any of the
    company's known addresses. Anyone else is held for moderators."""
    sender = addresses.normalise(sender)
    consumer = await User.get(id=complaint.consumer_id)
    if sender == addresses.normalise(consumer.email):
        return Author(AuthorKind.CONSUMER, True, consumer.id)
    company_addresses = await CompanyAddress.filter(company_id=complaint.company_id).values_list(
        "email", flat=True
    )
    known = {addresses.normalise(str(a)) for a in company_addresses}
    if route.issued_to and route.party is RecipientKind.COMPANY:
        known.add(addresses.normalise(route.issued_to))
    domains = {addresses.domain_of(a) for a in known} - addresses.PUBLIC_MAIL_DOMAINS
    if sender in known or addresses.domain_of(sender) in domains:
        return Author(AuthorKind.COMPANY, True)
    # A stranger: held, and shown (once approved) as the party the answered mail went to.
    if route.party is RecipientKind.CONSUMER:
        return Author(AuthorKind.CONSUMER, False)
    return Author(AuthorKind.COMPANY, False)
