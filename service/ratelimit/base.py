"""Token buckets: the arithmetic every backend applies, the protocol backends share, and their error.

A bucket holds up to `burst` tokens and gains `rate` tokens per second; a check that finds `cost` tokens takes
them (allowed), one that does not takes nothing (denied). A bucket never seen is full. The Redis script and the
PostgreSQL statement compute the same `refill` in the server, so a check is one atomic round trip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Take:
    """The answer of one check: whether it took its tokens, and the tokens left after it."""

    allowed: bool
    tokens: float


class BackendError(Exception):
    """A shared bucket backend failed (down, slow, refused the statement)."""


def refill(tokens: float, updated_at: float, *, rate: float, burst: float, now: float) -> float:
    """Tokens in a bucket at `now`. Time that runs backwards (another host's clock ahead) adds nothing."""
    return min(burst, tokens + max(0.0, now - updated_at) * rate)


def take(tokens: float, *, cost: float) -> Take:
    """Take `cost` tokens from a refilled bucket if they are there."""
    return Take(True, tokens - cost) if tokens >= cost else Take(False, tokens)


class BucketStore(Protocol):
    """Where buckets live. `shared`: every worker process (and host) sees the same buckets."""

    name: str
    shared: bool

    async def open(self) -> None: ...

    async def take(self, bucket: str, *, rate: float, burst: float, cost: float, now: float) -> Take:
        """Refill `bucket` to `now` and take `cost` tokens if there; atomic. Raises BackendError."""
        ...

    async def close(self) -> None: ...
