"""The committed schema.graphql is what the code serves; a change must be committed with it."""

from pathlib import Path

from amicable.schema import print_schema
from amicable.settings import Settings

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_schema_has_not_drifted():
    printed = print_schema(Settings(_env_file=None))  # type: ignore[call-arg]
    assert SCHEMA_FILE.read_text() == printed, (
        "schema.graphql is out of date: run `amicable schema print > schema.graphql`"
    )
