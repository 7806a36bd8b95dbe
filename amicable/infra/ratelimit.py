"""A sliding-window counter per (action, key), kept in process memory.

Each server process counts on its own; with N processes behind a balancer an attacker gets
at most N times the limit, which still turns a brute-force into a crawl. (A shared counter
in Redis is the step up, when a deployment needs it.)
"""

from __future__ import annotations

import time
from collections import deque

from amicable import metrics
from amicable.infra.errors import ErrorCode, OperationFailed, UserError
from amicable.infra.messages import Msg


class RateLimiter:
    def __init__(self) -> None:
        self._hits: dict[tuple[str, str], deque[float]] = {}

    def check(self, action: str, key: str, *, limit: int, window_seconds: int) -> None:
        """Count one attempt; raise RATE_LIMITED when `limit` were made within the window."""
        now = time.monotonic()
        hits = self._hits.setdefault((action, key), deque())
        while hits and hits[0] <= now - window_seconds:
            hits.popleft()
        if len(hits) >= limit:
            metrics.RATE_LIMITED.labels(action).inc()
            raise OperationFailed(
                UserError(
                    ErrorCode.RATE_LIMITED,
                    Msg.RATE_LIMITED,
                    None,
                    {"limit": limit, "windowSeconds": window_seconds},
                )
            )
        hits.append(now)
        if len(self._hits) > 100_000:
            self._forget_idle(now, window_seconds)

    def _forget_idle(self, now: float, window_seconds: int) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - window_seconds]:
            del self._hits[key]
