"""Transports that deliver a rendered mail: SMTP through aiosmtplib, or, with no SMTP
server configured, a Maildir in the data folder (any mail client opens it).

`AMICABLE_SMTP_URL`:

    smtp://[user:password@]host[:port][?starttls=auto|require|off]   (port 25 by default;
        STARTTLS is used when the server offers it, unless `starttls=off`)
    smtps://[user:password@]host[:port]                              (TLS from the start, 465)

`?verify=off` skips certificate checks (a relay on a private network with its own CA).
"""

from __future__ import annotations

import asyncio
import mailbox
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from amicable.settings import Settings


class PermanentDeliveryError(Exception):
    """The server refused the mail for good (a 5xx reply): retrying would not help."""


# Awaited right before the mail's content goes out, once the envelope is accepted: the
# outbox worker records the previous mail as sent meanwhile, and must have done so before
# the server can accept another one (so that a worker killed at any moment leaves at most
# one mail accepted but not recorded).
BeforeData = Callable[[], Awaitable[None]]


class MailSession(Protocol):
    async def send(
        self,
        sender: str,
        recipients: list[str],
        content: bytes,
        *,
        before_data: BeforeData | None = None,
    ) -> None: ...


class MailTransport(Protocol):
    def session(self) -> AbstractAsyncContextManager[MailSession]: ...


@dataclass(frozen=True)
class SmtpConfig:
    hostname: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    start_tls: bool | None  # None: when the server offers it
    validate_certs: bool
    timeout: float


def parse_smtp_url(url: str, *, timeout: float = 30.0) -> SmtpConfig:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("AMICABLE_SMTP_URL must look like smtp://host:port or smtps://host")
    query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
    use_tls = parts.scheme == "smtps"
    starttls = query.get("starttls", "auto")
    if starttls not in ("auto", "require", "off"):
        raise ValueError("starttls must be auto, require or off")
    return SmtpConfig(
        hostname=parts.hostname,
        port=parts.port or (465 if use_tls else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_tls=use_tls,
        start_tls=None if use_tls or starttls == "auto" else starttls == "require",
        validate_certs=query.get("verify", "on") not in ("off", "false", "0"),
        timeout=timeout,
    )


class _SmtpClient(aiosmtplib.SMTP):
    """aiosmtplib's client, calling `before_data` between the envelope and the content.
    `sendmail` keeps doing everything else (SIZE, SMTPUTF8, resetting after a refusal)."""

    before_data: BeforeData | None = None

    async def data(self, message: str | bytes, /, **options: Any) -> aiosmtplib.SMTPResponse:
        hook, self.before_data = self.before_data, None
        if hook is not None:
            await hook()
        return await super().data(message, **options)


class _SmtpSession:
    def __init__(self, client: _SmtpClient) -> None:
        self.client = client

    async def send(
        self,
        sender: str,
        recipients: list[str],
        content: bytes,
        *,
        before_data: BeforeData | None = None,
    ) -> None:
        self.client.before_data = before_data
        try:
            await self.client.sendmail(sender, recipients, content)
        except aiosmtplib.SMTPRecipientsRefused as error:
            if all(r.code >= 500 for r in error.recipients):
                raise PermanentDeliveryError(str(error)) from error
            raise
        except aiosmtplib.SMTPResponseException as error:
            if error.code >= 500 and not isinstance(error, aiosmtplib.SMTPServerDisconnected):
                # Reset the transaction so the next mail of the batch can go out.
                await self.client.rset()
                raise PermanentDeliveryError(str(error)) from error
            raise
        finally:
            self.client.before_data = None


class SmtpTransport:
    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    @asynccontextmanager
    async def session(self) -> AsyncIterator[MailSession]:
        config = self.config
        client = _SmtpClient(
            hostname=config.hostname,
            port=config.port,
            username=config.username,
            password=config.password,
            use_tls=config.use_tls,
            start_tls=config.start_tls,
            validate_certs=config.validate_certs,
            timeout=config.timeout,
        )
        await client.connect()
        try:
            yield _SmtpSession(client)
        finally:
            try:
                await client.quit()
            except aiosmtplib.SMTPException:
                client.close()


class _MaildirSession:
    def __init__(self, path: Path) -> None:
        self.path = path

    async def send(
        self,
        sender: str,
        recipients: list[str],
        content: bytes,
        *,
        before_data: BeforeData | None = None,
    ) -> None:
        if before_data is not None:
            await before_data()
        # Delivered-To keeps the envelope visible in a client that opens the Maildir.
        stamped = b"".join(f"Delivered-To: {r}\r\n".encode() for r in recipients) + content
        await asyncio.to_thread(self._add, stamped)

    def _add(self, content: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        mailbox.Maildir(self.path, create=True).add(content)


class MaildirTransport:
    def __init__(self, path: Path) -> None:
        self.path = path

    @asynccontextmanager
    async def session(self) -> AsyncIterator[MailSession]:
        yield _MaildirSession(self.path)


def maildir_path(settings: Settings) -> Path:
    return settings.data_dir / "maildir"


def transport_for(settings: Settings) -> MailTransport:
    if settings.smtp_url:
        return SmtpTransport(
            parse_smtp_url(settings.smtp_url, timeout=settings.smtp_timeout_seconds)
        )
    return MaildirTransport(maildir_path(settings))
