"""Latency a rate-limit check adds to a request, per backend: in-process memory, Redis and PostgreSQL.

Times `await RateLimiter.check(...)` on the event loop, as `require_scope` calls it once per keyed request:
sequential checks spread over many keys (allowed: the bucket operation itself), then checks of one key whose
bucket is empty (refused: for Redis and PostgreSQL the empty bucket is remembered in the process until its next
token is due, so most refusals make no round trip). Reports median and p99 in microseconds.

    python -m bench.rate_limit_latency [--checks 5000] [--redis-url URL | none] [--postgres-url URL | none]
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from typing import Any

import anyio
from pydantic import SecretStr

from bench.common import percentiles, print_table
from service.ratelimit import RateLimiter, build_limiter
from service.settings import BucketSettings, RateLimitSettings
from service.store import db


async def measure(limiter: RateLimiter, *, checks: int, keys: int) -> dict[str, Any]:
    await limiter.open()
    try:
        for i in range(200):  # warm-up: connections, prepared statements, the script cached in Redis
            await limiter.check(f"warm{i % keys}", "route")
        allowed: list[float] = []
        for i in range(checks):
            started = time.perf_counter_ns()
            decision = await limiter.check(f"key{i % keys:04d}", "route")
            allowed.append((time.perf_counter_ns() - started) / 1e6)
            assert decision.allowed
        refused: list[float] = []
        for _ in range(checks):
            started = time.perf_counter_ns()
            decision = await limiter.check("flood", "metrics")
            refused.append((time.perf_counter_ns() - started) / 1e6)
        assert refused and limiter.stats.backend_errors == 0, limiter.stats
    finally:
        await limiter.close()
    a, r = percentiles(allowed), percentiles(refused)
    return {"backend": limiter.backend, "checks": checks, "allowed_p50_us": round(a["p50_ms"] * 1000, 1),
            "allowed_p99_us": round(a["p99_ms"] * 1000, 1), "refused_p50_us": round(r["p50_ms"] * 1000, 1),
            "refused_p99_us": round(r["p99_ms"] * 1000, 1), "round_trips_saved": limiter.stats.limited_locally}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=5000)
    parser.add_argument("--keys", type=int, default=100)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    # Every allowed check must find its token (rate high), and the flood key must stay empty (rate low).
    base: dict[str, Any] = {"route": BucketSettings(rate=1e6, burst=1_000_000),
                            "metrics": BucketSettings(rate=1e-3, burst=1), "backend_timeout_ms": 2000}
    rows = [anyio.run(lambda: measure(build_limiter(RateLimitSettings(**base), store_url="sqlite:///unused.db"),
                                      checks=args.checks, keys=args.keys))]
    if args.redis_url.lower() != "none":
        settings = RateLimitSettings(**base, redis_url=SecretStr(args.redis_url),
                                     redis_prefix=f"dm-bench-{uuid.uuid4().hex[:8]}:")
        rows.append(anyio.run(lambda: measure(build_limiter(settings, store_url="sqlite:///unused.db"),
                                              checks=args.checks, keys=args.keys)))
    if args.postgres_url.lower() != "none":
        with db.scratch_schema(args.postgres_url, prefix="dm_bench", migrate=True) as url:
            limiter = build_limiter(RateLimitSettings(**base, backend="postgresql"), store_url=url)
            rows.append(anyio.run(lambda: measure(limiter, checks=args.checks, keys=args.keys)))
    print_table("Rate-limit check latency (µs, on the event loop)", rows, list(rows[0]))
    print(json.dumps(rows))  # noqa: T201


if __name__ == "__main__":
    main()
