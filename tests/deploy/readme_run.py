"""Running the README's marked shell blocks in one shell, against a real server, and
comparing their answers with the JSON the README shows."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from tests.docblocks import blocks

# Values that differ on every run: compared by shape only.
RANDOM_KEYS = {"id", "reference", "token"}
SEPARATOR = "@@@ block done: "


def run_blocks(
    names: list[str], *, replacements: dict[str, str], cwd: Path, env: dict[str, str]
) -> dict[str, str]:
    """Run the README blocks `names` in order in one bash; each block's standard output."""
    readme = blocks("README.md")
    script = ["set -e"]
    for name in names:
        text = readme[name]
        for old, new in replacements.items():
            text = text.replace(old, new)
        script += [text, f"echo '{SEPARATOR}{name}'"]
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    pieces = re.split(rf"^{re.escape(SEPARATOR)}(\S+)$\n?", done.stdout, flags=re.M)
    return {pieces[i + 1]: pieces[i] for i in range(0, len(pieces) - 1, 2)}


def normalised(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "*" if k in RANDOM_KEYS else normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v) for v in value]
    return value


def json_lines(text: str) -> list[Any]:
    return [normalised(json.loads(line)) for line in text.splitlines() if line.strip()]
