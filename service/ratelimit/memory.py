"""Buckets in this process's memory: the default with SQLite, and the fallback when a shared backend fails.

`take_now` is plain synchronous code, called on the event loop: no thread hop, no lock (one event loop per app).
"""

from __future__ import annotations

from service.ratelimit.base import Take, refill, take


class MemoryBuckets:
    name = "memory"
    shared = False

    def __init__(self, *, max_buckets: int = 100_000) -> None:
        self.max_buckets = max_buckets
        # bucket -> (tokens, updated_at, when it is full again)
        self._buckets: dict[str, tuple[float, float, float]] = {}

    async def open(self) -> None:
        return None

    def take_now(self, bucket: str, *, rate: float, burst: float, cost: float, now: float) -> Take:
        state = self._buckets.get(bucket)
        if state is None:
            if len(self._buckets) >= self.max_buckets:
                self._forget_full(now)
            tokens, updated_at = burst, now
        else:
            tokens, updated_at, _ = state
        result = take(refill(tokens, updated_at, rate=rate, burst=burst, now=now), cost=cost)
        at = max(updated_at, now)
        self._buckets[bucket] = (result.tokens, at, at + (burst - result.tokens) / rate)
        return result

    async def take(self, bucket: str, *, rate: float, burst: float, cost: float, now: float) -> Take:
        return self.take_now(bucket, rate=rate, burst=burst, cost=cost, now=now)

    async def close(self) -> None:
        self._buckets.clear()

    def __len__(self) -> int:
        return len(self._buckets)

    def _forget_full(self, now: float) -> None:
        """Bounded memory: drop the buckets that have refilled (a missing bucket is a full one); if none has,
        start over (more buckets than keys x scopes means something is wrong, and memory must not grow)."""
        for bucket in [b for b, (_, _, full_at) in self._buckets.items() if full_at <= now]:
            del self._buckets[bucket]
        if len(self._buckets) >= self.max_buckets:
            self._buckets.clear()
