"""The README and docs stand on their own: no reference to files outside the repository,
to issue trackers' numbers or to machine paths, and every relative link resolves."""

from __future__ import annotations

import re

import pytest

from tests.docblocks import ROOT

DOCUMENTS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
FORBIDDEN = [
    r"\.\./shared",
    r"(?-i:PRODUCT\.md)",  # the contract outside the repository, not docs/*.md
    r"(?-i:ARCHITECTURE\.md)",
    r"\bissue #?\d+",
    r"#\d{1,4}\b(?![0-9a-f])",
    r"/work/",
]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_document_stands_alone(path):
    text = path.read_text("utf-8")
    for pattern in FORBIDDEN:
        found = re.search(pattern, text, flags=re.I)
        assert found is None, f"{path.name}: {found.group(0)!r}"
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        assert (path.parent / target).exists(), f"{path.name}: broken link {target}"
