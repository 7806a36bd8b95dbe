"""One way onto the moderation queue: `resolvers.moderation_items.queue_item`, which also
announces the item. Any other creation site could forget the announcement."""

from __future__ import annotations

import re
from pathlib import Path

import amicable

PACKAGE = Path(amicable.__file__).parent
CREATES = re.compile(
    r"ModerationItem(\.objects)?\.(create|bulk_create|get_or_create)\b|(?<!class )ModerationItem\("
)


def test_only_queue_item_creates_moderation_items():
    sites = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
        for line in path.read_text("utf-8").splitlines()
        if CREATES.search(line)
    ]
    assert sites == ["resolvers/moderation_items.py"]
