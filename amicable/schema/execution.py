"""The execution context: Strawberry's, without the memory a subscription kept per event.

graphql-core 3.3 executes each subscription event with a shallow copy of the subscription's
executor, so the copy shares the executor's memo of collected subfields. That memo is keyed
by the identity of each event's freshly collected field lists and keeps them alive, so
every delivered event added about a kilobyte per subscription that was never released,
for as long as the subscription lived. Each event now starts its own memo (which still
saves work within the event, across the items of a list).
"""

from __future__ import annotations

from typing import Any

from graphql.execution.executor import Executor
from graphql.pyutils import RefMap
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class EventScopedExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def build_per_event_executor(self, payload: Any) -> Executor:
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}
        executor._stream_usages = RefMap()
        return executor
