"""The public feed issues a constant number of SQL statements, whatever the page size
(PRODUCT.md section 10): loaders batch companies, consumers and recent messages."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from amicable.models import OutboxMail
from amicable.models.enums import Role
from amicable.models.mail import OutboxStatus
from amicable.resolvers import messages
from tests.conftest import GraphQLClient
from tests.factories import make_company, make_complaint, make_user

FEED = """query($first: Int!) { complaints(first: $first) { totalCount edges { node {
  reference title consumer { pseudonym } company { name slug }
  recentMessages(count: 3) { body authorName createdAt } } } } }"""


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.statements.append(record.getMessage())


@contextmanager
def counting_sql() -> Iterator[_Counter]:
    logger = logging.getLogger("tortoise.db_client")
    counter = _Counter()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)


async def test_feed_statement_count_does_not_grow_with_the_page(gql: GraphQLClient, services):
    services.settings.rate_limit_complaint_create = 1000
    moderator = await make_user(services, Role.MODERATOR)
    companies = [await make_company(moderator.viewer, f"Bedrijf {i}") for i in range(5)]
    consumers = [await make_user(services, name=f"Klant {i} Peeters") for i in range(4)]
    agents = [await make_user(services, Role.AGENT, company=c) for c in companies]
    for i in range(25):
        complaint = await make_complaint(services, consumers[i % 4], companies[i % 5])
        for n in range(i % 5):
            await messages.post(services, agents[i % 5].viewer, complaint.id, f"Antwoord {n}")

    counts = {}
    for first in (2, 20):
        with counting_sql() as counter:
            data = await gql.data(FEED, first=first)
        assert len(data["complaints"]["edges"]) == first
        counts[first] = len(counter.statements)
    assert counts[2] == counts[20], counts
    # page, count, companies, consumers, recent messages
    assert counts[20] <= 5, counts


FEED_SENT = """query($first: Int!) { complaints(first: $first) { edges { node {
  reference sentAt company { name } } } } }"""


async def test_feed_sent_at_reads_the_outbox_in_one_batch(gql: GraphQLClient, services):
    """`sentAt` is the relay's acceptance, read from the outbox through the page's delivery
    loader: a page costs the same statements whatever its size, accepted or not."""
    services.settings.rate_limit_complaint_create = 1000
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer, "Bedrijf Verzonden")
    consumer = await make_user(services, name="Klant Verzonden Peeters")
    accepted_at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    accepted: set[str] = set()
    for i in range(24):
        complaint = await make_complaint(services, consumer, company)
        if i % 2:
            # As the worker leaves it when the relay accepted the mail.
            await OutboxMail.filter(complaint_id=complaint.id).update(
                status=OutboxStatus.SENT, sent_at=accepted_at
            )
            accepted.add(complaint.reference)

    counts = {}
    for first in (2, 20):
        with counting_sql() as counter:
            data = await gql.data(FEED_SENT, first=first)
        nodes = [edge["node"] for edge in data["complaints"]["edges"]]
        assert len(nodes) == first
        for node in nodes:
            expected = accepted_at.isoformat() if node["reference"] in accepted else None
            assert node["sentAt"] == expected
        counts[first] = len(counter.statements)
    assert counts[2] == counts[20], counts
    # page, count, companies, complaint mails
    assert counts[20] <= 4, counts
