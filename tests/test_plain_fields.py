"""Plain fields resolve straight through their methods; fields with permissions, arguments
or extensions keep Strawberry's full path (so a denial still nulls the field)."""

from __future__ import annotations

from amicable.schema import build_schema, plain_fields
from amicable.settings import Settings


def _resolver(type_name: str, field_name: str):
    schema = build_schema(Settings(_env_file=None))  # type: ignore[call-arg]
    graphql_type = schema._schema.type_map[type_name]
    return graphql_type.fields[field_name].resolve  # type: ignore[union-attr]


def _is_direct(resolve) -> bool:
    return getattr(resolve, "__module__", "") == plain_fields.__name__


def test_fields_without_arguments_or_permissions_are_direct():
    assert _is_direct(_resolver("Complaint", "reference"))
    assert _is_direct(_resolver("Complaint", "title"))  # async, asks for info
    assert _is_direct(_resolver("Consumer", "pseudonym"))


def test_private_and_argument_fields_keep_strawberrys_path():
    assert not _is_direct(_resolver("Consumer", "fullName"))  # a permission
    assert not _is_direct(_resolver("Complaint", "privateDetails"))  # a permission
    assert not _is_direct(_resolver("Complaint", "recentMessages"))  # an argument
