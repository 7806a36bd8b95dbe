"""Prometheus metrics (docs/operations.md lists them).

Counters and histograms live in each process. With several processes, set
`PROMETHEUS_MULTIPROC_DIR` to an empty folder shared by all of them before they start:
prometheus-client then keeps each process's values in files there and `/metrics` in any
process answers for all of them. Gauges of live things (websockets, subscriptions) count
live processes only.

The mail queue's state (backlog, age of the oldest pending mail, failures) is read from
the database at each scrape: it is the same whichever process answers.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

__all__ = ["CONTENT_TYPE_LATEST"]

GRAPHQL_SECONDS = Histogram(
    "amicable_graphql_operation_seconds",
    "GraphQL operations by type and name, in seconds",
    ["type", "operation"],
)
MAIL_SENT = Counter("amicable_mail_sent", "Outgoing mails delivered to the relay", ["kind"])
MAIL_FAILURES = Counter(
    "amicable_mail_failures",
    "Failed delivery attempts; final=yes when the mail was given up",
    ["kind", "final"],
)
INBOUND_MAIL = Counter(
    "amicable_inbound_mail", "Inbound mail by door and outcome", ["door", "outcome"]
)
WEBSOCKETS = Gauge(
    "amicable_websocket_connections", "Open websocket connections", multiprocess_mode="livesum"
)
SUBSCRIPTIONS = Gauge(
    "amicable_subscriptions_active",
    "Active event-bus subscriptions (one per subscribed channel of each operation; a "
    "shared execution holds one for all its subscribers)",
    multiprocess_mode="livesum",
)
SHARED_SUBSCRIBERS = Gauge(
    "amicable_shared_subscribers",
    "GraphQL subscriptions served by a shared execution (anonymous and partner viewers)",
    multiprocess_mode="livesum",
)
NUDGES = Counter(
    "amicable_nudges",
    "Nudges processed (reminders, deadline notices, feedback prompts, digests) by outcome",
    ["kind", "status"],
)
EVENTS_PUBLISHED = Counter("amicable_events_published", "Events published on the bus")
SUBSCRIBERS_DROPPED = Counter(
    "amicable_subscribers_dropped",
    "Subscribers dropped because they fell too far behind (their events are lost to them)",
)
PUBLISH_FAILURES = Counter("amicable_events_publish_failures", "Events the bus failed to carry")
RATE_LIMITED = Counter(
    "amicable_rate_limit_refusals", "Attempts refused by a rate limit", ["action"]
)

# Operation names are chosen by clients: keep the label set bounded.
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_OPERATION_NAMES = 200
_seen_names: set[str] = set()


def operation_label(name: str | None) -> str:
    if not name:
        return "anonymous"
    if not _NAME.match(name):
        return "other"
    if name not in _seen_names:
        if len(_seen_names) >= MAX_OPERATION_NAMES:
            return "other"
        _seen_names.add(name)
    return name


def observe_operation(kind: str, name: str | None, seconds: float) -> None:
    GRAPHQL_SECONDS.labels(kind, operation_label(name)).observe(seconds)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def process_exiting() -> None:
    """Drop this process's live gauges from the shared folder (its counters stay)."""
    if multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())


class MailQueueCollector(Collector):
    """The queue's state as read at the start of a scrape (see `read_mail_queue`)."""

    def __init__(self, state: dict[str, float]) -> None:
        self.state = state

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(
            "amicable_outbox_pending", "Outgoing mails waiting to be sent", self.state["pending"]
        )
        yield GaugeMetricFamily(
            "amicable_outbox_oldest_pending_seconds",
            "Age of the oldest outgoing mail still waiting (0 when none)",
            self.state["oldest_age"],
        )
        yield GaugeMetricFamily(
            "amicable_outbox_failed", "Outgoing mails given up on", self.state["failed"]
        )
        yield GaugeMetricFamily(
            "amicable_inbound_unprocessable",
            "Inbound mails that could not be processed (see the operator views)",
            self.state["unprocessable"],
        )


def render(queue_state: dict[str, float] | None) -> bytes:
    """The exposition text: this process's (or all processes') metrics and the queue's."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    if queue_state is not None:
        queue = CollectorRegistry()
        queue.register(MailQueueCollector(queue_state))
        text += generate_latest(queue)
    return text
