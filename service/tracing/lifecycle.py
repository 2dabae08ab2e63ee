"""Tracing in the app: `install_tracing` (the app factory) makes the `Tracing` and its request middleware and hooks
the request paths to it; `tracing_started` (the lifespan) starts it and shuts it down."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import anyio.to_thread
from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from service.state import ServiceState
from service.tracing.tracer import Tracing

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter


class TracingMiddleware:
    """Each HTTP request in a server span (`OtelTracing.serve`) once tracing has started; plain ASGI, as the
    other middleware."""

    def __init__(self, app: ASGIApp, *, tracing: Tracing) -> None:
        self.app = app
        self.tracing = tracing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        live = self.tracing.live
        if live is None or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await live.serve(self.app, scope, receive, send)


def install_tracing(app: FastAPI, state: ServiceState, *, exporter: SpanExporter | None = None) -> Tracing | None:
    """The app's tracing, its middleware and the request paths' hook; None (and nothing added) when
    `tracing.enabled` is false. Nothing of OpenTelemetry is imported here: `Tracing.start` does that."""
    if not state.settings.tracing.enabled:
        return None
    tracing = Tracing(state.settings.tracing, exporter=exporter)
    app.state.tracing = tracing
    app.add_middleware(TracingMiddleware, tracing=tracing)
    state.on_trace = tracing.record
    return tracing


def tracing_of(app: object) -> Tracing | None:
    """The `Tracing` of an app made by `create_app`, or None when tracing is off."""
    tracing = getattr(getattr(app, "state", None), "tracing", None)
    return tracing if isinstance(tracing, Tracing) else None


@asynccontextmanager
async def tracing_started(tracing: Tracing | None) -> AsyncIterator[None]:
    """Tracing started for the app's life (a clear error at start-up when the extra is missing), then flushed."""
    if tracing is None:
        yield
        return
    tracing.start()
    try:
        yield
    finally:
        await anyio.to_thread.run_sync(tracing.shutdown)
