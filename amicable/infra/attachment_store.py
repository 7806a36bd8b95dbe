"""Where attachment bytes live: a small interface, and the data-folder implementation.

An S3-compatible store implements the same three methods; nothing else knows where the
bytes are. Keys are made by `new_key` and never contain user input beyond a cleaned name.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path
from typing import Protocol

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class AttachmentStore(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes | None:
        """The bytes, or None when there are none (deleted, never written)."""
        ...

    async def delete(self, key: str) -> None: ...


def new_key(complaint_id: uuid.UUID, filename: str) -> str:
    safe = _UNSAFE.sub("_", filename).strip("._") or "attachment"
    return f"attachments/{complaint_id}/{uuid.uuid4().hex}-{safe[:100]}"


class FolderStore:
    """Files under the data folder, one per key; file I/O in a thread."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError("attachment key outside the store")
        return path

    async def put(self, key: str, data: bytes) -> None:
        path = self._path(key)

        def _write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

        await asyncio.to_thread(_write)

    async def get(self, key: str) -> bytes | None:
        path = self._path(key)

        def _read() -> bytes | None:
            try:
                return path.read_bytes()
            except FileNotFoundError:
                return None

        return await asyncio.to_thread(_read)

    async def delete(self, key: str) -> None:
        path = self._path(key)
        await asyncio.to_thread(path.unlink, missing_ok=True)
