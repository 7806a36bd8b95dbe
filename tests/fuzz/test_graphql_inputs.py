"""Hypothesis-made strings and ids in the mutations' inputs: every answer is a payload with
user errors or a readable GraphQL error, never a masked internal error (which would be
logged at ERROR by the schema's error masking)."""

from __future__ import annotations

import logging
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amicable.models.enums import Role
from tests.conftest import GraphQLClient
from tests.factories import gid, make_company, make_complaint, make_user

strings = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "\x00", "\u202e", "a" * 5000, "' OR 1=1 --", "\r\nBcc: x@y"]),
)
ids = st.one_of(
    strings,
    st.uuids().map(lambda u: gid("Complaint", u)),
    st.uuids().map(lambda u: gid("Message", u)),
    st.sampled_from(["Q29tcGxhaW50Om5vdC1hLXV1aWQ=", "Q29tcGxhaW50Og==", "=="]),
)

MUTATIONS = {
    "complaintCreate": (
        "mutation($i: ComplaintCreateInput!) { complaintCreate(input: $i) { errors { code } } }",
        lambda d: {
            "companyId": d(ids),
            "companyName": d(st.none() | strings),
            "companyEmail": d(st.none() | strings),
            "title": d(strings),
            "description": d(strings),
            "desiredSolution": d(strings),
            "category": d(strings),
        },
    ),
    "messagePost": (
        "mutation($i: MessagePostInput!) { messagePost(input: $i) { errors { code } } }",
        lambda d: {"complaintId": d(ids), "body": d(strings)},
    ),
    "contentReport": (
        "mutation($i: ContentReportInput!) { contentReport(input: $i) { errors { code } } }",
        lambda d: {
            "complaintId": d(st.none() | ids),
            "messageId": d(st.none() | ids),
            "reason": d(strings),
            "contact": d(strings),
        },
    ),
    "tokenCreate": (
        "mutation($i: TokenCreateInput!) { tokenCreate(input: $i) { errors { code } } }",
        lambda d: {"email": d(strings), "password": d(strings)},
    ),
    "accountRegister": (
        "mutation($i: AccountRegisterInput!) { accountRegister(input: $i) { errors { code } } }",
        lambda d: {"email": d(strings), "password": d(strings), "fullName": d(strings)},
    ),
}


@pytest.fixture
async def consumer(services, gql) -> GraphQLClient:
    moderator = await make_user(services, Role.MODERATOR)
    company = await make_company(moderator.viewer)
    owner = await make_user(services)
    await make_complaint(services, owner, company)
    services.settings.rate_limit_login = 10_000
    services.settings.rate_limit_login_account = 10_000
    services.settings.rate_limit_register = 10_000
    services.settings.rate_limit_complaint_create = 10_000
    services.settings.rate_limit_content_report = 10_000
    return GraphQLClient(gql.http, owner.token)


@settings(
    max_examples=80,
    derandomize=os.environ.get("AMICABLE_FUZZ_RANDOM") != "1",
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=st.sampled_from(sorted(MUTATIONS)), data=st.data())
async def test_mutation_inputs_never_cause_an_internal_error(consumer, caplog, name, data):
    query, make_input = MUTATIONS[name]
    variables = make_input(data.draw)
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="amicable"):
        answer = await consumer.execute(query, i=variables)
    internal = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not internal, (name, variables, answer)
    assert answer.get("data") is not None or answer.get("errors"), answer
