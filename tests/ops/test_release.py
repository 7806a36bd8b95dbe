"""What ships with the package: the licence it declares, its version, its changelog."""

from __future__ import annotations

import tomllib
from pathlib import Path

import amicable

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_license_file_is_the_licence_pyproject_declares():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == {"text": "AGPL-3.0-or-later"}
    text = (ROOT / "LICENSE").read_text()
    assert text.split("\n", 2)[:2] == [
        "                    GNU AFFERO GENERAL PUBLIC LICENSE",
        "                       Version 3, 19 November 2007",
    ]
    assert "13. Remote Network Interaction; Use with the GNU General Public License." in text
    assert text.rstrip().endswith("<http://www.gnu.org/licenses/>.")


def test_the_version_is_one_and_the_changelog_names_it():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["version"] == amicable.__version__
    assert f"## [{amicable.__version__}]" in (ROOT / "CHANGELOG.md").read_text()
