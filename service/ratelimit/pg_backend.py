"""Buckets in the PostgreSQL store's `rate_buckets` table (migration 0004), shared by every worker of the store.

The table is UNLOGGED: a crash empties it, which only refills every bucket, and a check needs no disk flush.
A check is one statement: an upsert that refills the bucket to `now` and takes the tokens if they are there,
computed in SQL (service.ratelimit.base.refill) under the row lock PostgreSQL takes for ON CONFLICT DO UPDATE,
so concurrent workers cannot both take the last token. It runs on psycopg's asyncio connection pool (autocommit,
server-side prepared after a few uses): a check awaits the socket and never blocks the event loop.
"""

from __future__ import annotations

import anyio
import psycopg
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool
from sqlalchemy.engine import make_url

from service.ratelimit.base import BackendError, Take

_REFILLED = "LEAST(%(burst)s, b.tokens + GREATEST(0, %(now)s - b.updated_at) * %(rate)s)"
TAKE_STATEMENT = f"""
INSERT INTO rate_buckets AS b (bucket, tokens, updated_at, allowed)
VALUES (%(bucket)s, %(burst)s - %(cost)s, %(now)s, true)
ON CONFLICT (bucket) DO UPDATE SET
    tokens = {_REFILLED} - CASE WHEN {_REFILLED} >= %(cost)s THEN %(cost)s ELSE 0 END,
    updated_at = GREATEST(b.updated_at, %(now)s),
    allowed = {_REFILLED} >= %(cost)s
RETURNING tokens, allowed
"""


def libpq_url(store_url: str) -> str:
    """The libpq connection URI of a SQLAlchemy PostgreSQL URL (`postgresql+psycopg://…` -> `postgresql://…`)."""
    return make_url(store_url).set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresBuckets:
    name = "postgresql"
    shared = True

    def __init__(self, store_url: str, *, timeout_s: float, pool_size: int = 4) -> None:
        self.timeout_s = timeout_s
        timeout_ms = max(1, round(timeout_s * 1000))

        async def configure(connection: psycopg.AsyncConnection[TupleRow]) -> None:
            await connection.execute(f"SET statement_timeout = {timeout_ms}")
            # A bucket update need not wait for a disk flush (the table is UNLOGGED anyway, migration 0004).
            await connection.execute("SET synchronous_commit = off")

        self._pool: AsyncConnectionPool[psycopg.AsyncConnection[TupleRow]] = AsyncConnectionPool(
            libpq_url(store_url), min_size=1, max_size=pool_size, open=False, timeout=timeout_s,
            kwargs={"autocommit": True}, configure=configure, name="deskmate-rate-limits")

    async def open(self) -> None:
        await self._pool.open(wait=False)  # a database that is down at startup must not stop the service

    async def take(self, bucket: str, *, rate: float, burst: float, cost: float, now: float) -> Take:
        params = {"bucket": bucket, "rate": float(rate), "burst": float(burst), "cost": float(cost),
                  "now": float(now)}
        try:
            with anyio.fail_after(self.timeout_s):
                async with self._pool.connection() as connection:
                    cursor = await connection.execute(TAKE_STATEMENT, params)
                    row = await cursor.fetchone()
        except (psycopg.Error, OSError, TimeoutError) as exc:
            raise BackendError(f"postgresql: {exc.__class__.__name__}: {exc}") from exc
        if row is None:
            raise BackendError("postgresql: the bucket upsert returned no row")
        return Take(bool(row[1]), float(row[0]))

    async def close(self) -> None:
        await self._pool.close()
