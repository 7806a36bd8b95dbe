"""Client addresses behind proxies: X-Forwarded-For counts only from a trusted proxy."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from amicable.app import create_app
from amicable.proxies import client_address, parse_networks

LOGIN = """
mutation($email: String!, $password: String!) {
  tokenCreate(input: {email: $email, password: $password}) { token errors { code } }
}"""

TRUSTED = parse_networks(["10.0.0.0/8", "192.0.2.7"])


@pytest.mark.parametrize(
    ("peer", "headers", "expected"),
    [
        # No proxies configured, or a peer that is not one: the header is ignored.
        ("203.0.113.9", ["198.51.100.1"], "203.0.113.9"),
        # A trusted proxy: the address it was given.
        ("10.1.2.3", ["198.51.100.1"], "198.51.100.1"),
        # A client's own forged first hop is skipped: the right-most untrusted one counts.
        ("10.1.2.3", ["6.6.6.6, 198.51.100.1"], "198.51.100.1"),
        # Several trusted proxies in a row, over several header lines.
        ("10.1.2.3", ["198.51.100.1, 192.0.2.7", "10.9.9.9"], "198.51.100.1"),
        # Nothing but proxies: the first hop.
        ("10.1.2.3", ["10.0.0.5"], "10.0.0.5"),
        # Garbage from a trusted proxy: count it against the proxy.
        ("10.1.2.3", ["not-an-address"], "10.1.2.3"),
        ("10.1.2.3", [], "10.1.2.3"),
        # IPv6 clients.
        ("10.1.2.3", ["2001:db8::1"], "2001:db8::1"),
    ],
)
def test_client_address(peer: str, headers: list[str], expected: str):
    assert client_address(peer, headers, TRUSTED) == expected


def test_without_trusted_proxies_the_header_is_never_believed():
    assert client_address("10.1.2.3", ["198.51.100.1"], []) == "10.1.2.3"


async def _client(settings, services) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(settings, services=services))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def _login_codes(http: httpx.AsyncClient, forwarded_for: str, times: int) -> list:
    codes = []
    for _ in range(times):
        response = await http.post(
            "/graphql",
            json={"query": LOGIN, "variables": {"email": "x@example.org", "password": "wrong"}},
            headers={"X-Forwarded-For": forwarded_for},
        )
        errors = response.json()["data"]["tokenCreate"]["errors"]
        codes.append(errors[0]["code"])
    return codes


async def test_rate_limits_count_per_forwarded_client_behind_a_trusted_proxy(settings, services):
    settings.trusted_proxies = ["127.0.0.1/32"]  # the test transport's peer address
    settings.rate_limit_login = 2
    async for http in _client(settings, services):
        first = await _login_codes(http, "198.51.100.1", 3)
        other = await _login_codes(http, "198.51.100.2", 1)
    assert first == ["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "RATE_LIMITED"]
    assert other == ["INVALID_CREDENTIALS"]


async def test_a_forged_header_from_an_untrusted_peer_changes_nothing(settings, services):
    settings.rate_limit_login = 2
    async for http in _client(settings, services):
        codes = await _login_codes(http, "198.51.100.1", 2)
        codes += await _login_codes(http, "198.51.100.2", 1)
    assert codes == ["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "RATE_LIMITED"]
