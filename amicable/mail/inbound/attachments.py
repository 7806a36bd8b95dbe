"""Attachments of an inbound reply: kept when within the size and type limits (written
under the data folder), listed with the reason when not, so nothing disappears silently."""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

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
        found.append(
            IncomingAttachment(name, content_type, data, _rejection(settings, content_type, data))
        )
    return found


def _rejection(settings: Settings, content_type: str, data: bytes) -> str:
    if len(data) > settings.attachment_max_bytes:
        return f"larger than {settings.attachment_max_bytes} bytes"
    if content_type not in settings.attachment_types:
        return f"type {content_type} is not accepted"
    return ""


def storage_key(complaint_id: uuid.UUID, filename: str) -> str:
    safe = _UNSAFE.sub("_", filename).strip("._") or "attachment"
    return f"attachments/{complaint_id}/{uuid.uuid4().hex}-{safe[:100]}"


async def write(settings: Settings, key: str, data: bytes) -> None:
    path = settings.data_dir / key

    def _write(target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    await asyncio.to_thread(_write, path)
