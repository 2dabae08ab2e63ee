"""Buckets in Redis, shared by every worker that points at the same server (DESKMATE_RATE_LIMIT__REDIS_URL).

One bucket is one hash (`t` tokens, `ts` updated at) changed by one Lua script: Redis runs a script atomically,
so concurrent workers cannot both take the last token. The hash expires once the bucket would be full again
(a missing bucket is a full one), so idle keys leave nothing behind. The client is redis-py's asyncio client:
a check awaits the socket and never blocks the event loop. No retries: a failed check is the limiter's to
handle (service/ratelimit/limiter.py), within `timeout_s`.
"""

from __future__ import annotations

import anyio
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from service.ratelimit.base import BackendError, Take

# KEYS[1] bucket; ARGV rate, burst, cost, now. Returns {allowed (0/1), tokens left as a string}. The refill is
# service.ratelimit.base.refill; %.17g keeps a float exactly.
TAKE_SCRIPT = """
local rate, burst, cost, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens, updated = tonumber(state[1]), tonumber(state[2])
if tokens == nil or updated == nil then tokens, updated = burst, now end
tokens = math.min(burst, tokens + math.max(0, now - updated) * rate)
local allowed = 0
if tokens >= cost then tokens = tokens - cost; allowed = 1 end
redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'ts', string.format('%.17g', math.max(updated, now)))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return {allowed, string.format('%.17g', tokens)}
"""


class RedisBuckets:
    name = "redis"
    shared = True

    def __init__(self, url: str, *, prefix: str, timeout_s: float, pool_size: int = 8) -> None:
        self.prefix = prefix
        self.timeout_s = timeout_s
        # At most `pool_size` connections per process; a check waits for a free one (within the timeout).
        pool = BlockingConnectionPool.from_url(url, max_connections=pool_size, timeout=timeout_s,
                                               socket_timeout=timeout_s, socket_connect_timeout=timeout_s)
        self._client = Redis(connection_pool=pool, retry=Retry(NoBackoff(), 0))
        self._script = self._client.register_script(TAKE_SCRIPT)

    async def open(self) -> None:
        return None  # connects on the first check: a Redis that is down at startup must not stop the service

    async def take(self, bucket: str, *, rate: float, burst: float, cost: float, now: float) -> Take:
        try:
            with anyio.fail_after(self.timeout_s):
                allowed, tokens = await self._script(keys=[self.prefix + bucket],
                                                     args=[repr(rate), repr(burst), repr(cost), repr(now)])
        except (RedisError, OSError, TimeoutError) as exc:
            raise BackendError(f"redis: {exc.__class__.__name__}: {exc}") from exc
        return Take(bool(int(allowed)), float(tokens))

    async def close(self) -> None:
        await self._client.aclose(close_connection_pool=True)
