"""The leak hunt's file check: every file listed on every complaint and message, as every
viewer, with its download link, against `policy.can_see_attachment` and
`policy.can_download_attachment`; and every download link handed out in an earlier step,
fetched again now: the file while its holder may still have it, else exactly the answer
for a file that does not exist. A link whose holder is swapped for another viewer's is
refused the same way."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from amicable import policy
from amicable.models import Attachment, Complaint, Message
from amicable.resolvers import accounts
from amicable.schema.relay import global_id
from tests.reliability.leak_world import Seat, World

# Links kept to fetch again in later steps, per world: the newest ones handed out.
KEPT_LINKS = 24
# Of the links still allowed, how many are fetched each step (and holders swapped in).
FETCHED_ALLOWED = 3


@dataclass(frozen=True)
class Handed:
    """A download link as a viewer was given it."""

    seat: Seat
    attachment_id: uuid.UUID
    url: str


class FileWatch:
    def __init__(self, world: World) -> None:
        self.world = world
        # The newest link each viewer was given for each file.
        self.handed: dict[tuple[str, uuid.UUID], Handed] = {}

    async def check(
        self,
        seat: Seat,
        rows: list[Complaint],
        all_messages: list[Message],
        files: list[Attachment],
        data: dict[str, Any],
    ) -> None:
        """What `seat` was shown in the query check's answers (`data`): listed files and
        links as the policy says."""
        viewer = seat.viewer
        assert viewer is not None
        messages_by_id = {m.id: m for m in all_messages}
        ids = {global_id("Attachment", r.id): r.id for r in files}
        for i, complaint in enumerate(rows):
            if data[f"c{i}"] is None:
                continue  # denied: the query check holds it to the policy
            shown = {a["id"]: a for a in data[f"c{i}"]["attachments"]}
            for node in data[f"n{i}"]["messages"]["nodes"]:
                shown.update({a["id"]: a for a in node["attachments"]})
            expected = {}
            for row in files:
                if row.complaint_id != complaint.id:
                    continue
                message = messages_by_id.get(row.message_id) if row.message_id else None
                if row.message_id and message is None:
                    continue
                if policy.can_see_attachment(viewer, complaint, message, row):
                    expected[global_id("Attachment", row.id)] = policy.can_download_attachment(
                        viewer, complaint, message, row
                    )
            assert set(shown) == set(expected), (seat.label, complaint.id, shown, expected)
            for attachment_gid, listed in shown.items():
                assert (listed["url"] is not None) == expected[attachment_gid], (seat.label,)
                if listed["url"]:
                    key = (seat.label, ids[attachment_gid])
                    self.handed.pop(key, None)
                    self.handed[key] = Handed(seat, ids[attachment_gid], listed["url"])
        for key in list(self.handed)[:-KEPT_LINKS]:
            del self.handed[key]

    async def fetch_handed(self) -> None:
        """The links handed out in earlier steps, now. One whose holder lost the right
        (complaint made private, message taken down, credential withdrawn) must answer
        exactly like a missing file; it is then dropped (a right that comes back brings a
        new link). Of the rest, the newest few must still give the file, and the newest
        with other holders put in must be refused: the signature covers the holder."""
        if not self.handed:
            return
        kept = list(self.handed.items())
        missing = await self._get(_relative(kept[0][1].url, attachment_id=uuid.uuid4()))
        assert missing == (404, b"Not found."), missing
        still = []
        for key, handed in kept:
            if await self._may_download(handed):
                still.append(handed)
                continue
            got = await self._get(_relative(handed.url))
            assert got == missing, (handed.seat.label, handed.url, got)
            del self.handed[key]
        for handed in still[-FETCHED_ALLOWED:]:
            got = await self._get(_relative(handed.url))
            assert got[0] == 200, (handed.seat.label, handed.url, got)
        if still:
            newest = still[-1]
            holders = {_holder(h.url) for _, h in kept} - {_holder(newest.url)}
            for other in sorted(holders)[:FETCHED_ALLOWED]:
                swapped = await self._get(_relative(newest.url, holder=other))
                assert swapped == missing, (newest.seat.label, other, swapped)

    async def _may_download(self, handed: Handed) -> bool:
        credential = handed.seat.credential
        viewer = (
            await accounts.authenticate(self.world.services, credential)
            if credential
            else policy.Viewer.anonymous()
        )
        row = await Attachment.get_or_none(id=handed.attachment_id)
        if viewer is None or row is None:
            return False
        complaint = await Complaint.get(id=row.complaint_id)
        message = await Message.get_or_none(id=row.message_id) if row.message_id else None
        return policy.can_download_attachment(viewer, complaint, message, row)

    async def _get(self, url: str) -> tuple[int, bytes]:
        response = await self.world.http.get(url)
        return response.status_code, response.content


def _relative(
    url: str, *, attachment_id: uuid.UUID | None = None, holder: str | None = None
) -> str:
    """The link on this app, with another file or another holder put in."""
    parts = urlsplit(url)
    path = parts.path
    if attachment_id is not None:
        path = f"{path.rsplit('/', 1)[0]}/{attachment_id}"
    params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    if holder is not None:
        params["by"] = holder
    return f"{path}?{urlencode(params)}"


def _holder(url: str) -> str:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)["by"][0]
