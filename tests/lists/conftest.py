"""The moderation tests' small world (a company, its agents, staff and consumers)."""

from tests.moderation.conftest import cast  # noqa: F401
