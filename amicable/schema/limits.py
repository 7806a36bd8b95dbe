"""What one GraphQL document may ask: depth, aliases and cost, with fragments expanded.

Limits on tokens, depth or aliases alone do not bound work: fragments that spread each
other twice per level expand to 2^n fields in a few hundred tokens. So the document is
measured as executed, every spread expanded, but each fragment is walked once and its
totals memoised, which keeps measuring linear in the document's size however far it
expands (Strawberry's own depth and alias limiters re-walk a fragment at every spread,
which is itself exponential on such a document).

Cost: every field selected counts 1, times the page sizes of the connections it sits in.
A field with a `first`, `last` or `count` argument multiplies what it selects by that
argument (a variable's value, else its default, else the default page size), capped at
the largest page any viewer may ask for. Other lists (`edges`, `nodes`, a company's
monthly `stats`) multiply by 1: their length follows from the page above or is small.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
    value_from_ast_untyped,
)

# Arguments that set how many items a field returns.
PAGE_ARGUMENTS = ("first", "last", "count")
# Totals saturate here: a hostile document's true size (2^40 and more) need not be exact
# to be refused, and small integers keep the arithmetic cheap.
_SATURATED = 10**15


@dataclass(frozen=True, slots=True)
class Pages:
    """How the page-size arguments count: their default and the largest allowed."""

    default: int
    cap: int


@dataclass(frozen=True, slots=True)
class Measure:
    cost: int
    depth: int
    aliases: int


@dataclass(slots=True)
class _Walk:
    """One definition's own fields, with its spreads left to resolve."""

    cost: int = 0
    depth: int = 0
    aliases: int = 0
    # (fragment name, cost multiplier at the spread, nesting level at the spread)
    spreads: list[tuple[str, int, int]] = field(default_factory=list)


def _mul(a: int, b: int) -> int:
    return min(a * b, _SATURATED)


class DocumentMeter:
    """Measures the operations of one document; each fragment is walked once."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        pages: Pages,
        variables: Mapping[str, Any] | None = None,
    ) -> None:
        self.schema = schema
        self.pages = pages
        self.variables = dict(variables or {})
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.operations = [
            d for d in document.definitions if isinstance(d, OperationDefinitionNode)
        ]
        self._totals: dict[str, Measure] = {}
        self._resolving = False
        # Fragments spread within themselves: refused by validation, with its own message.
        self.has_cycle = False

    def operation(self, name: str | None) -> OperationDefinitionNode | None:
        """The operation a request runs: the named one, or the only one."""
        if name is None:
            return self.operations[0] if len(self.operations) == 1 else None
        for operation in self.operations:
            if operation.name is not None and operation.name.value == name:
                return operation
        return None

    def measure(self, operation: OperationDefinitionNode) -> Measure:
        variables = {
            d.variable.name.value: value_from_ast_untyped(d.default_value)
            for d in operation.variable_definitions or ()
            if d.default_value is not None
        }
        variables.update({k: v for k, v in self.variables.items() if v is not None})
        self.variables = variables
        root = self.schema.get_root_type(operation.operation)
        return self._resolve(self._walk(operation.selection_set, root))

    # --- one definition ---------------------------------------------------------------------

    def _walk(self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None) -> _Walk:
        """Walks one selection set and everything nested in it except fragment spreads.
        Iterative, so a deeply nested document cannot exhaust the interpreter's stack."""
        result = _Walk()
        # (selection set, parent type, cost multiplier, nesting level, inside introspection)
        stack: list[tuple[SelectionSetNode, GraphQLNamedType | None, int, int, bool]] = [
            (selection_set, parent, 1, 0, False)
        ]
        while stack:
            selections, parent_type, multiplier, level, introspection = stack.pop()
            for selection in selections.selections:
                if isinstance(selection, FieldNode):
                    name = selection.name.value
                    result.cost = min(result.cost + multiplier, _SATURATED)
                    if selection.alias is not None:
                        result.aliases += 1
                    inside = introspection or name.startswith("__")
                    if not inside:
                        result.depth = max(result.depth, level)
                    if selection.selection_set is None:
                        continue
                    child_type, page = self._field(parent_type, selection)
                    stack.append(
                        (
                            selection.selection_set,
                            child_type,
                            _mul(multiplier, page),
                            level + 1,
                            inside,
                        )
                    )
                elif isinstance(selection, InlineFragmentNode):
                    condition = (
                        self.schema.get_type(selection.type_condition.name.value)
                        if selection.type_condition is not None
                        else parent_type
                    )
                    stack.append(
                        (selection.selection_set, condition, multiplier, level, introspection)
                    )
                elif isinstance(selection, FragmentSpreadNode):
                    result.spreads.append((selection.name.value, multiplier, level))
        return result

    def _field(
        self, parent: GraphQLNamedType | None, node: FieldNode
    ) -> tuple[GraphQLNamedType | None, int]:
        """The field's type and how many items it returns at most."""
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return None, 1
        definition = parent.fields.get(node.name.value)
        if definition is None:
            return None, 1
        child = get_named_type(definition.type)
        page_arguments = [name for name in PAGE_ARGUMENTS if name in definition.args]
        if not page_arguments:
            return child, 1
        given = {a.name.value: a.value for a in node.arguments or ()}
        sizes = []
        for name in page_arguments:
            value: Any = None
            if name in given:
                node_value = given[name]
                if isinstance(node_value, VariableNode):
                    value = self.variables.get(node_value.name.value)
                elif isinstance(node_value, IntValueNode):
                    value = int(node_value.value)
            if value is None:
                value = definition.args[name].default_value
            if isinstance(value, int) and not isinstance(value, bool):
                sizes.append(value)
        size = max(sizes) if sizes else self.pages.default
        return child, max(1, min(size, self.pages.cap))

    # --- spreads, memoised per fragment -----------------------------------------------------

    def _resolve(self, walk: _Walk) -> Measure:
        cost, depth, aliases = walk.cost, walk.depth, walk.aliases
        for name, multiplier, level in walk.spreads:
            # Within `_fragment`, a spread still being resolved is a cycle: counted as empty.
            total = self._totals.get(name) if self._resolving else self._fragment(name)
            if total is None:
                continue
            cost = min(cost + _mul(multiplier, total.cost), _SATURATED)
            depth = max(depth, level + total.depth)
            aliases = min(aliases + total.aliases, _SATURATED)
        return Measure(cost, depth, aliases)

    def _fragment(self, name: str) -> Measure:
        """A fragment's totals, spreads included. Resolved bottom-up with an explicit stack;
        a fragment met again while being resolved (a cycle, refused by validation) and an
        unknown fragment count as empty."""
        if name in self._totals:
            return self._totals[name]
        self._resolving = True
        try:
            self._resolve_fragments(name)
        finally:
            self._resolving = False
        return self._totals[name]

    def _resolve_fragments(self, name: str) -> None:
        walks: dict[str, _Walk] = {}
        in_progress: set[str] = set()
        stack = [name]
        while stack:
            current = stack[-1]
            if current in self._totals:
                stack.pop()
                continue
            definition = self.fragments.get(current)
            if definition is None:
                self._totals[current] = Measure(0, 0, 0)
                stack.pop()
                continue
            if current not in walks:
                condition = self.schema.get_type(definition.type_condition.name.value)
                walks[current] = self._walk(definition.selection_set, condition)
                in_progress.add(current)
            if any(spread in in_progress for spread, _, _ in walks[current].spreads):
                self.has_cycle = True
            pending = [
                spread
                for spread, _, _ in walks[current].spreads
                if spread not in self._totals and spread not in in_progress
            ]
            if pending:
                stack.extend(pending)
                continue
            in_progress.discard(current)
            self._totals[current] = self._resolve(walks[current])
            stack.pop()


def depth_error(operation: OperationDefinitionNode, depth: int, limit: int) -> GraphQLError:
    name = operation.name.value if operation.name else "anonymous"
    return GraphQLError(
        f"'{name}' exceeds maximum operation depth of {limit}",
        operation,
        extensions={"code": "QUERY_TOO_DEEP", "depth": depth, "limit": limit},
    )


def alias_error(aliases: int, limit: int) -> GraphQLError:
    return GraphQLError(
        f"{aliases} aliases found. Allowed: {limit}",
        extensions={"code": "TOO_MANY_ALIASES", "limit": limit},
    )


def depth_and_alias_rule(schema_pages: Pages, max_depth: int, max_aliases: int) -> type:
    """A validation rule refusing operations nested deeper than `max_depth` or with more
    than `max_aliases` aliases, fragments expanded. Messages as Strawberry's limiters word
    them, with a code."""

    class DepthAndAliasLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            meter = DocumentMeter(context.schema, context.document, schema_pages)
            aliases = 0
            for operation in meter.operations:
                measure = meter.measure(operation)
                aliases = min(aliases + measure.aliases, _SATURATED)
                if measure.depth > max_depth:
                    context.report_error(depth_error(operation, measure.depth, max_depth))
            if aliases > max_aliases:
                context.report_error(alias_error(aliases, max_aliases))

    return DepthAndAliasLimit
