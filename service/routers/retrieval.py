"""Similar resolved cases and knowledge articles; live index updates; admin hot swap."""

from __future__ import annotations

from pathlib import Path

import anyio.to_thread
from fastapi import APIRouter

from service import components
from service.deps import AdminScope, EngineDep, IndexDep, IngestScope, RouteScope, SettingsDep, StateDep
from service.errors import ERROR_RESPONSES, ApiError
from service.mapping import case_from_request, similar_out, to_query, to_ticket
from service.pipeline import SimilarJob, SimilarResult
from service.schemas import (
    CaseDeletedOut,
    CasesAddedOut,
    CasesIn,
    IndexSwapIn,
    IndexSwapOut,
    SimilarIn,
    SimilarOut,
)

router = APIRouter(prefix="/v1", tags=["retrieval"])


@router.post("/similar", response_model=SimilarOut, responses=ERROR_RESPONSES, dependencies=[RouteScope],
             summary="Similar resolved cases and knowledge-base passages for a ticket")
async def similar(request: SimilarIn, _: EngineDep, __: IndexDep, settings: SettingsDep,
                  state: StateDep) -> SimilarOut:
    """Through the batcher, the query shares an encode call with concurrent route and suggest requests."""
    result = await state.run(SimilarJob(to_ticket(request, settings), to_query(request, settings)))
    assert isinstance(result, SimilarResult)
    return similar_out(result, request.id)


@router.post("/cases", response_model=CasesAddedOut, responses=ERROR_RESPONSES, dependencies=[IngestScope],
             summary="Add resolved cases to the live index (persisted; no rebuild)")
def add_cases(body: CasesIn, index: IndexDep) -> CasesAddedOut:
    cases = [case_from_request(item) for item in body.cases]  # a case with no text: 422 empty_text
    report = index.add_cases(cases, persist=True)
    return CasesAddedOut(added=report.added, replaced=report.replaced, skipped_duplicates=report.skipped_duplicates,
                         refused_deleted=report.refused_deleted, index_version=report.version)


@router.delete("/cases/{case_id}", response_model=CaseDeletedOut, responses=ERROR_RESPONSES,
               dependencies=[IngestScope],
               summary="Remove a case from the index for good (privacy requests)")
def delete_case(case_id: str, index: IndexDep) -> CaseDeletedOut:
    removed = index.delete_cases([case_id], persist=True)
    if not removed:
        raise ApiError(404, "not_found", f"no case {case_id!r} in the index")
    return CaseDeletedOut(id=case_id, deleted=True, index_version=str(index.version))


@router.post("/admin/index/swap", response_model=IndexSwapOut, responses=ERROR_RESPONSES, dependencies=[AdminScope],
             summary="Atomically replace the live index with a rebuilt directory (admin token)")
async def swap_index(body: IndexSwapIn, state: StateDep, engine: EngineDep,
                     settings: SettingsDep) -> IndexSwapOut:
    path = Path(body.path).expanduser().resolve()
    if not (path / "manifest.json").is_file():
        raise ApiError(422, "invalid_input", f"{path} is not an index directory (no manifest.json)")
    previous = state.index.version
    await anyio.to_thread.run_sync(lambda: state.index.swap(path, embedder=engine.embedder))
    await anyio.to_thread.run_sync(components.remember_active_index, settings, path)
    return IndexSwapOut(previous_version=previous, index_version=str(state.index.version), path=str(path))
