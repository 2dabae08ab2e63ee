"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from service.deps import StateDep
from service.schemas import HealthOut, ReadyOut

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut, summary="Liveness: the process answers")
async def healthz() -> HealthOut:
    return HealthOut(status="ok")


@router.get("/readyz", response_model=ReadyOut, summary="Readiness: models loaded, with their versions",
            responses={503: {"model": ReadyOut, "description": "not ready (reason given)"}})
async def readyz(state: StateDep) -> ReadyOut | JSONResponse:
    readiness, engine, store = state.readiness(), state.engine, state.store
    if engine is None:
        body = ReadyOut(ready=False, reason=readiness.reason, index_ready=state.index.ready,  # each part's state
                        index_version=state.index.version, index_reason=readiness.index_reason,
                        store_ready=store is not None, store_backend=store.backend if store is not None else None,
                        store_reason=readiness.store_reason, drafter_reason=readiness.drafter_reason)
        return JSONResponse(status_code=503, content=body.model_dump(mode="json"))
    return ReadyOut(ready=True, model_version=engine.model.version, embedder=engine.embedder.model_id,
                    embedder_dim=engine.embedder.dim, topics=list(engine.model.topic.labels),
                    index_ready=state.index.ready, index_version=state.index.version,
                    index_reason=readiness.index_reason, store_ready=store is not None,
                    store_backend=store.backend if store is not None else None, store_reason=readiness.store_reason,
                    drafter_reason=readiness.drafter_reason)
