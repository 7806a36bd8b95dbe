"""Reply addresses, their tokens, and our Message-IDs.

A thread's reply address is `<local>+<token>@<reply domain>`; the token is an HMAC of the
complaint and the recipient with the server's secret, so it cannot be guessed, and it is
the same for every mail of that thread to that recipient (a reply to an old mail works).
"""

from __future__ import annotations

import re
import uuid
from email.utils import getaddresses, parseaddr

from amicable import security
from amicable.settings import Settings

TOKEN_LENGTH = 20

# Public mail providers: anyone can have an address at these domains, so sharing one proves
# nothing (not that a reply comes from a company's colleague, not that a person works for
# the company that claims it).
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "free.fr",
        "gmail.com",
        "gmx.de",
        "gmx.net",
        "googlemail.com",
        "hotmail.be",
        "hotmail.com",
        "hotmail.fr",
        "icloud.com",
        "kpnmail.nl",
        "live.be",
        "live.com",
        "mac.com",
        "me.com",
        "msn.com",
        "orange.fr",
        "outlook.be",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "proximus.be",
        "scarlet.be",
        "skynet.be",
        "telenet.be",
        "web.de",
        "yahoo.com",
        "yahoo.fr",
        "ziggo.nl",
    }
)
_TOKEN = re.compile(rf"^[0-9a-f]{{{TOKEN_LENGTH}}}$")


def normalise(address: str) -> str:
    return address.strip().strip("<>").strip().lower()


def reply_token(settings: Settings, complaint_id: uuid.UUID, recipient: str) -> str:
    return security.hmac_token(
        settings.resolved_secret_key(),
        "reply",
        str(complaint_id),
        normalise(recipient),
        length=TOKEN_LENGTH,
    )


def reply_address(settings: Settings, token: str) -> str:
    return f"{settings.reply_local_part}+{token}@{settings.reply_domain}"


def token_from_address(settings: Settings, address: str) -> str | None:
    """The token in one of our reply addresses, or None for any other address."""
    local, _, domain = normalise(address).rpartition("@")
    if domain != settings.reply_domain.lower():
        return None
    base, plus, token = local.partition("+")
    if not plus or base != settings.reply_local_part.lower() or not _TOKEN.match(token):
        return None
    return token


def is_platform_inbox(settings: Settings, address: str) -> bool:
    """Our addresses without a token: the bare reply address and the From address. Mail to
    them is accepted and routed by its headers (In-Reply-To, the subject tag)."""
    address = normalise(address)
    bare = f"{settings.reply_local_part}@{settings.reply_domain}".lower()
    return address in (bare, normalise(settings.from_address))


def is_moderators_inbox(settings: Settings, address: str) -> bool:
    """The moderators' address: companies write there to correct their data."""
    return normalise(address) == settings.resolved_moderators_address


def new_message_id(settings: Settings) -> str:
    # RFC 5322 section 3.6.4: globally unique, in angle brackets; our domain on the right
    # lets the loop check recognise our own mail coming back.
    return f"<{uuid.uuid4().hex}@{settings.reply_domain}>"


def is_our_message_id(settings: Settings, message_id: str) -> bool:
    return message_id.strip().lower().endswith(f"@{settings.reply_domain.lower()}>")


def domain_of(address: str) -> str:
    return normalise(address).rpartition("@")[2]


def sender_address(header_value: str | None) -> str:
    return normalise(parseaddr(header_value or "")[1])


def all_addresses(*header_values: str | None) -> list[str]:
    values = [v for v in header_values if v]
    return [normalise(addr) for _, addr in getaddresses(values) if addr]


_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


def message_ids(header_value: str | None) -> list[str]:
    """The Message-IDs named in In-Reply-To or References (RFC 5322 section 3.6.4)."""
    return _MESSAGE_ID.findall(header_value or "")
