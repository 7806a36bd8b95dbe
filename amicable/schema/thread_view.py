"""What the fields of a listed complaint and its messages need, decided once per complaint.

A page of complaints is read field by field: the title, the consumer, the company, each
message's text and author. Each of those used to ask the loaders for the consumer and the
company, work out the thread's private facts and ask the policy whether this viewer reads
originals, all again for every field, and each was a coroutine the executor had to await
as a task of its own. The list operation now loads the page's consumers and companies in
one go and keeps, per complaint, the policy's answer and the private facts; the fields
then answer at once. Nothing is decided here: the answers are the policy's
(`sees_original_text`) and the masking is `public_text`'s, asked once instead of per field.
Fields reached any other way (a single complaint, a subscription's event) take their usual
path through the loaders.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from strawberry.types.nodes import SelectedField, Selection

from amicable import policy
from amicable.models import Company, Complaint, Message, User
from amicable.models.enums import AuthorKind
from amicable.resolvers import public_text
from amicable.screening.known import KnownPrivate

if TYPE_CHECKING:
    from amicable.schema.loaders import Loaders


@dataclass(frozen=True, slots=True)
class ThreadView:
    complaint: Complaint
    company: Company
    reads_originals: bool
    # Loaded only where public text is masked (a reader of originals needs neither).
    consumer: User | None = None
    known: KnownPrivate | None = None
    # `recentMessages(count)` as the page's selection asks for them: {count: messages}.
    recent: dict[int, list[Message]] = field(default_factory=dict)

    def text(self, original: str, public: str, author: AuthorKind = AuthorKind.CONSUMER) -> str:
        """The original for those who read originals, else the public version as read now,
        with the markers in the writer's language."""
        if self.reads_originals:
            return original
        assert self.consumer is not None and self.known is not None
        writer = self.company if author is AuthorKind.COMPANY else self.consumer
        return public_text.public_version(public, self.known, writer.language.value)


async def prepare(
    loaders: Loaders, complaints: Sequence[Complaint], recent_counts: Collection[int] = ()
) -> None:
    """Keep a view of each listed complaint for the rest of the request (the loaders live
    for one request and one viewer), with the recent messages the selection asks for,
    loaded at the same time as the companies and consumers rather than after them."""
    wanted = [c for c in complaints if c.id not in loaders.views]
    if not wanted:
        return
    originals = {c.id: policy.sees_original_text(loaders.viewer, c) for c in wanted}
    masked = [c for c in wanted if not originals[c.id]]
    counts = sorted(set(recent_counts))
    ids = [c.id for c in wanted]
    companies, users, recent = await asyncio.gather(
        loaders.company_by_id.load_many([c.company_id for c in wanted]),
        loaders.user_by_id.load_many([c.consumer_id for c in masked]),
        asyncio.gather(*(loaders.recent_messages(n).load_many(ids) for n in counts)),
    )
    consumers = dict(zip([c.id for c in masked], users, strict=True))
    for index, (complaint, company) in enumerate(zip(wanted, companies, strict=True)):
        consumer = consumers.get(complaint.id)
        if company is None or (not originals[complaint.id] and consumer is None):
            continue  # the fields' usual path reports it
        loaders.views[complaint.id] = ThreadView(
            complaint=complaint,
            company=company,
            reads_originals=originals[complaint.id],
            consumer=consumer,
            known=public_text.known_private(complaint, consumer) if consumer else None,
            recent={n: messages[index] for n, messages in zip(counts, recent, strict=True)},
        )


def view_of(loaders: Loaders, complaint: Complaint) -> ThreadView | None:
    """The view kept for this very row (not another copy of the complaint read later)."""
    view = loaders.views.get(complaint.id)
    return view if view is not None and view.complaint is complaint else None


def recent_counts(selections: Sequence[Selection], default: int, most: int) -> set[int]:
    """The `count`s of `recentMessages` asked for on the nodes of a complaint connection."""
    found: set[int] = set()
    for selection in selections:
        if not isinstance(selection, SelectedField):
            found |= recent_counts(selection.selections, default, most)
        elif selection.name == "recentMessages":
            found.add(max(0, min(int(selection.arguments.get("count", default)), most)))
        elif selection.name in ("edges", "node", "nodes"):
            found |= recent_counts(selection.selections, default, most)
    return found
