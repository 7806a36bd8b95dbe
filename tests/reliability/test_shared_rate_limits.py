"""Rate limits shared by two real `amicable serve` processes over one Redis, and what
happens when that Redis goes away and comes back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from amicable.infra.ratelimit import RateLimiter, storage_url
from tests.reliability.processes import ServeProcess

pytestmark = pytest.mark.e2e

LIMIT = 4
SIGN_IN = """mutation($input: TokenCreateInput!) {
  tokenCreate(input: $input) { token errors { code } }
}"""


@pytest.fixture
def two_servers(settings, tmp_path: Path, own_redis) -> Iterator[list[ServeProcess]]:
    env = {
        "AMICABLE_DATABASE_URL": settings.database_url,
        "AMICABLE_BROADCAST_URL": "memory://",
        "AMICABLE_RATE_LIMIT_STORAGE_URL": own_redis.url,
        "AMICABLE_RATE_LIMIT_LOGIN": str(LIMIT),
        "AMICABLE_RATE_LIMIT_LOGIN_ACCOUNT": "1000",
    }
    servers = [ServeProcess(tmp_path / f"server{i}", env, f"serve{i}") for i in range(2)]
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait_healthy()
        yield servers
    finally:
        for server in servers:
            server.stop()


def _sign_in(server: ServeProcess, email: str = "nobody@example.com") -> str:
    response = httpx.post(
        f"{server.url}/graphql",
        json={"query": SIGN_IN, "variables": {"input": {"email": email, "password": "x" * 12}}},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    [error] = response.json()["data"]["tokenCreate"]["errors"]
    return str(error["code"])


def test_two_processes_enforce_one_sign_in_limit_together(two_servers):
    first, second = two_servers
    codes = [_sign_in(two_servers[i % 2]) for i in range(LIMIT)]
    assert codes == ["INVALID_CREDENTIALS"] * LIMIT
    # The limit is spent across both: each process refuses the next attempt.
    assert _sign_in(first) == "RATE_LIMITED"
    assert _sign_in(second) == "RATE_LIMITED"


def test_redis_down_degrades_to_per_process_limits_then_shares_again(two_servers, own_redis):
    first, second = two_servers
    own_redis.kill()
    # Sign-in still answers (no outage for users), each process counting for itself.
    assert [_sign_in(first, "a@example.com") for _ in range(LIMIT)] == [
        "INVALID_CREDENTIALS"
    ] * LIMIT
    assert _sign_in(first, "a@example.com") == "RATE_LIMITED"
    assert "rate limit store unreachable" in first.log_text()
    # Redis is back (empty, as after a restart): the shared limit holds again.
    own_redis.start()
    codes = [_sign_in(two_servers[i % 2], "b@example.com") for i in range(LIMIT)]
    assert codes == ["INVALID_CREDENTIALS"] * LIMIT
    assert _sign_in(second, "b@example.com") == "RATE_LIMITED"


def test_the_store_follows_the_settings():
    assert storage_url(None, "memory://") == "memory://"
    assert storage_url(None, "redis://cache:6379/0") == "redis://cache:6379/0"
    assert storage_url("memory://", "redis://cache:6379/0") == "memory://"
    assert storage_url(None, "postgres://db/amicable") == "memory://"
    with pytest.raises(ValueError):
        RateLimiter("postgres://db/amicable")
