"""Plain fields resolved plainly.

Strawberry calls every method field through its general path: it builds an `Info`,
converts arguments (none here), threads the call through the field's extensions (none
here) and, for an async method, wraps it in one more coroutine. For a field that has no
arguments, no extensions and no permission classes, that path computes nothing: the
method is called with the object (and `info` when it asks for it). On the public feed
this general path was the largest single cost per field (argument conversion alone about
a quarter of a request's time), so after building the schema we point such fields
straight at their methods. Fields with permissions, arguments or extensions keep
Strawberry's path untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLObjectType, GraphQLResolveInfo
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField


def _direct(field: StrawberryField, info_class: type) -> Callable[..., Any] | None:
    resolver = field.base_resolver
    if (
        resolver is None
        or field.extensions
        or field.permission_classes
        or field.is_subscription
        or resolver.arguments
        or resolver.self_parameter is None
        or resolver.root_parameter is not None
        or resolver.parent_parameter is not None
    ):
        return None
    func = resolver.wrapped_func
    if not callable(func) or isinstance(func, staticmethod | classmethod):
        return None
    expected = 2 if resolver.info_parameter is not None else 1
    if len(resolver.signature.parameters) != expected:
        return None
    if resolver.info_parameter is None:

        def resolve(source: Any, info: GraphQLResolveInfo, **_: Any) -> Any:
            return func(source)

        return resolve
    info_name = resolver.info_parameter.name

    def resolve_with_info(source: Any, info: GraphQLResolveInfo, **_: Any) -> Any:
        return func(source, **{info_name: info_class(_raw_info=info, _field=field)})

    return resolve_with_info


def make_plain_fields_plain(schema: strawberry.Schema) -> int:
    """Point argument-less, extension-less method fields at their methods; returns how many."""
    info_class = schema.config.info_class
    subscription = schema._schema.subscription_type
    changed = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type is subscription:
            continue
        for graphql_field in graphql_type.fields.values():
            field = graphql_field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if not isinstance(field, StrawberryField):
                continue
            if schema.schema_converter._get_field_exception_handlers(field):
                continue  # union-result error handling stays Strawberry's
            direct = _direct(field, info_class)
            if direct is not None:
                graphql_field.resolve = direct
                changed += 1
    return changed
