"""Typed FastAPI dependencies: settings, app state and the loaded engine."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from service.errors import NotReady
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
