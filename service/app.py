"""FastAPI application factory: lifespan loading, middleware, routers, error handlers."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.abc
from fastapi import FastAPI, Request
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from index.dense import set_faiss_threads
from models.embedder import Embedder
from models.errors import DeskmateError
from models.routing_policy import RoutingPolicy
from service.batching import PipelineBatcher
from service.errors import NotReady, error_response, install_error_handlers
from service.pipeline import Engine
from service.reload import ModelReloader, watch_model
from service.routers import feedback, health, model_admin, retrieval, route, suggest
from service.routers.retrieval import active_index_dir
from service.settings import Settings
from service.state import AppState
from service.store.errors import StoreError
from service.store.recorder import RouteRecorder
from service.store.repository import FeedbackStore
from service.suggest import load_suggester

logger = logging.getLogger("deskmate")

DESCRIPTION = """
Deskmate routes help-desk tickets (topic, urgency, queue, priority, SLA) with calibrated confidence and
tells when a human should triage. Every error has one shape:
`{"error": {"code", "message", "details"}, "request_id"}`. Unknown request fields are ignored.
"""


class RequestContextMiddleware:
    """Request id (`x-request-id`, echoed or made up), the Content-Length limit (413), one JSON log line per request.

    Plain ASGI rather than `@app.middleware("http")`: Starlette's BaseHTTPMiddleware runs every request through
    an extra task and memory streams, which took about half of the event loop's time per request under load.
    """

    def __init__(self, app: ASGIApp, *, max_request_bytes: int) -> None:
        self.app = app
        self.max_request_bytes = max_request_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = headers.get("x-request-id") or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["x-request-id"] = request_id
            await send(message)

        length = headers.get("content-length")
        try:
            if length is not None and length.isdigit() and int(length) > self.max_request_bytes:
                response = error_response(
                    Request(scope), 413, "payload_too_large",
                    f"request body is {length} bytes; the limit is {self.max_request_bytes}")
                await response(scope, receive, send_with_id)
            else:
                await self.app(scope, receive, send_with_id)
        finally:
            logger.info("request", extra={"method": scope["method"], "path": scope["path"], "status": status,
                                          "request_id": request_id,
                                          "ms": round((time.perf_counter() - started) * 1000, 2)})


def load_engine(settings: Settings) -> Engine:
    """Build every heavy component once (called by the lifespan, in a worker thread)."""
    policy = RoutingPolicy.from_yaml(settings.routing_rules)
    embedder: Embedder = settings.build_embedder()
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


def open_store(settings: Settings) -> FeedbackStore:
    """The feedback store (migrated at start unless told otherwise). Raises StoreError when unreachable."""
    from models.pii import Redactor

    redactor = Redactor(enabled=settings.pii.enabled, names=settings.pii.names, spacy_model=settings.pii.spacy_model)
    return FeedbackStore.open(settings.resolved_store_url, redactor=redactor,
                              migrate=settings.store.migrate_on_start, pool_size=settings.store.pool_size)


async def start_batcher(tasks: anyio.abc.TaskGroup, settings: Settings, state: AppState) -> PipelineBatcher:
    """Start the request batcher in the lifespan's task group; each batch uses the engine live at the time."""

    def current() -> Engine:
        if state.engine is None:  # requests check readiness first; this guards direct use
            raise NotReady(f"service is not ready: {state.not_ready_reason}")
        return state.engine

    batcher = PipelineBatcher(current, max_batch_size=settings.batching.max_batch_size,
                              max_wait_ms=settings.batching.max_wait_ms, workers=settings.batching.workers)
    await tasks.start(batcher.serve)
    return batcher


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """The app. Pass `engine` to serve pre-built components (tests); otherwise the lifespan loads them."""
    settings = settings or Settings()
    state = AppState()
    reloader = ModelReloader(settings, state)

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
        store: FeedbackStore | None = None
        try:
            store = await anyio.to_thread.run_sync(open_store, settings)
        except (StoreError, DeskmateError) as exc:
            # Loud, and visible in /readyz: routing still works, the feedback endpoints answer 503.
            app.state.store_reason = str(exc)
            logger.error("feedback store not available", extra={"error": str(exc)})
        else:
            app.state.store, app.state.store_reason = store, None
            app.state.recorder = RouteRecorder(store)
            logger.info("store ready", extra={"backend": store.backend})
        if state.engine is not None:
            app.state.suggest = await anyio.to_thread.run_sync(
                load_suggester, settings, store, app.state.store_reason)
        try:
            async with anyio.create_task_group() as tasks:  # hot reload, request batching
                if state.engine is not None and settings.model_reload_seconds > 0:
                    tasks.start_soon(watch_model, reloader, settings.model_reload_seconds)
                if settings.batching.enabled:  # also when loading failed: a model reload can bring an engine
                    app.state.batcher = await start_batcher(tasks, settings, state)
                yield
                tasks.cancel_scope.cancel()
        finally:
            app.state.batcher = None
            if store is not None:
                await anyio.to_thread.run_sync(app.state.recorder.close)
                store.close()

    app = FastAPI(title="Deskmate", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.deskmate = state
    app.state.model_reloader = reloader
    app.state.store = None
    app.state.store_reason = "starting"
    app.state.recorder = None
    app.state.batcher = None
    install_error_handlers(app)

    app.add_middleware(RequestContextMiddleware, max_request_bytes=settings.api.max_request_bytes)

    app.include_router(health.router)
    app.include_router(route.router)
    app.include_router(retrieval.router)
    app.include_router(suggest.router)
    app.include_router(model_admin.router)
    app.include_router(feedback.router)
    return app
