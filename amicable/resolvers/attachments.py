"""Attachments: files uploaded with a complaint or a message, and mailed ones; who sees
them, signed links to download them, and removal with an erased account.

Uploads are checked whole before anything is written (`prepare`): a refused file fails the
mutation with a code and nothing is filed. Mailed files are never refused as a whole: the
refused ones are listed with the reason (the mail door does that).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from amicable.infra import attachment_links
from amicable.infra.attachment_store import new_key
from amicable.infra.errors import ErrorCode, Forbidden, OperationFailed, UserError, not_found
from amicable.infra.file_checks import check, renamed
from amicable.infra.messages import Msg
from amicable.models import Attachment, Complaint, Message
from amicable.models.enums import AuthorKind
from amicable.policy import (
    Viewer,
    can_download_attachment,
    can_moderate,
    can_see_attachment,
)
from amicable.resolvers import accounts, audit, magic_links
from amicable.services import Services


@dataclass(frozen=True)
class Upload:
    """A file as the web door read it: at most the size limit plus one byte, so a larger
    one is known to be too large without reading it all."""

    filename: str
    data: bytes
    private: bool


@dataclass(frozen=True)
class PreparedFile:
    filename: str
    content_type: str
    data: bytes
    private: bool


async def prepare(services: Services, uploads: Sequence[Upload], field: str) -> list[PreparedFile]:
    """Check every upload on its content; all errors at once, with the file's index."""
    settings = services.settings
    if len(uploads) > settings.attachment_max_count:
        raise OperationFailed(
            UserError(
                ErrorCode.TOO_MANY_FILES,
                Msg.TOO_MANY_FILES,
                field,
                {"maxCount": settings.attachment_max_count},
            )
        )
    prepared, errors = [], []
    for index, upload in enumerate(uploads):
        # Re-encoding a phone photo takes about half a second: not on the event loop.
        checked = await asyncio.to_thread(check, settings, upload.data)
        where = f"{field}.{index}"
        if checked.rejected_reason.startswith("larger than"):
            errors.append(
                UserError(
                    ErrorCode.FILE_TOO_LARGE,
                    Msg.FILE_TOO_LARGE,
                    where,
                    {"maxBytes": settings.attachment_max_bytes},
                )
            )
        elif checked.rejected_reason:
            errors.append(
                UserError(
                    ErrorCode.FILE_TYPE_NOT_ALLOWED,
                    Msg.FILE_TYPE_NOT_ALLOWED,
                    where,
                )
            )
        else:
            name = renamed(_clean_name(upload.filename), checked)
            prepared.append(PreparedFile(name, checked.content_type, checked.data, upload.private))
    if errors:
        raise OperationFailed(*errors)
    return prepared


async def save(
    services: Services,
    complaint_id: uuid.UUID,
    message_id: uuid.UUID | None,
    files: Sequence[PreparedFile],
) -> None:
    """Write the files and their rows, inside the caller's transaction. A file written for
    a transaction that then fails is an orphan without a row: harmless, never served."""
    for prepared in files:
        key = new_key(complaint_id, prepared.filename)
        await services.attachments.put(key, prepared.data)
        await Attachment.create(
            complaint_id=complaint_id,
            message_id=message_id,
            filename=prepared.filename,
            content_type=prepared.content_type,
            size=len(prepared.data),
            private=prepared.private,
            storage_key=key,
        )


# --- reading ----------------------------------------------------------------------------


async def of_complaint(viewer: Viewer, complaint: Complaint) -> list[Attachment]:
    """Files filed with the complaint itself (not with a message of its thread)."""
    rows = await Attachment.filter(complaint_id=complaint.id, message_id__isnull=True).order_by(
        "created_at", "id"
    )
    return visible(viewer, complaint, None, rows)


def visible(
    viewer: Viewer, complaint: Complaint, message: Message | None, rows: Sequence[Attachment]
) -> list[Attachment]:
    """Those of a message's (or complaint's) files this viewer may see."""
    return [a for a in rows if can_see_attachment(viewer, complaint, message, a)]


def holder_of(viewer: Viewer) -> str:
    """Who a link is made for: the access token or partner key, the reply link (by what
    identifies it, never the link itself, which must not travel in download URLs), or
    nobody."""
    if viewer.token_id is not None:
        return f"t:{viewer.token_id}"
    if viewer.api_key_id is not None:
        return f"k:{viewer.api_key_id}"
    if viewer.link_complaint_id is not None and viewer.link_issued_at is not None:
        issued = int(viewer.link_issued_at.timestamp())
        return f"l:{viewer.link_complaint_id}:{viewer.link_id}:{issued}"
    return ""


def download_url(
    services: Services,
    viewer: Viewer,
    complaint: Complaint,
    message: Message | None,
    attachment: Attachment,
) -> str | None:
    """A signed link for this viewer, or None when they may not download it."""
    if not can_download_attachment(viewer, complaint, message, attachment):
        return None
    settings = services.settings
    expires = int(services.now().timestamp()) + settings.attachment_link_seconds
    return attachment_links.link(
        settings.public_url,
        settings.resolved_secret_key(),
        attachment.id,
        expires,
        holder_of(viewer),
    )


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    data: bytes


async def download(
    services: Services, attachment_id: str, expires: str, holder: str, sig: str
) -> Download | None:
    """The file behind a signed link, asking the policy again as the link's holder; None
    for anything wrong (bad or expired signature, withdrawn token, no longer allowed,
    missing), so a refusal looks exactly like a missing file."""
    try:
        parsed = uuid.UUID(attachment_id)
    except ValueError:
        return None
    now = int(services.now().timestamp())
    secret = services.settings.resolved_secret_key()
    if not attachment_links.valid(secret, parsed, expires, holder, sig, now):
        return None
    viewer = await _viewer_of(services, holder)
    attachment = await Attachment.get_or_none(id=parsed)
    if viewer is None or attachment is None:
        return None
    complaint = await Complaint.get(id=attachment.complaint_id)
    message = (
        await Message.get(id=attachment.message_id) if attachment.message_id is not None else None
    )
    if not can_download_attachment(viewer, complaint, message, attachment):
        return None
    data = await services.attachments.get(attachment.storage_key)
    if data is None:
        return None
    return Download(attachment.filename, attachment.content_type, data)


async def _viewer_of(services: Services, holder: str) -> Viewer | None:
    kind, _, raw = holder.partition(":")
    if not holder:
        return Viewer.anonymous()
    if kind == "l":
        return await magic_links.for_download(services, raw)
    try:
        holder_id = uuid.UUID(raw)
    except ValueError:
        return None
    if kind == "k":
        return await accounts.viewer_of_api_key(holder_id)
    if kind == "t":
        return await accounts.viewer_of_token(services, holder_id)
    return None


# --- moderation -------------------------------------------------------------------------


async def set_private(
    viewer: Viewer, attachment_id: uuid.UUID, private: bool
) -> tuple[Attachment, Complaint, Message | None]:
    """A moderator publishes a file (a company's mailed photo of the repair, which mail
    could not mark public) or makes one private again."""
    if not can_moderate(viewer):
        raise Forbidden()
    async with in_transaction():
        attachment = await Attachment.select_for_update().get_or_none(id=attachment_id)
        if attachment is None:
            raise not_found("Attachment", "attachmentId")
        if not private and (attachment.rejected_reason or not attachment.storage_key):
            raise OperationFailed(
                UserError(
                    ErrorCode.INVALID_STATE,
                    Msg.ONLY_KEPT_FILE_PUBLIC,
                    "attachmentId",
                )
            )
        before = attachment.private
        attachment.private = private
        await attachment.save(update_fields=["private"])
        await audit.record(
            viewer, "attachment.set_private", "attachment", attachment.id, before=before
        )
    complaint = await Complaint.get(id=attachment.complaint_id)
    message = (
        await Message.get(id=attachment.message_id) if attachment.message_id is not None else None
    )
    return attachment, complaint, message


# --- erasure ----------------------------------------------------------------------------


async def erase_private_files(
    services: Services, user_id: uuid.UUID, complaint_ids: Sequence[uuid.UUID]
) -> None:
    """An erased consumer's private files (filed with their complaints or their messages)
    are deleted; the rows stay, without bytes, so the record shows a file was there. The
    company's own files stay, as its messages do."""
    rows = await Attachment.filter(
        _consumers_files(user_id, complaint_ids), private=True, storage_key__not=""
    )
    for row in rows:
        await services.attachments.delete(row.storage_key)
    await Attachment.filter(id__in=[r.id for r in rows]).update(
        storage_key="", rejected_reason="removed with the consumer's account"
    )


async def exported(user_id: uuid.UUID, complaint_ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
    """The consumer's own files for their data export: what each is; the files themselves
    are downloaded from their complaints."""
    rows = await Attachment.filter(_consumers_files(user_id, complaint_ids)).order_by(
        "created_at", "id"
    )
    return [
        {
            "id": str(a.id),
            "complaintId": str(a.complaint_id),
            "messageId": str(a.message_id) if a.message_id else None,
            "filename": a.filename,
            "contentType": a.content_type,
            "size": a.size,
            "private": a.private,
            "rejectedReason": a.rejected_reason or None,
            "createdAt": a.created_at.isoformat(),
        }
        for a in rows
    ]


def _consumers_files(user_id: uuid.UUID, complaint_ids: Sequence[uuid.UUID]) -> Q:
    """Filed with their complaints, or with their own messages."""
    ids = list(complaint_ids)
    return (
        Q(complaint_id__in=ids, message_id__isnull=True)
        | Q(message__author_user_id=user_id)
        | Q(complaint_id__in=ids, message__author_kind=AuthorKind.CONSUMER)
    )


def _clean_name(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:200] or "attachment"
