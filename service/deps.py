"""Typed FastAPI dependencies: the service state and the components requests need from it.

They are `async def` although they never await: FastAPI runs a plain `def` dependency in its threadpool,
which costs a thread hop per dependency per request.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from index.holder import IndexHolder
from service.errors import ApiError
from service.pipeline import Engine, Pipeline
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


async def require_admin(request: Request, settings: SettingsDep) -> None:
    """Admin endpoints need `Authorization: Bearer <DESKMATE_ADMIN_TOKEN>`; disabled while no token is set."""
    if settings.admin_token is None:
        raise ApiError(403, "admin_disabled", "admin endpoints are disabled; set DESKMATE_ADMIN_TOKEN to enable them")
    expected = settings.admin_token.get_secret_value()
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        raise ApiError(401, "unauthorized", "missing or wrong admin bearer token")


AdminDep = Annotated[None, Depends(require_admin)]
