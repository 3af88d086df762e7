"""Per-caller rate limits: a token bucket per facility (and per insurer or operator key).

A terminal at a busy hospital sends a few requests a second; a caller far above its rate is
broken or hostile, and must not slow the others. Over the limit the answer is 429 with
Retry-After and a Japanese message; the first refusal of a caller in each minute is audited
(with the count of the refusals since), so a flood cannot flood the audit trail too.

Buckets live in the worker process: with N uvicorn workers a caller gets up to N times the
rate (stated in the README). A shared limit (Redis) would cost a round trip per request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

AUDIT_EVERY_SECONDS = 60.0


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    refused: int = 0  # refusals not yet audited
    audited_at: float = float("-inf")


@dataclass(frozen=True, slots=True)
class Throttled:
    retry_after: float  # seconds until one request is allowed again
    audit: bool  # the first refusal this minute: audit it
    refused_since_audit: int


class RateLimiter:
    def __init__(self, per_second: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second = per_second
        self.burst = max(1, burst)
        self._buckets: dict[str, _Bucket] = {}
        self._clock = clock

    @property
    def enabled(self) -> bool:
        return self.per_second > 0

    def take(self, caller: str) -> Throttled | None:
        """Spend one token of the caller's bucket; None when allowed."""
        if not self.enabled:
            return None
        now = self._clock()
        bucket = self._buckets.get(caller)
        if bucket is None:
            bucket = self._buckets[caller] = _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.per_second)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return None
        bucket.refused += 1
        audit = now - bucket.audited_at >= AUDIT_EVERY_SECONDS
        refused = bucket.refused
        if audit:
            bucket.audited_at, bucket.refused = now, 0
        return Throttled((1 - bucket.tokens) / self.per_second, audit, refused)
