"""One Settings object, read from AMICABLE_* environment variables or a `.env` file.

Settings are passed into `create_app` and the commands; nothing reads them globally.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="AMICABLE_", env_file=".env", extra="ignore", validate_default=True
    )

    data_dir: Path = Path("var")
    database_url: str | None = Field(
        default=None, description="Tortoise URL; default: SQLite in the data folder"
    )
    broadcast_url: str = "memory://"
    smtp_url: str | None = Field(default=None, description="smtp:// or smtps://; default: Maildir")
    smtpd_bind: str = "127.0.0.1:2525"
    secret_key: str | None = Field(
        default=None, description="HMAC key; default: generated once into the data folder"
    )
    public_url: str = "http://127.0.0.1:8000"
    platform_name: str = "amicable"
    from_address: str = "complaints@amicable.localhost"
    reply_domain: str = "reply.amicable.localhost"
    inbound_secret: str | None = None
    allowed_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Real time: events a subscriber may fall behind before it is dropped (the client is
    # told to subscribe again), and the graphql-ws keep-alive interval.
    broadcast_queue_size: int = Field(default=100, ge=1)
    websocket_keep_alive_seconds: float = Field(default=15.0, gt=0)
    websocket_compression: bool = False
    # How stale a websocket's credential check may be: a token revoked (sign-out, erasure)
    # stops its subscriptions at the next event after this many seconds.
    websocket_recheck_seconds: float = Field(default=30.0, ge=0)

    # API protection
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_request_bytes: int = 200_000
    page_size_default: int = 20
    page_size_max: int = 100
    # Partners' dashboards page through rankings and lists in bulk.
    partner_page_size_max: int = 500
    graphiql: bool = False
    # Public response cache: answers to anonymous and partner queries kept per process
    # (0 turns it off), and how long a proxy or browser may reuse an anonymous GET answer.
    response_cache_entries: int = Field(default=1000, ge=0)
    response_cache_max_age: int = Field(default=5, ge=0)
    # Some answers change as time passes without any write (a reply deadline passing moves
    # a live dashboard): a cached answer is recomputed at least this often.
    response_cache_ttl_seconds: float = Field(default=60.0, gt=0)
    persisted_queries_max: int = Field(default=1000, ge=0)

    # Rate limits: attempts per window, per client address (login, registration) or per
    # account (complaint creation). In-process counters; see README.
    rate_limit_window_seconds: int = 600
    rate_limit_login: int = 10
    rate_limit_register: int = 5
    rate_limit_complaint_create: int = 10

    # Mail (docs/mail.md). Outbox retries back off exponentially from the base delay.
    reply_local_part: str = "reply"
    # Where companies write to the moderators (corrections of their data); default
    # moderators@<reply domain>.
    moderators_address: str | None = None
    smtp_timeout_seconds: float = 30.0
    outbox_poll_seconds: float = 2.0
    outbox_batch_size: int = 20
    outbox_max_attempts: int = 12
    outbox_backoff_seconds: float = 30.0
    outbox_backoff_max_seconds: float = 3600.0
    outbox_lease_seconds: float = 600.0
    inbound_max_bytes: int = 25_000_000
    attachment_max_bytes: int = 10_000_000
    attachment_types: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: [
            "application/pdf",
            "image/png",
            "image/jpeg",
            "image/gif",
            "image/webp",
            "image/heic",
            "text/plain",
            "text/csv",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.oasis.opendocument.text",
            "application/msword",
        ]
    )
    rate_limit_inbound_mail: int = 60

    # Moderation (docs/moderation.md): a folder of extra lexicon files ("category:
    # expression" a line) added to the built-in ones, and reports per window per client.
    lexicon_dir: Path | None = None
    rate_limit_content_report: int = 10

    # Lifecycle
    feedback_window_days: int = 183
    token_lifetime_days: int = 30

    # Company scores (PRODUCT.md section 5, docs/scores.md). The formula reads these through
    # `amicable.scoring.ScoringRules.from_settings`, which also checks they fit together.
    score_weight_resolution: float = Field(default=0.50, ge=0, le=1)
    score_weight_response: float = Field(default=0.35, ge=0, le=1)
    score_weight_speed: float = Field(default=0.15, ge=0, le=1)
    score_response_deadline_days: int = Field(default=30, ge=2)
    score_speed_full_points_hours: float = Field(default=24.0, gt=0)
    score_prior: float = Field(default=0.5, ge=0, le=1)
    score_prior_weight: float = Field(default=5.0, ge=0)
    score_minimum_eligible: int = Field(default=10, ge=0)
    score_window_months: int = Field(default=12, ge=1, le=120)
    # Upper bounds of "very poor", "poor", "fair", "good"; anything above is "very good".
    score_label_bounds: Annotated[list[float], NoDecode] = Field(
        default_factory=lambda: [20.0, 40.0, 60.0, 80.0]
    )

    @field_validator("score_label_bounds", mode="before")
    @classmethod
    def _split_label_bounds(cls, value: object) -> object:
        if isinstance(value, str):
            return [float(part) for part in value.split(",") if part.strip()]
        return value

    @field_validator("allowed_origins", "attachment_types", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite://{self.data_dir / 'amicable.sqlite3'}"

    @property
    def resolved_moderators_address(self) -> str:
        return (self.moderators_address or f"moderators@{self.reply_domain}").strip().lower()

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once and kept in the data folder.

        A key that changed on every start would invalidate every reply address already
        mailed out, so the embedded default persists it.
        """
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key
