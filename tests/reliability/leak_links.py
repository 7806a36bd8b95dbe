"""The web reply links the platform mailed, read from the outbox as a company gets them."""

from __future__ import annotations

import email
import email.message
import email.policy
import re
import uuid

from amicable.models import OutboxMail

_REPLY_LINK = re.compile(r"/reply/(aml_[A-Za-z0-9_-]+\.[0-9a-f]+)")


async def mailed_reply_links() -> list[tuple[uuid.UUID, str]]:
    """(complaint id, link) of each complaint mail to a company, oldest first."""
    found = []
    rows = await OutboxMail.filter(kind="COMPLAINT").order_by("created_at", "id")
    for row in rows:
        message = email.message_from_string(row.content, policy=email.policy.default)
        assert isinstance(message, email.message.EmailMessage)
        part = message.get_body(("plain",))
        assert isinstance(part, email.message.EmailMessage)
        match = _REPLY_LINK.search(str(part.get_content()))
        if match and row.complaint_id is not None:
            found.append((row.complaint_id, match.group(1)))
    return found
