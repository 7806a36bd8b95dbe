"""The moderation queue reads its nested rows through per-request loaders: the number of
queries for a page does not grow with the number of items on it."""

from __future__ import annotations

import logging

import pytest

from tests.factories import make_complaint
from tests.moderation.conftest import as_role
from tests.moderation.test_screening_flow import INSULT

PAGE = """{ moderationQueue(first: 50) { totalCount nodes {
  id kind reason reportCount reports { reason } correction { id }
  complaint { reference title } message { body } company { name } } } }"""


async def _queries_for_page(gql, cast, caplog: pytest.LogCaptureFixture) -> int:
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        result = await as_role(gql, cast, "moderator").execute(PAGE)
    assert "errors" not in result, result
    return sum(1 for record in caplog.records if record.name == "tortoise.db_client")


async def test_a_longer_queue_costs_no_more_queries(services, cast, gql, caplog):
    for _ in range(2):
        await make_complaint(services, cast.owner, cast.company, description=INSULT)
    small = await _queries_for_page(gql, cast, caplog)
    for _ in range(6):
        await make_complaint(services, cast.owner, cast.company, description=INSULT)
    large = await _queries_for_page(gql, cast, caplog)
    assert 0 < small == large
