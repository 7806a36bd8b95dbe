"""Which counter each door meets: per account as well as per address, so spreading
attempts over many addresses does not multiply the limit."""

from __future__ import annotations

import pytest

from amicable.infra.errors import OperationFailed
from amicable.models.enums import Role
from amicable.resolvers import accounts, reports
from tests.factories import PASSWORD, make_company, make_complaint, make_user


def _code(error: OperationFailed) -> str:
    return str(error.errors[0].code.value)


async def test_sign_in_is_limited_per_account_across_addresses(services, settings):
    settings.rate_limit_login_account = 3
    user = await make_user(services, email="els@example.org")
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        with pytest.raises(OperationFailed) as wrong:
            await accounts.create_token(
                services, email=user.user.email, password="wrong password", client_key=address
            )
        assert _code(wrong.value) == "INVALID_CREDENTIALS"
    # Even the right password from a fresh address waits out the window.
    with pytest.raises(OperationFailed) as limited:
        await accounts.create_token(
            services, email=" ELS@example.org ", password=PASSWORD, client_key="10.0.0.4"
        )
    assert _code(limited.value) == "RATE_LIMITED"
    # Another account is not held up by this one.
    other = await make_user(services, email="jan@example.org")
    issued = await accounts.create_token(
        services, email=other.user.email, password=PASSWORD, client_key="10.0.0.4"
    )
    assert issued.token


async def test_reports_are_limited_per_account_across_addresses(services, settings):
    settings.rate_limit_content_report = 2
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services)
    reporter = await make_user(services)
    complaint = await make_complaint(services, consumer, await make_company(moderator.viewer))
    draft = reports.ReportDraft(reason="spam", complaint_id=complaint.id)
    for address in ("10.0.0.1", "10.0.0.2"):
        await reports.report(services, reporter.viewer, draft, client_key=address)
    with pytest.raises(OperationFailed) as limited:
        await reports.report(services, reporter.viewer, draft, client_key="10.0.0.3")
    assert _code(limited.value) == "RATE_LIMITED"


async def test_anonymous_reports_are_limited_per_address(services, settings):
    from amicable.policy import Viewer

    settings.rate_limit_content_report = 1
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services)
    complaint = await make_complaint(services, consumer, await make_company(moderator.viewer))
    draft = reports.ReportDraft(reason="spam", complaint_id=complaint.id)
    await reports.report(services, Viewer.anonymous(), draft, client_key="10.0.0.1")
    with pytest.raises(OperationFailed) as limited:
        await reports.report(services, Viewer.anonymous(), draft, client_key="10.0.0.1")
    assert _code(limited.value) == "RATE_LIMITED"
    await reports.report(services, Viewer.anonymous(), draft, client_key="10.0.0.2")
