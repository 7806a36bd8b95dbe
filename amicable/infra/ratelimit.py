"""Rate limits shared by every server process, on the `limits` library.

A moving window per (action, key): `limit` attempts within `window_seconds`. The counters
live where the deployment's processes can all see them:

- `AMICABLE_RATE_LIMIT_STORAGE_URL` when set (`redis://…`, `rediss://…` or `memory://`);
- otherwise the broadcast URL when it is Redis (the processes already share it);
- otherwise process memory (one process, the embedded default).

When the shared store cannot be reached the limiter does not refuse the request: it logs
a warning (at most once a minute) and counts in process memory until the store answers
again. A Redis restart must not take sign-in, registration and the mail doors down with
it, and the fallback still bounds each process, so a brute force stays a crawl.

Keys are hashed before they are stored, so the shared store holds no email addresses.
"""

from __future__ import annotations

import hashlib
import logging
import time

from limits import RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import ConnectionPool

from amicable import metrics
from amicable.infra.errors import ErrorCode, OperationFailed, UserError
from amicable.infra.messages import Msg

log = logging.getLogger(__name__)

# How long a call may wait on the shared store before it counts locally instead.
STORE_TIMEOUT_SECONDS = 0.5
WARN_EVERY_SECONDS = 60.0


def storage_url(explicit: str | None, broadcast_url: str) -> str:
    """The store the counters live in (see the module docstring)."""
    if explicit:
        return explicit
    if broadcast_url.startswith(("redis://", "rediss://")):
        return broadcast_url
    return "memory://"


def _storage_for(url: str) -> tuple[Storage, ConnectionPool | None]:
    if url.startswith(("redis://", "rediss://")):
        # Our own pool, so that shutting down closes its connections.
        pool = ConnectionPool.from_url(
            url,
            socket_connect_timeout=STORE_TIMEOUT_SECONDS,
            socket_timeout=STORE_TIMEOUT_SECONDS,
        )
        storage = RedisStorage(
            "async+" + url,
            implementation="redispy",
            key_prefix="amicable-rl",
            connection_pool=pool,  # type: ignore[arg-type]
        )
        return storage, pool
    if url.startswith("memory://"):
        return MemoryStorage(), None
    raise ValueError(f"unsupported rate limit storage: {url.split(':', 1)[0]}")


class RateLimiter:
    def __init__(self, url: str = "memory://") -> None:
        self.url = url
        self.is_shared = not url.startswith("memory://")
        self._local = MovingWindowRateLimiter(MemoryStorage())
        storage, self._pool = _storage_for(url)
        self._shared = MovingWindowRateLimiter(storage) if self.is_shared else self._local
        self._warned_at = float("-inf")

    async def check(self, action: str, key: str, *, limit: int, window_seconds: int) -> None:
        """Count one attempt; raise RATE_LIMITED when `limit` were made within the window."""
        item = RateLimitItemPerSecond(max(limit, 0), max(window_seconds, 1))
        hashed = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        if limit <= 0:
            allowed = False
        elif self.is_shared:
            try:
                allowed = await self._shared.hit(item, action, hashed)
            except Exception as error:  # the store is down or slow: degrade, don't refuse
                self._warn(error)
                allowed = await self._local.hit(item, action, hashed)
        else:
            allowed = await self._local.hit(item, action, hashed)
        if not allowed:
            metrics.RATE_LIMITED.labels(action).inc()
            raise OperationFailed(
                UserError(
                    ErrorCode.RATE_LIMITED,
                    Msg.RATE_LIMITED,
                    None,
                    {"limit": limit, "windowSeconds": window_seconds},
                )
            )

    def _warn(self, error: Exception) -> None:
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            log.warning(
                "rate limit store unreachable (%s); counting per process until it answers",
                type(error).__name__,
            )

    async def reset(self) -> None:
        """Forget every counter (tests, and an operator clearing a lock-out)."""
        await self._local.storage.reset()
        if self.is_shared:
            await self._shared.storage.reset()

    async def aclose(self) -> None:
        """Close the shared store's connections (at shutdown)."""
        if self._pool is not None:
            await self._pool.disconnect()
