"""Start-up checks: settings that cannot work, unsafe defaults in production, ports taken.

Each problem is one line an operator can act on (which setting, what is wrong); the
commands print them and exit non-zero before anything starts, never with a traceback.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pydantic import ValidationError

from amicable.settings import Settings

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"

_DATABASE_SCHEMES = ("sqlite", "postgres", "asyncpg", "psycopg")
_BROADCAST_SCHEMES = ("memory", "redis", "rediss", "postgres", "postgresql")
_SMTP_SCHEMES = ("smtp", "smtps")
_LOG_FORMATS = ("text", "json")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_ENVIRONMENTS = ("development", "production")

# Limits that must be positive for the service to do anything at all.
_POSITIVE = (
    "max_query_depth",
    "max_aliases",
    "max_tokens",
    "max_request_bytes",
    "page_size_default",
    "page_size_max",
    "partner_page_size_max",
    "rate_limit_window_seconds",
    "rate_limit_login",
    "rate_limit_register",
    "rate_limit_complaint_create",
    "rate_limit_inbound_mail",
    "rate_limit_content_report",
    "smtp_timeout_seconds",
    "outbox_poll_seconds",
    "outbox_batch_size",
    "outbox_max_attempts",
    "outbox_backoff_seconds",
    "outbox_backoff_max_seconds",
    "outbox_lease_seconds",
    "inbound_max_bytes",
    "attachment_max_bytes",
    "feedback_window_days",
    "token_lifetime_days",
)


class SettingsInvalid(Exception):
    """The settings could not even be read; `lines` says why, one problem each."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("; ".join(lines))
        self.lines = lines


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def env_name(field_name: str) -> str:
    return f"AMICABLE_{field_name.upper()}"


def load(**overrides: object) -> Settings:
    """Read the settings; a value of the wrong type becomes `SettingsInvalid`."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            name = ".".join(str(part) for part in problem["loc"][:1]) or "settings"
            lines.append(f"{env_name(name)}: {problem['msg']}")
        raise SettingsInvalid(lines) from None


def check(settings: Settings) -> Report:
    """Every problem with these settings; production adds its refusals and warnings."""
    report = Report()
    errors = report.errors
    if settings.env.strip().lower() not in _ENVIRONMENTS:
        errors.append(f"AMICABLE_ENV: {settings.env!r} is neither development nor production")
    weights = (
        settings.score_weight_resolution
        + settings.score_weight_response
        + settings.score_weight_speed
    )
    if abs(weights - 1.0) > 1e-6:
        errors.append(
            "AMICABLE_SCORE_WEIGHT_RESOLUTION, _RESPONSE and _SPEED must add up to 1 "
            f"(they add up to {weights:g})"
        )
    bounds = settings.score_label_bounds
    if len(bounds) != 4 or list(bounds) != sorted(bounds):
        errors.append("AMICABLE_SCORE_LABEL_BOUNDS: give four increasing numbers, e.g. 20,40,60,80")
    errors += _url_problems(settings)
    bind_problem = smtpd_bind_problem(settings.smtpd_bind)
    if bind_problem:
        errors.append(f"AMICABLE_SMTPD_BIND: {bind_problem}")
    for name in _POSITIVE:
        if getattr(settings, name) <= 0:
            errors.append(f"{env_name(name)}: must be positive (is {getattr(settings, name)})")
    if settings.page_size_default > settings.page_size_max:
        errors.append("AMICABLE_PAGE_SIZE_DEFAULT: larger than AMICABLE_PAGE_SIZE_MAX")
    for address_setting in ("from_address", "moderators_address"):
        value = getattr(settings, address_setting)
        if value is not None and "@" not in value:
            errors.append(f"{env_name(address_setting)}: {value!r} is not an email address")
    for proxy in settings.trusted_proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            errors.append(f"AMICABLE_TRUSTED_PROXIES: {proxy!r} is not an address or CIDR")
    if settings.log_format.lower() not in _LOG_FORMATS:
        errors.append(f"AMICABLE_LOG_FORMAT: {settings.log_format!r} is neither text nor json")
    if settings.log_level.upper() not in _LOG_LEVELS:
        errors.append(
            f"AMICABLE_LOG_LEVEL: {settings.log_level!r} is not one of {', '.join(_LOG_LEVELS)}"
        )
    if settings.is_production:
        _production(settings, report)
    return report


def _url_problems(settings: Settings) -> list[str]:
    problems = []
    public = urlsplit(settings.public_url)
    if public.scheme not in ("http", "https") or not public.netloc:
        problems.append(
            f"AMICABLE_PUBLIC_URL: {settings.public_url!r} is not an http(s) URL with a host"
        )
    checks: list[tuple[str, str, tuple[str, ...]]] = [
        ("broadcast_url", settings.broadcast_url, _BROADCAST_SCHEMES)
    ]
    if settings.database_url:
        checks.append(("database_url", settings.database_url, _DATABASE_SCHEMES))
    if settings.smtp_url:
        checks.append(("smtp_url", settings.smtp_url, _SMTP_SCHEMES))
    for name, url, schemes in checks:
        scheme = urlsplit(url).scheme
        if scheme not in schemes:
            problems.append(
                f"{env_name(name)}: {scheme or 'no'} scheme; expected one of {', '.join(schemes)}"
            )
            continue
        try:
            urlsplit(url).port  # noqa: B018 - raises on a port that is not a number
        except ValueError:
            problems.append(f"{env_name(name)}: the port is not a number")
    for origin in settings.allowed_origins:
        parts = urlsplit(origin)
        if origin != "*" and (parts.scheme not in ("http", "https") or not parts.netloc):
            problems.append(f"AMICABLE_ALLOWED_ORIGINS: {origin!r} is not an http(s) origin")
    return problems


def smtpd_bind_problem(bind: str) -> str | None:
    """Why a bind setting is not `host:port` or `off`; None when it is fine."""
    if bind.strip().lower() in ("off", "", "none"):
        return None
    _, sep, port = bind.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        return f"{bind!r} is not host:port (or off)"
    return None


def _is_localhost(domain: str) -> bool:
    domain = domain.strip().lower().rstrip(".")
    return domain == "localhost" or domain.endswith(".localhost")


def _production(settings: Settings, report: Report) -> None:
    errors = report.errors
    if not settings.secret_key:
        errors.append(
            "AMICABLE_SECRET_KEY is not set: production refuses a generated key; set one "
            "long random key, the same in every process"
        )
    if _is_localhost(settings.reply_domain):
        errors.append(
            f"AMICABLE_REPLY_DOMAIN: {settings.reply_domain!r} is a .localhost domain; "
            "companies cannot reply to it"
        )
    from_domain = settings.from_address.rpartition("@")[2]
    if _is_localhost(from_domain):
        errors.append(f"AMICABLE_FROM_ADDRESS: {settings.from_address!r} is on a .localhost domain")
    if settings.moderators_address and _is_localhost(
        settings.moderators_address.rpartition("@")[2]
    ):
        errors.append(
            f"AMICABLE_MODERATORS_ADDRESS: {settings.moderators_address!r} is on a .localhost "
            "domain"
        )
    if settings.public_url.rstrip("/") == DEFAULT_PUBLIC_URL:
        errors.append(
            "AMICABLE_PUBLIC_URL is the default (http://127.0.0.1:8000); set the address "
            "users reach the service at"
        )
    if settings.resolved_database_url.startswith("sqlite"):
        report.warnings.append(
            "AMICABLE_DATABASE_URL is SQLite: run one process only (no separate workers or "
            "listeners); use Postgres for several"
        )


def port_in_use(host: str, port: int) -> bool:
    """Whether another process listens on host:port already (checked by binding as the
    server will, with SO_REUSEADDR, so a port in TIME_WAIT does not count)."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return False  # the server will report the unknown host itself
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as error:
            return error.errno == errno.EADDRINUSE
    return False
