"""Similar resolved cases and knowledge articles; live index updates; admin hot swap."""

from __future__ import annotations

import json
import time
from pathlib import Path

from fastapi import APIRouter

from index.documents import Case
from index.results import SearchFilters
from models.text import ticket_text
from service.deps import AdminDep, BatcherDep, EngineDep, IndexDep, SettingsDep, StateDep
from service.errors import ERROR_RESPONSES, ApiError
from service.routers.route import to_input
from service.schemas import (
    ArticleHitOut,
    CaseDeletedOut,
    CaseHitOut,
    CasesAddedOut,
    CasesIn,
    IndexSwapIn,
    IndexSwapOut,
    SearchFiltersIn,
    SimilarIn,
    SimilarOut,
)
from service.settings import Settings

router = APIRouter(prefix="/v1", tags=["retrieval"])

ACTIVE_INDEX_FILE = "active-index.json"


def to_filters(filters: SearchFiltersIn) -> SearchFilters:
    def one(value: str | list[str] | None) -> str | tuple[str, ...] | None:
        return tuple(value) if isinstance(value, list) else value

    return SearchFilters(language=one(filters.language), topic=one(filters.topic), channel=one(filters.channel),
                         tenant=one(filters.tenant))


def active_index_dir(settings: Settings) -> Path:
    """The index directory to open at startup: the last one swapped in, else the configured one."""
    pointer = settings.data_dir / ACTIVE_INDEX_FILE
    if pointer.is_file():
        path = Path(json.loads(pointer.read_text())["path"])
        if path.is_dir():
            return path
    return settings.resolved_index_dir


@router.post("/similar", response_model=SimilarOut, responses=ERROR_RESPONSES,
             summary="Similar resolved cases and knowledge-base passages for a ticket")
def similar(request: SimilarIn, engine: EngineDep, index: IndexDep, settings: SettingsDep,
            batcher: BatcherDep) -> SimilarOut:
    ticket = to_input(request, settings)
    start = time.perf_counter()
    text = ticket_text(ticket.subject, ticket.body)
    if not text:
        raise ApiError(422, "empty_text", "subject and body are empty after removing HTML")
    # Through the batcher, the query shares an encode call with concurrent route and suggest requests.
    vector = engine.embedder.encode([text]) if batcher is None else batcher.embed_from_thread(text)
    embedded = time.perf_counter()
    results = index.search(
        text, query_vector=vector,
        k_cases=settings.retrieval.k_cases if request.k_cases is None else request.k_cases,
        k_articles=settings.retrieval.k_articles if request.k_articles is None else request.k_articles,
        filters=to_filters(request.filters), mode=request.mode or settings.retrieval.mode,
    )
    done = time.perf_counter()
    return SimilarOut(
        id=request.id,
        cases=[CaseHitOut(id=h.id, score=round(h.score, 5), snippet=h.snippet, resolution_excerpt=h.resolution_excerpt,
                          topic=h.topic, urgency=h.urgency, language=h.language, channel=h.channel, tenant=h.tenant,
                          resolved_at=h.resolved_at,
                          dense_score=None if h.dense_score is None else round(h.dense_score, 5))
               for h in results.cases],
        articles=[ArticleHitOut(id=a.id, title=a.title, url=a.url, passage=a.passage, position=a.position,
                                heading=a.heading, score=round(a.score, 5), language=a.language, topic=a.topic)
                  for a in results.articles],
        mode=results.mode, index_version=results.index_version,
        timings={"embed_ms": round((embedded - start) * 1000, 3), "search_ms": round((done - embedded) * 1000, 3),
                 "total_ms": round((done - start) * 1000, 3)},
    )


@router.post("/cases", response_model=CasesAddedOut, responses=ERROR_RESPONSES,
             summary="Add resolved cases to the live index (persisted; no rebuild)")
def add_cases(body: CasesIn, index: IndexDep) -> CasesAddedOut:
    cases = []
    for i, item in enumerate(body.cases):
        text = ticket_text(item.subject, item.body)
        if not text:
            raise ApiError(422, "empty_text", f"cases[{i}]: subject and body are empty")
        cases.append(Case(id=item.id, text=text, resolution=item.resolution, topic=item.topic, urgency=item.urgency,
                          language=item.language, channel=item.channel, tenant=item.tenant,
                          resolved_at=item.resolved_at, metadata=item.metadata))
    report = index.add_cases(cases, persist=True)
    return CasesAddedOut(added=report.added, replaced=report.replaced, skipped_duplicates=report.skipped_duplicates,
                         refused_deleted=report.refused_deleted, index_version=report.version)


@router.delete("/cases/{case_id}", response_model=CaseDeletedOut, responses=ERROR_RESPONSES,
               summary="Remove a case from the index for good (privacy requests)")
def delete_case(case_id: str, index: IndexDep) -> CaseDeletedOut:
    removed = index.delete_cases([case_id], persist=True)
    if not removed:
        raise ApiError(404, "not_found", f"no case {case_id!r} in the index")
    return CaseDeletedOut(id=case_id, deleted=True, index_version=str(index.version))


@router.post("/admin/index/swap", response_model=IndexSwapOut, responses=ERROR_RESPONSES,
             summary="Atomically replace the live index with a rebuilt directory (admin token)")
def swap_index(body: IndexSwapIn, _: AdminDep, state: StateDep, engine: EngineDep,
               settings: SettingsDep) -> IndexSwapOut:
    path = Path(body.path).expanduser().resolve()
    if not (path / "manifest.json").is_file():
        raise ApiError(422, "invalid_input", f"{path} is not an index directory (no manifest.json)")
    previous = state.index.version
    state.index.swap(path, embedder=engine.embedder)
    state.index_reason = None
    pointer = settings.data_dir / ACTIVE_INDEX_FILE
    pointer.parent.mkdir(parents=True, exist_ok=True)
    tmp = pointer.with_suffix(".tmp")
    tmp.write_text(json.dumps({"path": str(path)}))
    tmp.replace(pointer)
    return IndexSwapOut(previous_version=previous, index_version=str(state.index.version), path=str(path))
