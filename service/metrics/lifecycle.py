"""Metrics in the app: made by `install_metrics` in the app factory, fed while the service runs by
`observe_service` (a lifespan task): pipeline and batcher hooks, the gauges' refresh loop, the keyless listener."""

from __future__ import annotations

import logging
from wsgiref.simple_server import WSGIServer

import anyio
import anyio.abc
import anyio.to_thread
from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError

from service.jobs import JobQueue
from service.metrics.collectors import ServiceMetrics
from service.metrics.middleware import HttpMetricsMiddleware
from service.metrics.registry import start_listener
from service.state import ServiceState

logger = logging.getLogger(__name__)


def install_metrics(app: FastAPI, state: ServiceState) -> ServiceMetrics | None:
    """The app's metrics and their request middleware (added last: outermost, so it sees every answer, 413s and
    408s included); None when `metrics.enabled` is false."""
    if not state.settings.metrics.enabled:
        return None
    metrics = ServiceMetrics()
    app.state.metrics = metrics
    app.add_middleware(HttpMetricsMiddleware, metrics=metrics)
    return metrics


def metrics_of(app: object) -> ServiceMetrics | None:
    """The `ServiceMetrics` of an app made by `create_app`, or None when metrics are off."""
    metrics = getattr(getattr(app, "state", None), "metrics", None)
    return metrics if isinstance(metrics, ServiceMetrics) else None


def job_counts(state: ServiceState) -> dict[str, int] | None:
    """Jobs by state from the store's job queue; None without a store or a `jobs` table."""
    store = state.store
    if store is None:
        return None
    try:
        return JobQueue(store.engine).counts()
    except SQLAlchemyError as exc:
        logger.debug("job counts not available", extra={"error": str(exc)})
        return None


def refresh(state: ServiceState, metrics: ServiceMetrics) -> None:
    """Set the gauges from what this worker serves now (a worker thread: the job counts query the store)."""
    engine = state.engine
    model = (engine.model.version, engine.embedder.model_id) if engine is not None else None
    changes = state.changes  # the change-log follower (service/changes/), None when the log is off
    metrics.refresh(index=state.index.stats(), model=model, lag_seconds=changes.lag_seconds() if changes else 0.0,
                    change_seq=changes.applied_seq if changes else None, jobs=job_counts(state))


def hook(state: ServiceState, metrics: ServiceMetrics) -> None:
    """Let the pipeline and the batcher report to `metrics` (their hooks are plain callables, set once)."""
    if state.pipeline is not None:
        state.pipeline.on_answers = metrics.observe_answers
        state.pipeline.on_draft = metrics.observe_draft
    if state.batcher is not None:
        state.batcher.on_batch = metrics.observe_batch


async def observe_service(state: ServiceState, metrics: ServiceMetrics, *,
                          task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
    """Hook the pipeline and batcher, start the listener (`metrics.listen`), then refresh the gauges every
    `metrics.refresh_seconds` until cancelled."""
    settings = state.settings.metrics
    hook(state, metrics)
    listener: WSGIServer | None = None
    if settings.listen is not None:
        listener = await anyio.to_thread.run_sync(start_listener, settings.listen, metrics.registry)
    task_status.started()
    try:
        while True:
            try:
                await anyio.to_thread.run_sync(refresh, state, metrics)
            except Exception:  # a gauge refresh must never stop the service
                logger.exception("metrics refresh failed")
            await anyio.sleep(settings.refresh_seconds)
    finally:
        if listener is not None:
            listener.shutdown()
            listener.server_close()
