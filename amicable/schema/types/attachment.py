"""The Attachment type, and the upload input of complaintCreate and messagePost."""

from __future__ import annotations

from typing import cast

import strawberry
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload

from amicable import models
from amicable.resolvers import attachments as attachment_ops
from amicable.schema.context import Info
from amicable.schema.relay import global_id


@strawberry.input(
    description="A file sent with the request as a GraphQL multipart upload, and whether "
    "it is private (for the company, moderators and lawyers on the dossier only)."
)
class AttachmentUploadInput:
    file: Upload = strawberry.field(description="The file's part in the multipart request.")
    private: bool = strawberry.field(
        default=True, description="Only for those who see the complaint's private part."
    )


@strawberry.type(name="Attachment", description="A file filed with a complaint or a message.")
class AttachmentType:
    model: strawberry.Private[models.Attachment]
    complaint_model: strawberry.Private[models.Complaint]
    message_model: strawberry.Private[models.Message | None]

    @strawberry.field(description="Its ID, for `attachmentSetPrivate`.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id("Attachment", self.model.id))

    @strawberry.field(description="The name it was sent with.")
    def filename(self) -> str:
        return self.model.filename

    @strawberry.field(description="What the content is (read from the file itself).")
    def content_type(self) -> str:
        return self.model.content_type

    @strawberry.field(description="Bytes.")
    def size(self) -> int:
        return self.model.size

    @strawberry.field(description="Only for those who see the complaint's private part.")
    def private(self) -> bool:
        return self.model.private

    @strawberry.field(
        description="Why it was not kept (too large, type not accepted, removed); null when kept."
    )
    def rejected_reason(self) -> str | None:
        return self.model.rejected_reason or None

    @strawberry.field(
        description="A short-lived signed download link; null when this viewer may not "
        "download it or it was not kept."
    )
    def url(self, info: Info) -> str | None:
        return attachment_ops.download_url(
            info.context.services,
            info.context.viewer,
            self.complaint_model,
            self.message_model,
            self.model,
        )


async def read_uploads(
    info: Info, inputs: list[AttachmentUploadInput] | None
) -> list[attachment_ops.Upload]:
    """Read each file up to one byte past the limit: enough to know it is too large."""
    limit = info.context.services.settings.attachment_max_bytes + 1
    read = []
    for item in inputs or []:
        # Starlette hands each multipart file over as an UploadFile.
        file = cast(UploadFile, item.file)
        data = await file.read(limit)
        filename = file.filename or "attachment"
        read.append(attachment_ops.Upload(filename, data, item.private))
    return read


def of_complaint(
    rows: list[models.Attachment], complaint: models.Complaint, message: models.Message | None
) -> list[AttachmentType]:
    return [AttachmentType(model=a, complaint_model=complaint, message_model=message) for a in rows]
