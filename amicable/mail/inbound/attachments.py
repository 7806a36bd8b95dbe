"""Attachments of an inbound reply: kept when within the size and type limits (checked on
the content, images re-encoded without metadata, as for uploads), listed with the reason
when not, so nothing disappears silently."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from email.message import EmailMessage

from amicable.infra.file_checks import check, renamed
from amicable.mail.inbound.artefacts import safe_text
from amicable.settings import Settings

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class IncomingAttachment:
    filename: str
    content_type: str
    data: bytes
    rejected_reason: str = ""


def attachments_of(settings: Settings, message: EmailMessage) -> list[IncomingAttachment]:
    found: list[IncomingAttachment] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        # Inline images referenced from the HTML (signature logos) are not attachments.
        if disposition == "inline" and part.get("Content-ID"):
            continue
        if disposition != "attachment" and not (filename and disposition is None):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        content_type = part.get_content_type()
        name = safe_text(filename or "attachment").strip()[:200] or "attachment"
        checked = check(settings, data, declared=content_type)
        if checked.rejected_reason:
            # The original bytes only for their size: a refused file is never written.
            found.append(IncomingAttachment(name, content_type, data, checked.rejected_reason))
        else:
            found.append(
                IncomingAttachment(renamed(name, checked), checked.content_type, checked.data)
            )
    return found


def storage_key(complaint_id: uuid.UUID, filename: str) -> str:
    safe = _UNSAFE.sub("_", filename).strip("._") or "attachment"
    return f"attachments/{complaint_id}/{uuid.uuid4().hex}-{safe[:100]}"
