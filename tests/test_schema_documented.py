"""Every type, field, argument, input field and enum value of the API has a description,
so a type added later without one fails here."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
)

from amicable.schema import build_schema
from amicable.settings import Settings

_BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def undocumented() -> list[str]:
    schema = build_schema(Settings(_env_file=None))._schema  # type: ignore[call-arg]
    missing: list[str] = []
    for name, type_ in sorted(schema.type_map.items()):
        if name.startswith("__") or name in _BUILT_IN:
            continue
        if not (type_.description or "").strip():
            missing.append(name)
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in type_.fields.items():
                if not (field.description or "").strip():
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in field.args.items():
                    if not (arg.description or "").strip():
                        missing.append(f"{name}.{field_name}({arg_name})")
        elif isinstance(type_, GraphQLInputObjectType):
            for field_name, input_field in type_.fields.items():
                if not (input_field.description or "").strip():
                    missing.append(f"{name}.{field_name}")
        elif isinstance(type_, GraphQLEnumType):
            for value_name, value in type_.values.items():
                if not (value.description or "").strip():
                    missing.append(f"{name}.{value_name}")
        else:
            assert isinstance(type_, GraphQLScalarType | GraphQLUnionType), name
    return missing


def test_every_type_field_argument_and_enum_value_is_described():
    missing = undocumented()
    assert not missing, f"{len(missing)} without a description:\n" + "\n".join(missing)
