"""Admin: reload the routing model now (the background watcher does the same every few seconds)."""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter
from pydantic import BaseModel, Field

from service.deps import AdminScope, EngineDep, StateDep
from service.errors import KEYED, ApiError, error_responses

router = APIRouter(prefix="/v1/admin/model", tags=["admin"], dependencies=[AdminScope])


class ModelReloadOut(BaseModel):
    changed: bool = Field(description="True when a new model version was loaded and swapped in.")
    previous_version: str | None = Field(description="Model version served before the check.")
    model_version: str | None = Field(description="Model version served now.")
    model_dir: str | None = Field(description="Directory of the model the settings point at.")


@router.post("/reload", response_model=ModelReloadOut, responses=error_responses(*KEYED, 409, notes={
    409: "The promoted model could not be loaded (code model_reload_failed); the old one keeps serving."}),
    summary="Load the promoted routing model now and swap it in without downtime (admin token)")
async def reload_model(_: EngineDep, state: StateDep) -> ModelReloadOut:
    outcome = await anyio.to_thread.run_sync(lambda: state.reloader.check(force=True))
    if outcome.error is not None:
        raise ApiError(409, "model_reload_failed", f"kept model {outcome.version}: {outcome.error}",
                       [{"model_dir": outcome.model_dir, "model_version": outcome.version}])
    return ModelReloadOut(changed=outcome.changed, previous_version=outcome.previous_version,
                          model_version=outcome.version, model_dir=outcome.model_dir)

