"""Reading the links the platform mailed (from the outbox, as the worker would send them)."""

from __future__ import annotations

import email
import email.message
import email.policy
import re

from amicable.models import OutboxMail

_TOKEN = re.compile(r"token=(amv_[A-Za-z0-9_-]+)")
_LINK = re.compile(r"/reply/(aml_[A-Za-z0-9_-]+\.[0-9a-f]+)")


async def mails_to(recipient: str) -> list[email.message.EmailMessage]:
    rows = await OutboxMail.filter(recipient=recipient).order_by("created_at")
    parsed = []
    for row in rows:
        message = email.message_from_string(row.content, policy=email.policy.default)
        assert isinstance(message, email.message.EmailMessage)
        parsed.append(message)
    return parsed


def text_of(message: email.message.EmailMessage, subtype: str = "plain") -> str:
    part = message.get_body((subtype,))
    assert isinstance(part, email.message.EmailMessage)
    return str(part.get_content())


async def last_token(recipient: str) -> str:
    """The token of the newest mailed account link to `recipient`."""
    for message in reversed(await mails_to(recipient)):
        found = _TOKEN.search(text_of(message))
        if found:
            return found.group(1)
    raise AssertionError(f"no account link mailed to {recipient}")


async def reply_link(recipient: str) -> str:
    """The web reply link token in the newest complaint mail to `recipient`."""
    for message in reversed(await mails_to(recipient)):
        found = _LINK.search(text_of(message))
        if found:
            return found.group(1)
    raise AssertionError(f"no reply link mailed to {recipient}")


async def complaint_link(complaint_id: object) -> str:
    """The web reply link in a complaint's own mail to the company."""
    row = await OutboxMail.get(complaint_id=complaint_id, kind="COMPLAINT")
    message = email.message_from_string(row.content, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    found = _LINK.search(text_of(message))
    assert found is not None
    return found.group(1)
