"""Rate limits per API key and scope (token buckets), in process memory, Redis or PostgreSQL.

`build_limiter` picks the backend from the settings (service/components.py calls it once, at startup);
`enforce_rate_limit` is the check at the HTTP edge. See docs/security.md#rate-limits.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url

from service.ratelimit.base import BucketStore
from service.ratelimit.edge import charge_more, enforce_rate_limit
from service.ratelimit.limiter import Decision, RateLimiter, RateLimitUnavailable
from service.ratelimit.memory import MemoryBuckets
from service.settings import RateLimitSettings

__all__ = ["Decision", "RateLimitUnavailable", "RateLimiter", "build_limiter", "charge_more", "choose_backend",
           "enforce_rate_limit"]


def choose_backend(settings: RateLimitSettings, *, store_url: str) -> str:
    """memory, redis or postgresql: `backend`, or for auto: redis when a URL is set, else postgresql when the store
    is PostgreSQL (every worker shares it), else memory (per process; the SQLite store is one machine's anyway)."""
    if settings.backend != "auto":
        return settings.backend
    if settings.redis_url is not None:
        return "redis"
    return "postgresql" if make_url(store_url).get_backend_name() == "postgresql" else "memory"


def build_limiter(settings: RateLimitSettings, *, store_url: str, pool_size: int = 8) -> RateLimiter:
    """The limiter with its bucket store, not connected yet (`await limiter.open()`); `pool_size`: most connections
    per process to Redis or PostgreSQL (a check holds one for one round trip)."""
    backend = choose_backend(settings, store_url=store_url)
    timeout_s = settings.backend_timeout_ms / 1000
    store: BucketStore
    if backend == "redis":
        from service.ratelimit.redis_backend import RedisBuckets

        assert settings.redis_url is not None  # RateLimitSettings refuses backend=redis without one
        store = RedisBuckets(settings.redis_url.get_secret_value(), prefix=settings.redis_prefix, timeout_s=timeout_s,
                             pool_size=pool_size)
    elif backend == "postgresql":
        from service.ratelimit.pg_backend import PostgresBuckets

        store = PostgresBuckets(store_url, timeout_s=timeout_s, pool_size=pool_size)
    else:
        store = MemoryBuckets()
    return RateLimiter(settings, store)
