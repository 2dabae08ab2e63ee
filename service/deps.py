"""Typed FastAPI dependencies: settings, app state, the loaded engine and the request batcher.

They are `async def` although they never await: FastAPI runs a plain `def` dependency in its threadpool,
which costs a thread hop per dependency per request.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from index.holder import IndexHolder
from service.batching import PipelineBatcher
from service.errors import ApiError, NotReady
from service.pipeline import Engine, RouteResult, TicketInput
from service.settings import Settings
from service.state import AppState


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_app_state(request: Request) -> AppState:
    state: AppState = request.app.state.deskmate
    return state


async def get_engine(state: Annotated[AppState, Depends(get_app_state)]) -> Engine:
    engine = state.engine
    if engine is None:
        raise NotReady(f"service is not ready: {state.not_ready_reason}")
    return engine


SettingsDep = Annotated[Settings, Depends(get_settings)]
StateDep = Annotated[AppState, Depends(get_app_state)]
EngineDep = Annotated[Engine, Depends(get_engine)]


async def get_index(state: StateDep) -> IndexHolder:
    if not state.index.ready:
        raise NotReady(f"retrieval index is not loaded: {state.index_reason}")
    return state.index


async def require_admin(request: Request, settings: SettingsDep) -> None:
    """Admin endpoints need `Authorization: Bearer <DESKMATE_ADMIN_TOKEN>`; disabled while no token is set."""
    if settings.admin_token is None:
        raise ApiError(403, "admin_disabled", "admin endpoints are disabled; set DESKMATE_ADMIN_TOKEN to enable them")
    expected = settings.admin_token.get_secret_value()
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        raise ApiError(401, "unauthorized", "missing or wrong admin bearer token")


IndexDep = Annotated[IndexHolder, Depends(get_index)]
AdminDep = Annotated[None, Depends(require_admin)]


async def get_batcher(request: Request) -> PipelineBatcher | None:
    """The running request batcher, or None when batching is off (or not started, e.g. the models failed)."""
    batcher: PipelineBatcher | None = request.app.state.batcher
    return batcher if batcher is not None and not batcher.closed else None


BatcherDep = Annotated[PipelineBatcher | None, Depends(get_batcher)]


def route_in_thread(batcher: PipelineBatcher | None, engine: Engine, ticket: TicketInput, desk: str) -> RouteResult:
    """Route one ticket from a sync endpoint (a threadpool thread): through the batcher when there is one."""
    if batcher is not None:
        return batcher.route_from_thread(ticket, desk)
    (result,) = engine.route([ticket], desk=desk)
    return result
