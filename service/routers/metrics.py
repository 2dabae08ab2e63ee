"""GET /metrics: the Prometheus text format, behind a key with the `metrics` scope."""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Request, Response

from service.deps import MetricsScope, StateDep
from service.errors import KEYED, ApiError, error_responses
from service.metrics.lifecycle import metrics_of, refresh
from service.metrics.registry import CONTENT_TYPE, render

router = APIRouter(tags=["metrics"])


@router.get("/metrics", summary="Prometheus metrics (all workers summed in multi-process mode)",
            dependencies=[MetricsScope], response_class=Response,
            responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format 0.0.4"},
                       **error_responses(*KEYED, 404, notes={404: "metrics are switched off"})})
async def metrics(request: Request, state: StateDep) -> Response:
    collected = metrics_of(request.app)
    if collected is None:
        raise ApiError(404, "not_found", "metrics are switched off (DESKMATE_METRICS__ENABLED=false)")

    def scrape() -> bytes:  # this worker's gauges fresh, then everything (file reads in multi-process mode)
        refresh(state, collected)
        return render(collected.registry)

    return Response(await anyio.to_thread.run_sync(scrape), media_type=CONTENT_TYPE)
