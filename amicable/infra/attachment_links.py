"""Short-lived signed download links: `/attachments/{id}?exp=..&by=..&sig=..`.

The signature (HMAC-SHA256 with the server's secret) binds the attachment, the expiry and
the holder: the access token (or partner key) the link was made for, so the download can
ask the policy again as that viewer, and a signed-out token's links stop working.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from urllib.parse import urlencode

_PURPOSE = "attachment-download"


def signature(secret: str, attachment_id: uuid.UUID, expires: int, holder: str) -> str:
    message = "\x1f".join((_PURPOSE, str(attachment_id), str(expires), holder)).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def link(base_url: str, secret: str, attachment_id: uuid.UUID, expires: int, holder: str) -> str:
    query = urlencode(
        {"exp": expires, "by": holder, "sig": signature(secret, attachment_id, expires, holder)}
    )
    return f"{base_url.rstrip('/')}/attachments/{attachment_id}?{query}"


def valid(
    secret: str, attachment_id: uuid.UUID, expires: str, holder: str, sig: str, now: int
) -> bool:
    if not expires.isdigit() or int(expires) < now:
        return False
    expected = signature(secret, attachment_id, int(expires), holder)
    return hmac.compare_digest(expected, sig)
