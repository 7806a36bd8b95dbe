"""Client addresses behind reverse proxies.

`X-Forwarded-For` is believed only when the connection comes from a trusted proxy
(`AMICABLE_TRUSTED_PROXIES`, addresses or CIDRs). Walking the header from the right,
each hop a trusted proxy added is skipped; the first address no trusted proxy vouches for
is the client. Anyone else's header is ignored, so a client cannot pick the address its
rate limits and log lines count against.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Sequence[str]) -> list[Network]:
    return [ipaddress.ip_network(value.strip(), strict=False) for value in values]


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(peer: str, forwarded_for: Sequence[str], networks: Sequence[Network]) -> str:
    """The client's address given the connection's peer and every X-Forwarded-For value."""
    if not networks or not _trusted(peer, networks):
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop.strip("[]")))
            except ValueError:
                return peer  # garbage in the header: count it against the proxy
    return hops[0] if hops else peer


class TrustedProxies:
    """Puts the client's address in the ASGI scope, where Starlette's `request.client`,
    the rate limits and uvicorn's access log read it."""

    def __init__(self, app: ASGIApp, networks: Sequence[Network]) -> None:
        self.app = app
        self.networks = list(networks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.networks and scope.get("client"):
            host, port = scope["client"]
            forwarded = [
                value.decode("latin-1")
                for name, value in scope.get("headers", [])
                if name == b"x-forwarded-for"
            ]
            if forwarded:
                # In place: uvicorn's access log reads this same scope afterwards.
                scope["client"] = (client_address(host, forwarded, self.networks), port)
        await self.app(scope, receive, send)
