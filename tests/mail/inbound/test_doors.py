"""The doors' own refusals: unknown recipients at RCPT TO, oversized mail, the HTTP
secret, the pipe's exit codes."""

from __future__ import annotations

import asyncio
import io

import aiosmtplib
import pytest

from amicable.mail.inbound.pipe import deliver_from_pipe
from amicable.mail.inbound.smtpd import parse_bind
from amicable.mail.outbound.sender import parse_smtp_url
from amicable.models import InboundMail

RAW = b"From: a@b.example\r\nTo: x@y.example\r\nSubject: hi\r\n\r\nhello\r\n"


async def test_smtpd_refuses_unknown_recipient_at_rcpt(services, listener):
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=listener, timeout=5, start_tls=False)
    async with asyncio.timeout(10):
        await client.connect()
        await client.mail("a@b.example")
        with pytest.raises(aiosmtplib.SMTPRecipientRefused) as refused:
            await client.rcpt("reply+00000000000000000000@reply.amicable.test")
        assert refused.value.code == 550
        with pytest.raises(aiosmtplib.SMTPRecipientRefused):
            await client.rcpt("someone@elsewhere.example")
        await client.quit()


async def test_smtpd_refuses_oversized_mail_with_552(services, settings, listener):
    settings.inbound_max_bytes = 1000
    # The listener read the limit when it started; a new one picks up the small limit.
    from amicable.mail.inbound.smtpd import start_smtpd
    from tests.mail.conftest import free_port

    port = free_port()
    server = await start_smtpd(services, "127.0.0.1", port)
    try:
        async with asyncio.timeout(10):
            with pytest.raises(aiosmtplib.SMTPResponseException) as refused:
                await aiosmtplib.send(
                    RAW + b"x" * 5000,
                    sender="a@b.example",
                    recipients=["reply@reply.amicable.test"],
                    hostname="127.0.0.1",
                    port=port,
                    start_tls=False,
                    timeout=5,
                )
        assert refused.value.code == 552
    finally:
        server.close()
        await server.wait_closed()
    assert await InboundMail.all().count() == 0


async def test_pipe_exit_code_for_unknown_recipient(services):
    code = await deliver_from_pipe(services, io.BytesIO(RAW), recipients=["x@y.example"])
    assert code == 67


async def test_http_door_needs_the_secret(client):
    headers = {"Content-Type": "message/rfc822"}
    response = await client.post("/inbound/email", content=RAW, headers=headers)
    assert response.status_code == 401
    response = await client.post(
        "/inbound/email", content=RAW, headers={**headers, "Authorization": "Bearer wrong"}
    )
    assert response.status_code == 401
    assert await InboundMail.all().count() == 0


async def test_http_door_is_closed_without_a_secret(client, settings):
    settings.inbound_secret = None
    response = await client.post(
        "/inbound/email",
        content=RAW,
        headers={"Content-Type": "message/rfc822", "Authorization": "Bearer "},
    )
    assert response.status_code == 404


async def test_http_door_takes_mail_over_the_graphql_body_limit(client, settings):
    big = RAW + b"y" * (settings.max_request_bytes + 10)
    response = await client.post(
        "/inbound/email",
        content=big,
        headers={"Content-Type": "message/rfc822", "Authorization": "Bearer test-inbound-secret"},
    )
    assert response.status_code == 404 and response.json() == {"outcome": "UNROUTABLE"}


def test_settings_parsing():
    assert parse_bind("off") is None
    assert parse_bind("127.0.0.1:2525") == ("127.0.0.1", 2525)
    config = parse_smtp_url("smtps://u%40x:p@relay.example?verify=off")
    assert (config.hostname, config.port, config.username, config.use_tls) == (
        "relay.example",
        465,
        "u@x",
        True,
    )
    assert config.validate_certs is False
    assert parse_smtp_url("smtp://relay.example:587?starttls=require").start_tls is True
    with pytest.raises(ValueError):
        parse_smtp_url("http://relay.example")
