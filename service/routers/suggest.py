"""POST /v1/suggest and /v1/suggest/stream: route, retrieve and draft a reply in one call."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from models.drafting.types import Source
from service.batching import PipelineBatcher
from service.deps import BatcherDep, EngineDep, SettingsDep, StateDep, route_in_thread
from service.errors import ERROR_RESPONSES, NotReady
from service.pipeline import Engine
from service.routers.retrieval import to_filters
from service.routers.route import _desk, to_input, to_out
from service.schemas import ArticleHitOut, CaseHitOut
from service.schemas_suggest import CitationOut, DraftOut, SentenceOut, SuggestIn, SuggestOut
from service.settings import Settings
from service.state import AppState
from service.suggest import Suggester, SuggestInput, Suggestion

router = APIRouter(prefix="/v1", tags=["suggest"])


async def get_suggester(request: Request) -> Suggester:
    suggester: Suggester | None = getattr(request.app.state, "suggest", None)
    if suggester is None:
        raise NotReady("the suggestion pipeline is not loaded")
    return suggester


SuggesterDep = Annotated[Suggester, Depends(get_suggester)]


def _input(body: SuggestIn, engine: Any, settings: Settings) -> SuggestInput:
    return SuggestInput(
        ticket=to_input(body, settings), desk=_desk(engine, body.desk, settings), customer_name=body.customer.name,
        history=tuple(Source(id=h.id, kind="history", text=h.summary or "") for h in body.history),
        k_cases=settings.retrieval.k_cases if body.k_cases is None else body.k_cases,
        k_articles=settings.retrieval.k_articles if body.k_articles is None else body.k_articles,
        filters=to_filters(body.filters), mode=body.mode or settings.retrieval.mode)


def _draft_out(suggestion: Suggestion) -> DraftOut | None:
    draft = suggestion.draft
    if draft is None:
        return None
    return DraftOut(text=draft.text,
                    sentences=[SentenceOut(text=s.text, sources=list(s.sources), phrase=s.phrase)
                               for s in draft.sentences],
                    citations=[CitationOut(source_id=c.source_id, kind=c.kind, sentences=list(c.sentences))
                               for c in draft.citations],
                    language=draft.language, tone=draft.tone, drafter=draft.drafter, confidence=draft.confidence)


def to_suggest_out(suggestion: Suggestion, ticket_id: str | None) -> SuggestOut:
    search = suggestion.search
    cases = [] if search is None else [
        CaseHitOut(id=h.id, score=round(h.score, 5), snippet=h.snippet, resolution_excerpt=h.resolution_excerpt,
                   topic=h.topic, urgency=h.urgency, language=h.language, channel=h.channel, tenant=h.tenant,
                   resolved_at=h.resolved_at, dense_score=None if h.dense_score is None else round(h.dense_score, 5))
        for h in search.cases]
    articles = [] if search is None else [
        ArticleHitOut(id=a.id, title=a.title, url=a.url, passage=a.passage, position=a.position, heading=a.heading,
                      score=round(a.score, 5), language=a.language) for a in search.articles]
    timings = dict(suggestion.timings)
    timings["total_ms"] = round(sum(timings.values()), 3)
    return SuggestOut(suggestion_id=suggestion.suggestion_id, id=ticket_id, route=to_out(suggestion.route),
                      cases=cases, articles=articles, draft=_draft_out(suggestion),
                      draft_error=suggestion.draft_error, warnings=suggestion.warnings,
                      index_version=None if search is None else search.index_version, timings=timings)


def _prepare(inp: SuggestInput, engine: Engine, state: AppState, suggester: Suggester,
             batcher: PipelineBatcher | None) -> Suggestion:
    return suggester.prepare(engine=engine, holder=state.index if state.index.ready else None, inp=inp,
                             index_reason=state.index_reason,
                             router=lambda ticket, desk: route_in_thread(batcher, engine, ticket, desk))


@router.post("/suggest", response_model=SuggestOut, responses=ERROR_RESPONSES,
             summary="Route, retrieve and draft a reply; drafting failures come back as draft_error")
def suggest(body: SuggestIn, engine: EngineDep, state: StateDep, settings: SettingsDep,
            suggester: SuggesterDep, batcher: BatcherDep) -> SuggestOut:
    inp = _input(body, engine, settings)
    suggestion = suggester.finish(_prepare(inp, engine, state, suggester, batcher), inp.ticket)
    return to_suggest_out(suggestion, body.id)


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post("/suggest/stream", responses=ERROR_RESPONSES,
             response_class=StreamingResponse,
             summary="Like /v1/suggest, as server-sent events: suggestion, delta..., draft, done")
def suggest_stream(body: SuggestIn, engine: EngineDep, state: StateDep, settings: SettingsDep,
                   suggester: SuggesterDep, batcher: BatcherDep) -> StreamingResponse:
    """Events: `suggestion` (id, routing, cases, articles), `delta` ({"text"}) while the draft is written,
    `draft` (the checked draft, or null with `draft_error`, and all warnings; it replaces the deltas),
    then `done` ({"suggestion_id"})."""
    inp = _input(body, engine, settings)
    suggestion = _prepare(inp, engine, state, suggester, batcher)  # validation errors answer before streaming

    def events() -> Iterator[str]:
        first = to_suggest_out(suggestion, body.id).model_dump(mode="json", exclude={"draft", "draft_error"})
        yield sse("suggestion", first)
        for piece in suggester.draft_stream(suggestion):
            yield sse("delta", {"text": piece})
        suggester.record(suggestion, inp.ticket)
        out = to_suggest_out(suggestion, body.id)
        yield sse("draft", {"draft": None if out.draft is None else out.draft.model_dump(mode="json"),
                            "draft_error": out.draft_error, "warnings": out.warnings, "timings": out.timings})
        yield sse("done", {"suggestion_id": suggestion.suggestion_id})

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"cache-control": "no-cache", "x-suggestion-id": suggestion.suggestion_id})
