"""FastAPI application factory: lifespan loading, middleware, routers, error handlers."""

from __future__ import annotations

import contextlib
import inspect
import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio
import anyio.abc
from fastapi import FastAPI, Request
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.errors import DeskmateError
from service import components
from service.batching import PipelineBatcher
from service.changes.runtime import follow_service
from service.desks.config import load_desks
from service.docs import TAGS, install_docs
from service.errors import error_response, install_error_handlers
from service.jobs.inprocess import WorkerThread, start_in_process_worker
from service.metrics.lifecycle import install_metrics, metrics_of, observe_service
from service.pipeline import Engine
from service.reload import watch_model
from service.routers import app_pages, feedback, health, model_admin, privacy, retrieval, route, suggest, suggestions
from service.routers import app_quality as quality_pages
from service.routers import desks as desk_events
from service.routers import metrics as metrics_api
from service.settings import Settings
from service.state import ServiceState
from service.store.erasure import ServiceLock
from service.store.errors import StoreError
from service.store.keys import KeyChecker
from service.store.recorder import RouteRecorder
from service.tracing.lifecycle import install_tracing, tracing_of, tracing_started

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

logger = logging.getLogger("deskmate")

DESCRIPTION = """
Deskmate routes help-desk tickets (topic, urgency, queue, priority, SLA) with calibrated confidence and
tells when a human should triage. Every error has one shape:
`{"error": {"code", "message", "details"}, "request_id"}`. Unknown request fields are ignored.
"""


class BodyTooLarge(Exception):
    """The request body passed the limit while it was being received."""


class BodyTimeout(Exception):
    """The client did not send the whole request body in time."""


class RequestContextMiddleware:
    """Request id (`x-request-id`, echoed or made up), the body's limits, one JSON log line per request.

    Size (413): the limit holds for bodies sent without Content-Length too (chunked): the bytes actually received
    are counted, and once they pass the limit the app's reading stops and the answer is a 413.

    Time (408): the whole body must arrive within `body_timeout` seconds of the request's start; a client that
    trickles it or stops sending gets 408 with `connection: close`, so the server frees the connection. Once the
    body is complete, `receive` is passed through untimed (a streaming answer waits on it for a disconnect).

    Plain ASGI rather than `@app.middleware("http")`: Starlette's BaseHTTPMiddleware runs every request through
    an extra task and memory streams, which took about half of the event loop's time per request under load.
    """

    def __init__(self, app: ASGIApp, *, max_request_bytes: int, body_timeout: float = 0.0) -> None:
        self.app = app
        self.max_request_bytes = max_request_bytes
        self.body_timeout = body_timeout  # seconds; 0 = no limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = headers.get("x-request-id") or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        deadline = anyio.current_time() + self.body_timeout if self.body_timeout > 0 else None
        status = 500
        received = 0
        body_done = False
        refused: tuple[int, str, str] | None = None  # the answer that replaces the app's: status, code, message
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if refused is not None:  # the app's answer to a cut-off body is replaced by the 413/408 below
                return
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                MutableHeaders(scope=message)["x-request-id"] = request_id
            await send(message)

        async def limited_receive() -> Message:
            nonlocal received, body_done, refused
            if body_done or deadline is None:
                message = await receive()
            else:
                try:
                    with anyio.fail_after(max(0.0, deadline - anyio.current_time())):
                        message = await receive()
                except TimeoutError:
                    refused = (408, "request_timeout", f"the request body did not arrive within {self.body_timeout:g}"
                               f" s (received {received} bytes); send it at once")
                    raise BodyTimeout from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                body_done = not message.get("more_body", False)
                if received > self.max_request_bytes:
                    refused = (413, "payload_too_large",
                               f"request body is over {received} bytes; the limit is {self.max_request_bytes}")
                    raise BodyTooLarge
            return message

        length = headers.get("content-length")
        try:
            if length is not None and length.isdigit() and int(length) > self.max_request_bytes:
                refused = (413, "payload_too_large",
                           f"request body is {length} bytes; the limit is {self.max_request_bytes}")
            else:
                with contextlib.suppress(BodyTooLarge, BodyTimeout):
                    await self.app(scope, limited_receive, send_with_id)
            if refused is not None and not response_started:
                code, error, message = refused
                refused = None  # let the refusal itself through
                # 408 closes the connection: the rest of the body may still come, or never
                extra = {"connection": "close"} if code == 408 else None
                response = error_response(Request(scope), code, error, message, headers=extra)
                await response(scope, receive, send_with_id)
        finally:
            logger.info("request", extra={"method": scope["method"], "path": scope["path"], "status": status,
                                          "request_id": request_id, "key": scope["state"].get("key_name"),
                                          "ms": round((time.perf_counter() - started) * 1000, 2)})


async def load_components(state: ServiceState, engine: Engine | None) -> None:
    """Engine, index, store and pipeline, each in a worker thread; a part that fails leaves its reason."""
    settings = state.settings
    if engine is not None:
        state.set_engine(engine)
    else:
        started = time.perf_counter()
        try:
            loaded = await anyio.to_thread.run_sync(components.load_engine, settings)
        except DeskmateError as exc:
            logger.error("not ready: could not load models", extra={"error": str(exc)})
            state.set_not_ready(str(exc))
        else:
            state.set_engine(loaded)
            logger.info("ready", extra={"model_version": loaded.model.version, "embedder": loaded.embedder.model_id,
                                        "load_seconds": round(time.perf_counter() - started, 2)})
    if state.engine is not None and not state.index.ready:
        await anyio.to_thread.run_sync(components.open_index, settings, state.index, state.engine.embedder)
    elif not state.index.ready:  # the model failed: the index needs only the embedder, loaded on its own
        await anyio.to_thread.run_sync(components.open_index_alone, settings, state.index)
    try:
        # The redactor and id guard first: without them nothing may be stored or indexed (503 with the reason).
        state.privacy = privacy = await anyio.to_thread.run_sync(components.build_privacy, settings)
        state.store = await anyio.to_thread.run_sync(lambda: components.open_store(settings, privacy=privacy))
    except (StoreError, DeskmateError) as exc:
        # Loud, and visible in /readyz: routing still works, the feedback endpoints answer 503.
        state.store_reason = str(exc)
        logger.error("feedback store not available", extra={"error": str(exc)})
    else:
        state.store_reason = None
        state.recorder = RouteRecorder(state.store)
        state.keys = KeyChecker(state.store, cache_seconds=settings.auth.cache_seconds)
        logger.info("store ready", extra={"backend": state.store.backend})
    # After the store: with PostgreSQL the buckets live in its (migrated) rate_buckets table.
    state.rate_limiter = components.build_rate_limiter(settings)
    if state.rate_limiter is not None:
        await state.rate_limiter.open()
        logger.info("rate limits on", extra={"backend": state.rate_limiter.backend})
    # Also without an engine: a model reload can bring one later, and the pipeline does not depend on it.
    shared = tuple(state.engine.model.aux_embedders) if state.engine is not None else ()  # the USE block, loaded once
    state.pipeline = await anyio.to_thread.run_sync(lambda: components.build_pipeline(
        settings, index=state.index, suggestions=state.store, suggestions_reason=state.store_reason,
        routes=state.recorder, embedders=shared))


async def close_components(state: ServiceState) -> None:
    if state.rate_limiter is not None:
        await state.rate_limiter.close()
    if state.recorder is not None:
        await anyio.to_thread.run_sync(state.recorder.close)
    if state.store is not None:
        state.store.close()


# FastAPI's own OpenTelemetry (0.165+) traces every request as soon as a global tracer provider exists, with the raw
# path and query string as attributes and exceptions' messages as logs: not reviewed for personal data, so it stays
# off; Deskmate's spans (service/tracing/) say only what service/tracing/attributes.py allows.
FASTAPI_TELEMETRY_OFF: dict[str, Any] = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False,
                                         "auto_configure": False}


def fastapi_options() -> dict[str, Any]:
    return {"telemetry": FASTAPI_TELEMETRY_OFF} if "telemetry" in inspect.signature(FastAPI).parameters else {}


def create_app(settings: Settings | None = None, *, engine: Engine | None = None,
               span_exporter: SpanExporter | None = None) -> FastAPI:
    """The app. Pass `engine` to serve pre-built routing models (tests); otherwise the lifespan loads them. With
    tracing on, `span_exporter` receives the spans instead of the configured exporter (tests)."""
    settings = settings or Settings()
    state = ServiceState(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Tracing first (a missing extra stops start-up before any model loads) and shut down last: service/tracing/
        async with tracing_started(tracing_of(app)), serving(app):
            yield

    @asynccontextmanager
    async def serving(app: FastAPI) -> AsyncIterator[None]:
        # Held (shared) while the service runs: `deskmate erase` then refuses to edit the index this process holds.
        running = ServiceLock(settings.data_dir)
        if not running.acquire(exclusive=False):
            logger.warning("`deskmate erase` is running on this data directory; the index may change under it")
        await load_components(state, engine)
        # Index changes through the store's change log: replayed now, then followed (service/changes/).
        follow = await follow_service(state) if settings.changes.enabled else None
        job_worker: WorkerThread | None = None
        try:
            # Durable jobs (desk events) in a thread of this process when jobs.in_process: service/jobs/inprocess.py
            job_worker = await anyio.to_thread.run_sync(start_in_process_worker, state)
            async with anyio.create_task_group() as tasks:  # hot reload, request batching
                if state.engine is not None and settings.model_reload_seconds > 0:
                    tasks.start_soon(watch_model, state.reloader, settings.model_reload_seconds)
                if settings.batching.enabled:  # also when loading failed: a model reload can bring an engine
                    state.batcher = PipelineBatcher(state.run_batch, max_batch_size=settings.batching.max_batch_size,
                                                    max_wait_ms=settings.batching.max_wait_ms,
                                                    workers=settings.batching.workers)
                    await tasks.start(state.batcher.serve)
                if (metrics := metrics_of(app)) is not None:  # pipeline and batcher hooks, gauges (service/metrics/)
                    await tasks.start(observe_service, state, metrics)
                yield
                tasks.cancel_scope.cancel()
        finally:
            state.batcher = None
            if follow is not None:
                await anyio.to_thread.run_sync(follow.stop)
            if job_worker is not None:
                await anyio.to_thread.run_sync(job_worker.stop)
            await close_components(state)
            running.release()

    # Docs pages come from service/docs.py (packaged assets, no CDN), not FastAPI's defaults.
    app = FastAPI(title="Deskmate", version="0.1.0", description=DESCRIPTION, lifespan=lifespan, docs_url=None,
                  redoc_url=None, openapi_url="/openapi.json" if settings.api.docs else None, openapi_tags=TAGS,
                  **fastapi_options())
    app.state.deskmate = state
    app.state.desks = load_desks(settings.desks.config_dir)  # validated now: a bad desk file stops startup
    install_error_handlers(app)
    install_docs(app)

    app.add_middleware(RequestContextMiddleware, max_request_bytes=settings.api.max_request_bytes,
                       body_timeout=settings.api.body_timeout_seconds)
    install_tracing(app, state, exporter=span_exporter)  # a server span around each request, 413s and 408s included
    install_metrics(app, state)  # its middleware added last: outermost, it sees every answer

    app.include_router(health.router)
    app.include_router(route.router)
    app.include_router(retrieval.router)
    app.include_router(suggest.router)
    app.include_router(model_admin.router)
    app.include_router(feedback.router)
    app.include_router(suggestions.router)
    app.include_router(app_pages.router)
    app.include_router(quality_pages.api)
    app.include_router(quality_pages.pages)
    app.include_router(privacy.router)
    app.include_router(desk_events.router)
    app.include_router(metrics_api.router)
    return app
