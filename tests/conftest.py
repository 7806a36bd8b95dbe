"""Fixtures: a real database per test (SQLite by default, Postgres when
AMICABLE_TEST_DATABASE_URL is set), the app over ASGI, and helpers to act as each role.

With AMICABLE_REQUIRE_SERVICES=1 (as `.ci/run` sets it), a test that would be skipped for a
missing service fails instead, so a CI run cannot pass by skipping.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise import Tortoise

from amicable.app import create_app
from amicable.db import close_db, migrate, open_db
from amicable.services import Services
from amicable.settings import Settings
from amicable.subscriptions.bus import EventBus

PG_URL = os.environ.get("AMICABLE_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("AMICABLE_TEST_REDIS_URL")
REQUIRE_SERVICES = os.environ.get("AMICABLE_REQUIRE_SERVICES") == "1"


def require_service(name: str, available: bool) -> None:
    """Skip when a service is not configured, or fail when CI demands it."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{name} is required (AMICABLE_REQUIRE_SERVICES=1) but not configured")
    pytest.skip(f"{name} not configured")


@pytest.fixture(autouse=True)
def _required_services(request: pytest.FixtureRequest) -> None:
    """Tests marked `postgres` or `redis` skip without the service (fail under CI's
    AMICABLE_REQUIRE_SERVICES=1). An autouse fixture, because markers read at collection
    time cannot add fixtures any more."""
    if request.node.get_closest_marker("postgres"):
        require_service("PostgreSQL (AMICABLE_TEST_DATABASE_URL)", PG_URL is not None)
    if request.node.get_closest_marker("redis"):
        require_service("Redis (AMICABLE_TEST_REDIS_URL)", REDIS_URL is not None)
    for marker, (name, available) in SYSTEM_TOOLS.items():
        if request.node.get_closest_marker(marker):
            require_service(name, available())


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


# Markers for tests that need a system package (`.ci/run` installs them under CI).
SYSTEM_TOOLS = {
    "postfix": (
        "Postfix (postfix and sendmail, run as root)",
        lambda: bool(shutil.which("postfix") and shutil.which("sendmail") and _is_root()),
    ),
    "browser": ("Chromium (chromium)", lambda: bool(shutil.which("chromium"))),
    "node": ("Node.js and npm", lambda: bool(shutil.which("node") and shutil.which("npm"))),
}


# --- databases ----------------------------------------------------------------------------


def _pg_admin(url: str, statement: str) -> None:
    import asyncpg

    async def run() -> None:
        connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database made once per session: a SQLite file to copy, or a Postgres
    database to truncate between tests."""
    if PG_URL:
        name = f"amicable_test_{os.getpid()}"
        _pg_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}"')
        _pg_admin(PG_URL, f'CREATE DATABASE "{name}"')
        url = _with_database(PG_URL, name)
        asyncio.run(migrate(Settings(database_url=url, _env_file=None)))  # type: ignore[call-arg]
        yield url
        _pg_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    asyncio.run(migrate(Settings(database_url=f"sqlite://{path}", _env_file=None)))  # type: ignore[call-arg]
    yield str(path)


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> str:
    if PG_URL:
        return database_template
    path = tmp_path / "amicable.sqlite3"
    shutil.copy(database_template, path)
    return f"sqlite://{path}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret-key",
        smtpd_bind="off",
        public_url="http://testserver",
        platform_name="Klachtenplatform",
        from_address="klachten@amicable.test",
        reply_domain="reply.amicable.test",
        inbound_secret="test-inbound-secret",
    )


_TABLES_KEPT = {"tortoise_migrations"}


async def _truncate_postgres() -> None:
    connection = Tortoise.get_connection("default")
    rows = await connection.execute_query_dict(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    )
    tables = [r["tablename"] for r in rows if r["tablename"] not in _TABLES_KEPT]
    if tables:
        quoted = ", ".join(f'"{t}"' for t in tables)
        await connection.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[None]:
    await open_db(settings, run_migrations=False)
    if PG_URL:
        await _truncate_postgres()
    try:
        yield
    finally:
        await close_db()


@pytest.fixture
async def services(settings: Settings, db: None) -> AsyncIterator[Services]:
    bus = EventBus("memory://")
    await bus.connect()
    yield Services(settings=settings, events=bus)
    await bus.disconnect()


@pytest.fixture
async def client(settings: Settings, services: Services) -> AsyncIterator[httpx.AsyncClient]:
    """The app over ASGI, in this test's event loop; the `db` fixture stands in for the
    lifespan (the end-to-end tests run the real lifespan under uvicorn)."""
    app = create_app(settings, services=services)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


# --- acting as someone --------------------------------------------------------------------


class GraphQLClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        token: str | None = None,
        *,
        accept_language: str | None = None,
    ) -> None:
        self.http = http
        self.token = token
        self.accept_language = accept_language

    async def execute(self, query: str, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if self.accept_language is not None:
            headers["Accept-Language"] = self.accept_language
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code in (200, 400), response.text
        return response.json()

    async def data(self, query: str, **variables: Any) -> dict[str, Any]:
        """Execute and insist on no errors."""
        result = await self.execute(query, **variables)
        assert not result.get("errors"), result["errors"]
        return result["data"]


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.org"
