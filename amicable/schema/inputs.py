"""Rules every text input obeys, checked once for the whole request before execution.

Every string an operation receives, as a literal in the document or through a variable, in
an argument or anywhere inside an input object, is checked by the name of the argument or
input field that takes it:

- no control characters: NUL and the other C0 controls, DEL, the C1 controls (U+0085
  included), U+2028/U+2029, lone surrogates and the noncharacters U+FFFE/U+FFFF. Multi-line
  fields (bodies, descriptions, comments, reasons, postal addresses) may hold tab, LF and
  CR LF; every other field is one line, without tab, CR or LF;
- a maximum length: IDs and cursors are short, search strings and slugs too, one-line text
  has a ceiling and multi-line text a larger one. The operations still apply their own,
  tighter limits (a title's 200 characters) as payload errors; these ceilings bound what
  any argument can make the server hold, including those no operation checks.

A request that breaks a rule is refused whole with `INVALID_INPUT`, naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    ListValueNode,
    ObjectFieldNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    Visitor,
    visit,
)

MULTILINE = frozenset(
    {"body", "description", "desiredSolution", "comment", "reason", "requestText", "postalAddress"}
)
MULTILINE_MAX = 50_000
ONE_LINE_MAX = 1_000
ID_MAX = 200
CURSOR_MAX = 500
# Values looked up in a column are no longer than the column: the ORM refuses a longer
# value with an exception instead of finding nothing.
_MAX_BY_NAME = {
    "after": CURSOR_MAX,
    "before": CURSOR_MAX,
    "search": 200,
    "text": 200,
    "reference": 16,
    "slug": 120,
    "category": 64,
    "email": 254,
    "companyEmail": 254,
    "complaintAddresses": 254,
    "contact": 320,
    "password": 1_000,
    "company": ID_MAX,
    "complaint": ID_MAX,
}

_ANYWHERE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff"
_FORBIDDEN_MULTILINE = re.compile(f"[{_ANYWHERE}]|\r(?!\n)")
_FORBIDDEN_ONE_LINE = re.compile(f"[{_ANYWHERE}\t\n\r]")


def max_length(name: str) -> int:
    if name in _MAX_BY_NAME:
        return _MAX_BY_NAME[name]
    if name in ("id", "ids") or name.endswith("Id"):
        return ID_MAX
    return MULTILINE_MAX if name in MULTILINE else ONE_LINE_MAX


def text_error(name: str, value: str) -> GraphQLError | None:
    """Why `value` may not be given as `name`, or None."""
    limit = max_length(name)
    if len(value) > limit:
        return GraphQLError(
            f"`{name}` is longer than {limit} characters.",
            extensions={
                "code": "INVALID_INPUT",
                "field": name,
                "reason": "TOO_LONG",
                "maxLength": limit,
            },
        )
    pattern = _FORBIDDEN_MULTILINE if name in MULTILINE else _FORBIDDEN_ONE_LINE
    found = pattern.search(value)
    if found is not None:
        kind = "multi-line" if name in MULTILINE else "one-line"
        return GraphQLError(
            f"`{name}` contains a control character (U+{ord(found.group()[0]):04X}) that "
            f"{kind} text may not hold.",
            extensions={"code": "INVALID_INPUT", "field": name, "reason": "CONTROL_CHARACTER"},
        )
    return None


def _check_value(name: str, value: Any) -> GraphQLError | None:
    """A variable's value, given to `name`: strings checked, objects by their keys."""
    stack: list[tuple[str, Any]] = [(name, value)]
    while stack:
        current, item = stack.pop()
        if isinstance(item, str):
            error = text_error(current, item)
            if error is not None:
                return error
        elif isinstance(item, list):
            stack.extend((current, element) for element in item)
        elif isinstance(item, dict):
            stack.extend((str(key), element) for key, element in item.items())
    return None


def check_inputs(document: DocumentNode, variables: Mapping[str, Any]) -> GraphQLError | None:
    """The first text input of the request that breaks a rule, as an error; or None."""
    checker = _Checker(variables)
    visit(document, checker)
    return checker.error


class _Checker(Visitor):
    def __init__(self, variables: Mapping[str, Any]) -> None:
        super().__init__()
        self.variables = variables
        self.error: GraphQLError | None = None
        # A variable used several times under one name is checked once.
        self._seen: set[tuple[str, str]] = set()

    def enter_argument(self, node: ArgumentNode, *_: object) -> object:
        return self._check(node.name.value, node.value)

    def enter_object_field(self, node: ObjectFieldNode, *_: object) -> object:
        return self._check(node.name.value, node.value)

    def _check(self, name: str, value: ValueNode) -> object:
        values: list[ValueNode] = [value]
        while values and self.error is None:
            current = values.pop()
            if isinstance(current, StringValueNode):
                self.error = text_error(name, current.value)
            elif isinstance(current, ListValueNode):
                values.extend(current.values)
            elif isinstance(current, VariableNode):
                key = (current.name.value, name)
                if key not in self._seen:
                    self._seen.add(key)
                    self.error = _check_value(name, self.variables.get(current.name.value))
        return self.BREAK if self.error is not None else None
