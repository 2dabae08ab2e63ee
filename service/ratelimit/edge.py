"""The rate limit at the HTTP edge: one call in `require_scope` (service/deps.py) once the key is known.

Allowed requests get `RateLimit-Limit/Remaining/Reset` (and `X-RateLimit-*`) headers; refused ones a 429
`rate_limited` in the one error shape with `Retry-After` (whole seconds, rounded up). `charge_more` takes more
tokens from the bucket the request was checked against (`/v1/route/batch`: one token per ticket).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request, Response

from service.errors import ApiError
from service.ratelimit.limiter import ADMIN_TOKEN_OWNER, Decision, RateLimiter, RateLimitUnavailable

_STATE_KEY = "rate_limit"


@dataclass(frozen=True, slots=True)
class _Checked:
    limiter: RateLimiter
    owner: str
    scope: str
    response: Response


async def enforce_rate_limit(request: Request, response: Response, limiter: RateLimiter | None,
                             key_id: str | None, scope: str) -> None:
    """Take one token from the bucket of key `key_id` (None: the admin token) for `scope`; 429 when empty."""
    if limiter is None:
        return
    owner = key_id or ADMIN_TOKEN_OWNER
    request.scope.setdefault("state", {})[_STATE_KEY] = _Checked(limiter, owner, scope, response)
    await _take(limiter, owner, scope, 1, response)


async def charge_more(request: Request, tokens: int) -> None:
    """Take `tokens` more from the bucket this request was checked against (nothing when it was not: no limiter,
    auth disabled); 429 when they are not there."""
    checked = request.scope.get("state", {}).get(_STATE_KEY)
    if tokens > 0 and isinstance(checked, _Checked):
        await _take(checked.limiter, checked.owner, checked.scope, tokens, checked.response)


async def _take(limiter: RateLimiter, owner: str, scope: str, cost: int, response: Response) -> None:
    try:
        decision = await limiter.check(owner, scope, cost)
    except RateLimitUnavailable as exc:
        raise ApiError(503, "rate_limit_unavailable", f"{exc}; retry shortly", headers={"Retry-After": "1"}) from exc
    headers = decision.headers()
    if not decision.allowed:
        raise ApiError(429, "rate_limited", _message(limiter, scope, cost, decision), headers=headers)
    response.headers.update(headers)


def _message(limiter: RateLimiter, scope: str, cost: int, decision: Decision) -> str:
    bucket = limiter.settings.bucket(scope)
    what = "a request" if cost == 1 else f"{cost} tokens"
    return (f"rate limit reached for this key in the {scope!r} scope ({bucket.rate:g} requests/s, bursts of "
            f"{bucket.burst}); {what} can go through in {decision.headers()['Retry-After']} s")
