"""`RateLimiter`: per key and scope token buckets over one `BucketStore`, and what happens when that store fails.

A check costs one bucket operation: in process memory (no await that suspends, no thread), or one atomic round
trip to Redis or PostgreSQL. Two things keep a flood cheap for a shared store: a bucket found empty is
remembered in this process until its next token is due (the requests in between are refused without a round
trip: a bucket only refills with time, so the answer cannot change sooner), and a store that failed is left
alone for `retry_backend_s` (the requests in between take the failure policy without waiting for it again).

When the shared store fails (down, slower than DESKMATE_RATE_LIMIT__BACKEND_TIMEOUT_MS), `on_backend_error` says
what happens: `local` (default) counts in a per-process bucket instead, `open` lets the request through, `closed`
refuses it (`RateLimitUnavailable`, a 503 at the edge). Each failure is counted; the first of a spell, then at
most one every `log_every_s`, is logged, and so is the recovery.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from service.ratelimit.base import BackendError, BucketStore, Take
from service.ratelimit.memory import MemoryBuckets
from service.settings import RateLimitSettings

logger = logging.getLogger(__name__)

ADMIN_TOKEN_OWNER = "admin-token"
"""The bucket owner of DESKMATE_ADMIN_TOKEN (one key of its own; store keys are 12 hex digits, never this)."""


class RateLimitUnavailable(Exception):
    """The shared bucket store failed and the policy is `closed`."""


def _whole_seconds(seconds: float) -> int:
    return max(0, math.ceil(seconds - 1e-9))


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer of one check, and the headers that tell the client about its bucket."""

    allowed: bool
    limit: int  # the bucket's size (burst)
    remaining: int  # whole tokens left after this check
    retry_after: float  # seconds until the refused cost is there again (0 when allowed)
    reset: float  # seconds until the bucket is full again

    def headers(self) -> dict[str, str]:
        values = {"Limit": str(self.limit), "Remaining": str(self.remaining), "Reset": str(_whole_seconds(self.reset))}
        headers = {f"{prefix}RateLimit-{name}": value for prefix in ("", "X-") for name, value in values.items()}
        if not self.allowed:
            headers["Retry-After"] = str(max(1, _whole_seconds(self.retry_after)))
        return headers


@dataclass(slots=True)
class LimiterStats:
    checks: int = 0
    limited: int = 0  # refused with 429
    limited_locally: int = 0  # of those, refused from the remembered empty bucket, without a round trip
    backend_errors: int = 0  # shared store failures
    degraded: int = 0  # checks answered by the failure policy (after a failure or while the store is left alone)


class RateLimiter:
    """Token buckets per (owner, scope): rate and burst of each scope from `RateLimitSettings`."""

    def __init__(self, settings: RateLimitSettings, store: BucketStore, *, clock: Callable[[], float] = time.time,
                 retry_backend_s: float = 1.0, log_every_s: float = 30.0) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock  # wall clock: buckets in Redis/PostgreSQL are shared by hosts (keep them on NTP)
        self.retry_backend_s = retry_backend_s
        self.log_every_s = log_every_s
        self.stats = LimiterStats()
        self.fallback = MemoryBuckets()
        self._empty_until: dict[str, float] = {}  # shared stores: bucket -> when its next token is due
        self._backend_down_until = 0.0  # time.monotonic()
        self._failing_since: float | None = None
        self._last_log = -math.inf

    @property
    def backend(self) -> str:
        return self.store.name

    async def open(self) -> None:
        await self.store.open()

    async def close(self) -> None:
        await self.store.close()

    async def check(self, owner: str, scope: str, cost: int = 1) -> Decision:
        """Take `cost` tokens (at most the burst: a larger request empties a full bucket) from `owner`'s bucket for
        `scope`. Raises RateLimitUnavailable when the shared store failed and the policy is `closed`."""
        if cost < 1:
            raise ValueError(f"a check costs at least 1 token, not {cost}")
        bucket_settings = self.settings.bucket(scope)
        rate, burst = bucket_settings.rate, float(bucket_settings.burst)
        cost_tokens = min(float(cost), burst)
        bucket = f"{owner}:{scope}"
        now = self.clock()
        self.stats.checks += 1
        if self.store.shared:
            empty_until = self._empty_until.get(bucket)
            if empty_until is not None and now < empty_until:
                self.stats.limited += 1
                self.stats.limited_locally += 1
                return Decision(False, bucket_settings.burst, 0, empty_until - now + (cost_tokens - 1) / rate,
                                empty_until - now + (burst - 1) / rate)
            result = await self._shared_take(bucket, rate=rate, burst=burst, cost=cost_tokens, now=now)
            if result is None:
                return Decision(True, bucket_settings.burst, bucket_settings.burst, 0.0, 0.0)  # policy: open
        else:
            result = await self.store.take(bucket, rate=rate, burst=burst, cost=cost_tokens, now=now)
        if not result.allowed:
            self.stats.limited += 1
        return Decision(result.allowed, bucket_settings.burst, max(0, math.floor(result.tokens + 1e-9)),
                        0.0 if result.allowed else (cost_tokens - result.tokens) / rate,
                        (burst - result.tokens) / rate)

    async def _shared_take(self, bucket: str, *, rate: float, burst: float, cost: float, now: float) -> Take | None:
        """The shared store's answer; after a failure, the policy's (None: let it through)."""
        if time.monotonic() >= self._backend_down_until:
            try:
                result = await self.store.take(bucket, rate=rate, burst=burst, cost=cost, now=now)
            except BackendError as exc:
                self._failed(exc)
            else:
                if self._failing_since is not None:
                    logger.info("rate limit backend is back", extra={
                        "backend": self.store.name, "down_seconds": round(time.monotonic() - self._failing_since, 1)})
                    self._failing_since = None
                if not result.allowed and result.tokens < 1:  # the shared bucket is empty until its next token
                    if len(self._empty_until) > 10_000:
                        self._empty_until.clear()
                    self._empty_until[bucket] = now + (1 - result.tokens) / rate
                return result
        self.stats.degraded += 1
        policy = self.settings.on_backend_error
        if policy == "closed":
            raise RateLimitUnavailable(f"the rate limit backend ({self.store.name}) is not available")
        if policy == "open":
            return None
        return self.fallback.take_now(bucket, rate=rate, burst=burst, cost=cost, now=now)

    def _failed(self, exc: BackendError) -> None:
        self.stats.backend_errors += 1
        moment = time.monotonic()
        self._backend_down_until = moment + self.retry_backend_s
        if self._failing_since is None:
            self._failing_since = moment
        if moment - self._last_log >= self.log_every_s:
            self._last_log = moment
            logger.error("rate limit backend failed", extra={
                "backend": self.store.name, "error": str(exc), "policy": self.settings.on_backend_error,
                "backend_errors": self.stats.backend_errors})
