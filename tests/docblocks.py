"""The code blocks the README and docs mark for testing, so a test runs exactly what a
reader copies.

A block is marked by an HTML comment on the line before its opening fence:

    <!-- docs-test: NAME -->
    ```sh
    ...
    ```

The fence may be indented (inside a list item); the block's lines lose that indentation.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_MARK = re.compile(r"^(\s*)<!-- docs-test: ([\w.-]+) -->\s*$")


def blocks(relative: str) -> dict[str, str]:
    lines = (ROOT / relative).read_text("utf-8").splitlines()
    found: dict[str, str] = {}
    for number, line in enumerate(lines):
        mark = _MARK.match(line)
        if not mark:
            continue
        name = mark.group(2)
        fence = lines[number + 1]
        indent = len(fence) - len(fence.lstrip())
        assert fence.strip().startswith("```"), f"{relative}:{number + 2}: no fence after {name}"
        body: list[str] = []
        for inner in lines[number + 2 :]:
            if inner.strip() == "```":
                break
            body.append(inner[indent:] if inner[:indent].strip() == "" else inner)
        else:
            raise AssertionError(f"{relative}: block {name} is not closed")
        assert name not in found, f"{relative}: block {name} marked twice"
        found[name] = "\n".join(body) + "\n"
    return found
