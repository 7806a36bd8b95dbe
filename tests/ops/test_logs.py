"""What the real server writes to its log while it is used, and what it never writes."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from amicable.logs import scrub
from amicable.models.enums import Role
from tests.factories import PASSWORD, make_company, make_complaint, make_user
from tests.mail.conftest import company_mail, fill
from tests.ops.cli import clean_env, free_port, start, stop
from tests.subscriptions.wsclient import TRANSPORT_WS, connect

pytestmark = pytest.mark.e2e

LOGIN = """mutation SignIn($email: String!, $password: String!) {
  tokenCreate(input: {email: $email, password: $password}) { token errors { code } }
}"""
SEARCH = """query Search($text: String, $first: Int) {
  complaints(filter: {text: $text}, first: $first) { totalCount }
}"""


def _wait_for(predicate, what: str, deadline: float = 30) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def test_no_secret_reaches_the_log_and_client_mistakes_are_not_errors(
    settings, services, tmp_path: Path
):
    moderator = await make_user(services, Role.MODERATOR)
    consumer = await make_user(services, email="logged.consumer@example.org")
    company = await make_company(moderator.viewer, email="klachten@telenova.example")
    complaint = await make_complaint(services, consumer, company)
    mail = await company_mail(complaint)
    reply = await fill("gmail_nl.eml", complaint)

    port = free_port()
    log_path = tmp_path / "server.log"
    env = clean_env(
        AMICABLE_DATABASE_URL=settings.resolved_database_url,
        AMICABLE_DATA_DIR=str(tmp_path / "data"),
        AMICABLE_SECRET_KEY=settings.secret_key or "",
        AMICABLE_REPLY_DOMAIN=settings.reply_domain,
        AMICABLE_FROM_ADDRESS=settings.from_address,
        AMICABLE_INBOUND_SECRET="inbound-secret-never-logged",
        AMICABLE_SMTPD_BIND="off",
        AMICABLE_OUTBOX_POLL_SECONDS="0.2",
        AMICABLE_LOG_FORMAT="json",
        AMICABLE_LOG_LEVEL="DEBUG",
        AMICABLE_TRUSTED_PROXIES="127.0.0.1",
    )
    server = start(["serve", "--port", str(port)], env, tmp_path, log_path)
    base = f"http://127.0.0.1:{port}"
    secrets = [PASSWORD, "wrong-password-never-logged", "variable-secret-never-logged"]
    secrets += ["bad-bearer-never-logged", "query-string-token-never-logged"]
    secrets += [consumer.token, mail.reply_token, "inbound-secret-never-logged"]
    try:

        def up() -> bool:
            try:
                return httpx.get(f"{base}/readyz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        _wait_for(up, "the server")
        async with httpx.AsyncClient(base_url=base, timeout=10) as http:

            async def graphql(query: str, token: str | None = None, **variables: object):
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                response = await http.post(
                    "/graphql", json={"query": query, "variables": variables}, headers=headers
                )
                return response.json()

            signed_in = await graphql(LOGIN, email=consumer.user.email, password=PASSWORD)
            token = signed_in["data"]["tokenCreate"]["token"]
            secrets.append(token)
            refused = await graphql(
                LOGIN, email=consumer.user.email, password="wrong-password-never-logged"
            )
            assert refused["data"]["tokenCreate"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
            assert "errors" not in await graphql(SEARCH, token, text="variable-secret-never-logged")
            # A variable of the wrong type: GraphQL's message quotes the value it got.
            assert (await graphql(SEARCH, first="variable-secret-never-logged"))["errors"]
            bad = await graphql("{ me { email } }", "bad-bearer-never-logged")
            assert bad["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
            await http.get(
                "/graphql?token=query-string-token-never-logged",
                headers={"X-Forwarded-For": "198.51.100.77"},
            )
            delivered = await http.post(
                "/inbound/email",
                params={"recipient": mail.envelope_sender},
                content=reply,
                headers={
                    "Authorization": "Bearer inbound-secret-never-logged",
                    "Content-Type": "message/rfc822",
                },
            )
            assert delivered.json()["outcome"] in ("POSTED", "HELD")
            unknown = await http.post(
                "/inbound/email",
                params={"recipient": f"reply+{'ab' * 16}@{settings.reply_domain}"},
                content=reply.replace(b"Message-ID: <", b"Message-ID: <other-"),
                headers={
                    "Authorization": "Bearer inbound-secret-never-logged",
                    "Content-Type": "message/rfc822",
                },
            )
            assert unknown.status_code in (200, 404)

        # A refused subscription: the anonymous have no notifications.
        async with connect(f"ws://127.0.0.1:{port}/graphql", TRANSPORT_WS) as ws:
            await ws.subscribe("subscription { notifications { __typename } }")
            errors = await ws.error()
            assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"

        # A credential in `connection_init` (and frames logged at DEBUG by the server).
        async with connect(f"ws://127.0.0.1:{port}/graphql", TRANSPORT_WS, token) as ws:
            await ws.subscribe("subscription { notifications { __typename } }")
            await ws.nothing()

        _wait_for(lambda: "outbox: sent" in log_path.read_text(), "the worker to send")
    finally:
        stop(server)

    text = log_path.read_text("utf-8")
    entries = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert entries, text
    for secret in secrets:
        assert secret not in text, f"{secret!r} is in the log"
    assert "Traceback" not in text
    assert [e for e in entries if e["level"] in ("ERROR", "CRITICAL")] == []
    # DEBUG is on for our own loggers; libraries that would print frames, headers or SQL
    # with its parameters stay quieter.
    debug_loggers = {e["logger"] for e in entries if e["level"] == "DEBUG"}
    assert not {name.split(".")[0] for name in debug_loggers} & {
        "uvicorn",
        "websockets",
        "aiosqlite",
        "asyncpg",
        "tortoise",
        "mailparser_reply",
    }, debug_loggers
    messages = [e["message"] for e in entries]
    # The worker names each send, with the recipient's domain only.
    sent = [m for m in messages if m.startswith("outbox: sent complaint mail")]
    assert len(sent) == 1 and "telenova.example" in sent[0], messages
    assert "klachten@telenova.example" not in text
    assert "logged.consumer@example.org" not in text
    # The refusal is one INFO line, with its code.
    refusals = [e for e in entries if e["message"].startswith("refused")]
    assert {e["level"] for e in refusals} == {"INFO"}
    assert any("UNAUTHENTICATED" in e["message"] for e in refusals)
    # uvicorn's access log, in the same format, without query strings.
    access = [e for e in entries if e["logger"] == "uvicorn.access"]
    # The client behind the (trusted) proxy, not the proxy.
    assert any(
        e["message"].startswith("198.51.100.77:") and '"GET /graphql HTTP/1.1"' in e["message"]
        for e in access
    ), access
    assert any("/inbound/email HTTP/1.1" in e["message"] for e in access)


def test_scrub_removes_tokens_from_any_message():
    assert scrub("to reply+0123456789abcdef0123@reply.example") == "to reply+…@reply.example"
    assert scrub("Authorization: Bearer abc.def") == "Authorization: Bearer …"
    assert scrub('{"password": "hunter22"}') == '{"password": …}'
    assert scrub("nothing to hide") == "nothing to hide"


def test_text_format_is_the_default(tmp_path: Path):
    from tests.ops.cli import run

    env = clean_env(AMICABLE_DATA_DIR=str(tmp_path), AMICABLE_LOG_LEVEL="info")
    result = run(["migrate"], env, tmp_path)
    assert result.returncode == 0
    assert " INFO amicable: database is up to date" in result.stderr
    quiet = run(["migrate"], {**env, "AMICABLE_LOG_LEVEL": "WARNING"}, tmp_path)
    assert quiet.stderr == ""


def test_an_outsiders_text_cannot_forge_a_log_line():
    """A mail subject with an encoded newline (or a terminal escape) stays on its line."""
    import io
    import logging

    from amicable.logs import Scrubber, TextFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(TextFormatter())
    handler.addFilter(Scrubber())
    logger = logging.getLogger("amicable.test.injection")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        forged = "Re: order\r\n2026-01-01 00:00:00 ERROR amicable: admin signed in\x1b[2J\u2028x"
        logger.warning("inbound mail: %s", forged)
    finally:
        logger.removeHandler(handler)
    [line] = stream.getvalue().splitlines()
    assert "\\r\\n2026-01-01" in line and "\\x1b[2J" in line and "\\u2028x" in line
