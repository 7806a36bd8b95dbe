"""One Settings object, read from AMICABLE_* environment variables or a `.env` file.

Settings are passed into `create_app` and the commands; nothing reads them globally.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="AMICABLE_", env_file=".env", extra="ignore", validate_default=True
    )

    # "production" refuses the embedded defaults that are unsafe there (docs/operations.md).
    env: str = "development"
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
    # Proxies (addresses or CIDRs) whose X-Forwarded-For is believed; nobody else's is.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    log_format: str = "text"
    log_level: str = "INFO"

    # Real time: events a subscriber may fall behind before it is dropped (the client is
    # told to subscribe again), and the graphql-ws keep-alive interval.
    broadcast_queue_size: int = Field(default=100, ge=1)
    websocket_keep_alive_seconds: float = Field(default=15.0, gt=0)
    websocket_compression: bool = False
    # How stale a websocket's credential check may be: a socket whose token was revoked
    # (sign-out, password change, erasure) or expired is closed with 4401 within about
    # this many seconds, and delivers no event after it.
    websocket_recheck_seconds: float = Field(default=5.0, ge=0)
    # On SIGTERM: how long open requests and websockets get before they are cut.
    shutdown_grace_seconds: int = Field(default=10, ge=1)

    # API protection
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_request_bytes: int = 200_000
    # Fields an operation selects, fragments expanded, each times the page sizes of the
    # connections it sits in (docs/api.md); refused before execution above this.
    max_query_cost: int = Field(default=25_000, ge=1)
    # Wall-clock budget of one HTTP request's execution; refused with TIMEOUT past it.
    request_timeout_seconds: float = Field(default=30.0, gt=0)
    page_size_default: int = 20
    page_size_max: int = 100
    # Partners' dashboards page through rankings and lists in bulk.
    partner_page_size_max: int = 500
    # The GraphQL explorer at GET /graphql (amicable/explorer.py): "auto" serves it
    # outside production mode; "on"/"off" (or true/false) force it.
    graphiql: Literal["auto", "on", "off"] = "auto"
    # Public response cache: answers to anonymous and partner queries kept per process
    # (0 turns it off), and how long a proxy or browser may reuse an anonymous GET answer.
    response_cache_entries: int = Field(default=1000, ge=0)
    response_cache_max_age: int = Field(default=5, ge=0)
    # Some answers change as time passes without any write (a reply deadline passing moves
    # a live dashboard): a cached answer is recomputed at least this often.
    response_cache_ttl_seconds: float = Field(default=60.0, gt=0)
    persisted_queries_max: int = Field(default=1000, ge=0)

    # Rate limits: attempts per window, per client address (login, registration) or per
    # account (sign-in, complaint creation). Counted in this store, shared by the processes:
    # default the broadcast URL when it is Redis, else process memory (docs/operations.md).
    rate_limit_storage_url: str | None = None
    rate_limit_window_seconds: int = 600
    rate_limit_login: int = 10
    # Sign-in attempts per account, from any address (a distributed guess at one password).
    rate_limit_login_account: int = 20
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
    # True: each SENT mark waits for the database's disk (docs/mail.md, "at least once").
    outbox_synchronous_sent: bool = False
    inbound_max_bytes: int = 25_000_000
    # Attachments (docs/attachments.md): checked by content; images re-encoded without
    # metadata. Types whose metadata we cannot strip (office documents) are not in the default.
    attachment_max_bytes: int = Field(default=10_000_000, ge=1)
    attachment_max_count: int = Field(default=5, ge=0)
    attachment_types: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: [
            "application/pdf",
            "image/png",
            "image/jpeg",
            "image/gif",
            "image/webp",
            "image/heic",
            "image/heif",
            "text/plain",
        ]
    )
    # How long a signed download link works.
    attachment_link_seconds: int = Field(default=600, ge=1)
    rate_limit_inbound_mail: int = 60

    # Moderation (docs/moderation.md): a folder of extra lexicon files ("category:
    # expression" a line) added to the built-in ones, and reports per window per client.
    lexicon_dir: Path | None = None
    rate_limit_content_report: int = 10

    # Lifecycle
    feedback_window_days: int = 183
    token_lifetime_days: int = 30

    # Accounts and companies (docs/accounts.md): how long mailed links work, how many such
    # mails an account or address may cause per rate-limit window, and whether a confirmed
    # claim from an address at a company's registered domain is approved without a moderator.
    verification_link_hours: int = Field(default=72, ge=1)
    password_reset_link_minutes: int = Field(default=60, ge=5)
    email_change_link_hours: int = Field(default=24, ge=1)
    invite_link_days: int = Field(default=14, ge=1)
    claim_link_hours: int = Field(default=72, ge=1)
    # The web reply link in each complaint mail (read and answer that thread, no account).
    reply_link_days: int = Field(default=120, ge=1)
    rate_limit_account_mail: int = Field(default=5, ge=1)
    auto_approve_domain_claims: bool = False

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

    @field_validator("graphiql", mode="before")
    @classmethod
    def _graphiql_switch(cls, value: object) -> object:
        if isinstance(value, bool):
            return "on" if value else "off"
        if isinstance(value, str):
            lowered = value.strip().lower()
            return {"true": "on", "1": "on", "false": "off", "0": "off"}.get(lowered, lowered)
        return value

    # Nudges (docs/nudges.md): reminders to a silent company this many days after sending
    # ("" turns them off); the consumer's notice when the response deadline passes; the
    # feedback prompt this many days after the company's last reply went unanswered, and
    # the last call this many days before the feedback window ends (0 turns either off);
    # the agents' weekly digest, due on this weekday (0 = Monday) at this UTC hour.
    reminder_days: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [7, 21])
    deadline_notice: bool = True
    feedback_prompt_days: int = Field(default=14, ge=0)
    feedback_last_call_days: int = Field(default=7, ge=0)
    agent_digest: bool = True
    agent_digest_weekday: int = Field(default=0, ge=0, le=6)
    agent_digest_hour: int = Field(default=7, ge=0, le=23)
    nudge_poll_seconds: float = Field(default=30.0, gt=0)
    nudge_batch_size: int = Field(default=50, ge=1)

    @field_validator("reminder_days", mode="before")
    @classmethod
    def _split_reminder_days(cls, value: object) -> object:
        if isinstance(value, str):
            if value.strip().lower() in ("", "off", "none"):
                return []
            return [int(part) for part in value.split(",") if part.strip()]
        return value

    @field_validator("reminder_days")
    @classmethod
    def _check_reminder_days(cls, value: list[int]) -> list[int]:
        if any(day < 1 for day in value) or value != sorted(set(value)):
            raise ValueError("reminder days must be increasing whole days of at least 1")
        return value

    @field_validator("score_label_bounds", mode="before")
    @classmethod
    def _split_label_bounds(cls, value: object) -> object:
        if isinstance(value, str):
            return [float(part) for part in value.split(",") if part.strip()]
        return value

    @field_validator("allowed_origins", "attachment_types", "trusted_proxies", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def is_production(self) -> bool:
        return self.env.strip().lower() == "production"

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
