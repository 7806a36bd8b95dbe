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

    # API protection
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_request_bytes: int = 200_000
    page_size_default: int = 20
    page_size_max: int = 100
    graphiql: bool = False

    # Rate limits: attempts per window, per client address (login, registration) or per
    # account (complaint creation). In-process counters; see README.
    rate_limit_window_seconds: int = 600
    rate_limit_login: int = 10
    rate_limit_register: int = 5
    rate_limit_complaint_create: int = 10

    # Lifecycle
    feedback_window_days: int = 183
    token_lifetime_days: int = 30

    @field_validator("allowed_origins", mode="before")
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
