"""FastAPI application factory: lifespan loading, middleware, routers, error handlers."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI, Request, Response

from index.store import set_faiss_threads
from models.embedder import make_embedder
from models.errors import DeskmateError
from models.routing import RoutingPolicy
from service.errors import error_response, install_error_handlers
from service.pipeline import Engine
from service.routers import health, retrieval, route, suggest
from service.routers.retrieval import active_index_dir
from service.settings import Settings
from service.state import AppState
from service.suggest import load_suggester

logger = logging.getLogger("deskmate")

DESCRIPTION = """
Deskmate routes help-desk tickets (topic, urgency, queue, priority, SLA) with calibrated confidence and
tells when a human should triage. Every error has one shape:
`{"error": {"code", "message", "details"}, "request_id"}`. Unknown request fields are ignored.
"""


def load_engine(settings: Settings) -> Engine:
    """Build every heavy component once (called by the lifespan, in a worker thread)."""
    policy = RoutingPolicy.from_yaml(settings.routing_rules)
    embedder = make_embedder(settings.embedder.backend, settings.embedder.model, device=settings.embedder.device,
                             max_seq_length=settings.embedder.max_seq_length,
                             num_threads=settings.embedder.num_threads)
    return Engine.load(embedder=embedder, model_dir=settings.resolved_model_dir, policy=policy,
                       batch_size=settings.embedder.batch_size)


def open_index(settings: Settings, state: AppState) -> None:
    """Open the retrieval index if there is one; routing works without it (retrieval answers 503)."""
    assert state.engine is not None
    set_faiss_threads(settings.retrieval.faiss_threads)
    directory = active_index_dir(settings)
    try:
        state.index.swap(directory, embedder=state.engine.embedder)
    except DeskmateError as exc:
        state.index_reason = str(exc)
        logger.warning("retrieval index not loaded", extra={"path": str(directory), "error": str(exc)})
    else:
        state.index_reason = None
        logger.info("index ready", extra={"path": str(directory), "index_version": state.index.version})


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """The app. Pass `engine` to serve pre-built components (tests); otherwise the lifespan loads them."""
    settings = settings or Settings()
    state = AppState()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if engine is not None:
            state.set_engine(engine)
        else:
            started = time.perf_counter()
            try:
                loaded = await anyio.to_thread.run_sync(load_engine, settings)
            except DeskmateError as exc:
                logger.error("not ready: could not load models", extra={"error": str(exc)})
                state.set_not_ready(str(exc))
            else:
                state.set_engine(loaded)
                logger.info("ready", extra={"model_version": loaded.model.version,
                                            "embedder": loaded.embedder.model_id,
                                            "load_seconds": round(time.perf_counter() - started, 2)})
        if state.engine is not None and not state.index.ready:
            await anyio.to_thread.run_sync(open_index, settings, state)
        if state.engine is not None:
            app.state.suggest = await anyio.to_thread.run_sync(load_suggester, settings)
        yield

    app = FastAPI(title="Deskmate", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.deskmate = state
    install_error_handlers(app)

    @app.middleware("http")
    async def request_context(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        request.state.request_id = request_id
        started = time.perf_counter()
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > settings.api.max_request_bytes:
            response: Response = error_response(
                request, 413, "payload_too_large",
                f"request body is {length} bytes; the limit is {settings.api.max_request_bytes}")
        else:
            response = await call_next(request)
        response.headers["x-request-id"] = request_id
        logger.info("request", extra={"method": request.method, "path": request.url.path,
                                      "status": response.status_code, "request_id": request_id,
                                      "ms": round((time.perf_counter() - started) * 1000, 2)})
        return response

    app.include_router(health.router)
    app.include_router(route.router)
    app.include_router(retrieval.router)
    app.include_router(suggest.router)
    return app
