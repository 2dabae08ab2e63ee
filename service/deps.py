"""Typed FastAPI dependencies: settings, app state and the loaded engine."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from index.holder import IndexHolder
from service.errors import ApiError, NotReady
from service.pipeline import Engine
from service.settings import Settings
from service.state import AppState


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_app_state(request: Request) -> AppState:
    state: AppState = request.app.state.deskmate
    return state


def get_engine(state: Annotated[AppState, Depends(get_app_state)]) -> Engine:
    engine = state.engine
    if engine is None:
        raise NotReady(f"service is not ready: {state.not_ready_reason}")
    return engine


SettingsDep = Annotated[Settings, Depends(get_settings)]
StateDep = Annotated[AppState, Depends(get_app_state)]
EngineDep = Annotated[Engine, Depends(get_engine)]


def get_index(state: StateDep) -> IndexHolder:
    if not state.index.ready:
        raise NotReady(f"retrieval index is not loaded: {state.index_reason}")
    return state.index


def require_admin(request: Request, settings: SettingsDep) -> None:
    """Admin endpoints need `Authorization: Bearer <DESKMATE_ADMIN_TOKEN>`; disabled while no token is set."""
    if settings.admin_token is None:
        raise ApiError(403, "admin_disabled", "admin endpoints are disabled; set DESKMATE_ADMIN_TOKEN to enable them")
    expected = settings.admin_token.get_secret_value()
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        raise ApiError(401, "unauthorized", "missing or wrong admin bearer token")


IndexDep = Annotated[IndexHolder, Depends(get_index)]
AdminDep = Annotated[None, Depends(require_admin)]
