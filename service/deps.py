"""Typed FastAPI dependencies: the service state and the components requests need from it.

They are `async def` although they never await: FastAPI runs a plain `def` dependency in its threadpool,
which costs a thread hop per dependency per request.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

import anyio.to_thread
from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from index.holder import IndexHolder
from service.errors import ApiError
from service.pipeline import Engine, Pipeline
from service.ratelimit import enforce_rate_limit
from service.settings import Settings
from service.state import ServiceState, state_of
from service.store.repository import FeedbackStore


async def get_state(request: Request) -> ServiceState:
    return state_of(request.app)


StateDep = Annotated[ServiceState, Depends(get_state)]


async def get_settings(state: StateDep) -> Settings:
    return state.settings


async def get_engine(state: StateDep) -> Engine:
    return state.require_engine()


async def get_pipeline(state: StateDep) -> Pipeline:
    return state.require_pipeline()


async def get_index(state: StateDep) -> IndexHolder:
    return state.require_index()


async def get_store(state: StateDep) -> FeedbackStore:
    return state.require_store()


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
PipelineDep = Annotated[Pipeline, Depends(get_pipeline)]
IndexDep = Annotated[IndexHolder, Depends(get_index)]
StoreDep = Annotated[FeedbackStore, Depends(get_store)]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request acts as, once its key is checked: the key's id (None for the admin token), name, scopes and
    tenant (None: any tenant). Handlers read it with `PrincipalDep`; it is None when auth is disabled."""

    key_id: str | None
    name: str
    scopes: tuple[str, ...]
    tenant: str | None


async def get_principal(request: Request) -> Principal | None:
    principal = request.scope.get("state", {}).get("principal")
    return principal if isinstance(principal, Principal) else None


PrincipalDep = Annotated[Principal | None, Depends(get_principal)]


bearer = HTTPBearer(auto_error=False, description="An API key (`deskmate keys create`), e.g. `dm_…`.")
QUERY_KEYS = frozenset({"api_key", "apikey", "key", "token", "access_token"})


def require_scope(scope: str) -> Callable[..., Awaitable[None]]:
    """A dependency that lets a request through only with a key that holds `scope` (see service/store/keys.py).

    No or unknown key: 401; a key without the scope: 403; a key in the query string: 401 (keys leak from URLs
    into logs); the key's bucket for `scope` empty: 429 (service/ratelimit/). The key's name (never the key)
    goes into the request log line.
    """

    async def check(request: Request, response: Response, state: StateDep,
                    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
        if state.settings.auth.disabled:
            return
        if QUERY_KEYS & {name.lower() for name in request.query_params}:
            raise ApiError(401, "unauthorized", "send the API key in the Authorization header, never in the URL")
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise ApiError(401, "unauthorized", "missing API key: send `Authorization: Bearer <key>`")
        presented = credentials.credentials
        admin = state.settings.admin_token
        if admin is not None and hmac.compare_digest(presented.encode(), admin.get_secret_value().encode()):
            principal = Principal(key_id=None, name="admin-token", scopes=("admin",), tenant=None)
        else:
            checker = state.require_keys()
            hit, key = checker.cached(presented)  # most requests: no thread hop, no store
            if not hit:
                key = await anyio.to_thread.run_sync(checker.check, presented)
            if key is None:
                raise ApiError(401, "unauthorized", "unknown or revoked API key")
            principal = Principal(key_id=key.key_id, name=key.name, scopes=key.scopes, tenant=key.tenant)
        request_state = request.scope.setdefault("state", {})
        request_state["key_name"] = principal.name
        request_state["principal"] = principal
        if scope not in principal.scopes:
            raise ApiError(403, "forbidden", f"this key (name {principal.name!r}) lacks the {scope!r} scope")
        # Token bucket of this key for this scope (service/ratelimit/): 429 with Retry-After when empty.
        await enforce_rate_limit(request, response, state.rate_limiter, principal.key_id, scope)

    return check


RouteScope = Depends(require_scope("route"))
AgentScope = Depends(require_scope("agent"))
IngestScope = Depends(require_scope("ingest"))
AdminScope = Depends(require_scope("admin"))
MetricsScope = Depends(require_scope("metrics"))
