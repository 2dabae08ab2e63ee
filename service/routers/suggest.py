"""POST /v1/suggest and /v1/suggest/stream: route, retrieve and draft a reply in one call."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from service import tenancy
from service.deps import EngineDep, PipelineDep, PrincipalDep, RouteScope, SettingsDep, StateDep
from service.errors import ERROR_RESPONSES
from service.mapping import suggest_input, suggest_out
from service.pipeline import Suggestion, SuggestJob
from service.schemas_suggest import SuggestIn, SuggestOut

router = APIRouter(prefix="/v1", tags=["suggest"], dependencies=[RouteScope])


@router.post("/suggest", response_model=SuggestOut, responses=ERROR_RESPONSES,
             summary="Route, retrieve and draft a reply; drafting failures come back as draft_error")
async def suggest(body: SuggestIn, engine: EngineDep, settings: SettingsDep, state: StateDep,
                  _: PipelineDep, principal: PrincipalDep) -> SuggestOut:
    """One await: the batch routes the ticket with its batch-mates, then retrieves, drafts and records it.
    A key bound to a tenant retrieves its tenant's cases only; a ticket id another tenant holds is answered
    but not stored (a warning says so)."""
    inp = tenancy.scope_suggest(await suggest_input(body, engine, settings), principal)
    suggestion = await state.run(SuggestJob(inp))
    assert isinstance(suggestion, Suggestion)
    return suggest_out(suggestion, body.id)


# One event of the stream (OpenAPI 3.1 describes a text/event-stream response by the schema of each event).
SSE_EVENT = {"type": "object", "required": ["event", "data"], "properties": {
    "event": {"type": "string", "enum": ["suggestion", "delta", "draft", "done"]},
    "data": {"type": "string", "contentMediaType": "application/json",
             "description": "suggestion: SuggestOut without draft; delta: {text}, a piece of the checked draft's "
                            "text (joined: draft.text; an LLM's own output is never sent); draft: {draft, "
                            "draft_error, warnings, timings}; done: {suggestion_id}"}}}
SSE_EXAMPLE = ('event: suggestion\ndata: {"suggestion_id": "sug_01JDX3M5ZJ9Q0Y7B8K2V4W6T1R", ...}\n\n'
               'event: delta\ndata: {"text": "Hi Ana, "}\n\n'
               'event: draft\ndata: {"draft": {"text": "Hi Ana, ..."}, "draft_error": null, ...}\n\n'
               'event: done\ndata: {"suggestion_id": "sug_01JDX3M5ZJ9Q0Y7B8K2V4W6T1R"}\n\n')


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post("/suggest/stream", response_class=StreamingResponse, responses={**ERROR_RESPONSES, 200: {
                 "description": "Server-sent events: `suggestion`, `delta`..., `draft`, `done` (see below).",
                 "content": {"text/event-stream": {"schema": SSE_EVENT, "example": SSE_EXAMPLE}}}},
             summary="Like /v1/suggest, as server-sent events: suggestion, delta..., draft, done")
async def suggest_stream(body: SuggestIn, engine: EngineDep, settings: SettingsDep, state: StateDep,
                         pipeline: PipelineDep, principal: PrincipalDep) -> StreamingResponse:
    """Events: `suggestion` (id, routing, cases, articles), `delta` ({"text"}): pieces of the checked draft's
    text (an LLM's answer is buffered and reviewed first; its raw output is never sent), `draft` (the checked
    draft, or null with `draft_error`, and all warnings; its text is the deltas joined), then `done`
    ({"suggestion_id"})."""
    # Routed and retrieved before streaming starts, so validation errors still answer with a status.
    inp = tenancy.scope_suggest(await suggest_input(body, engine, settings), principal)
    suggestion = await state.run(SuggestJob(inp, draft=False))
    assert isinstance(suggestion, Suggestion)

    def events() -> Iterator[str]:  # a sync iterator: Starlette runs it in a worker thread
        first = suggest_out(suggestion, body.id).model_dump(mode="json", exclude={"draft", "draft_error"})
        yield sse("suggestion", first)
        for piece in pipeline.draft_stream(suggestion):
            yield sse("delta", {"text": piece})
        state.trace([suggestion], ("draft",))  # routing and retrieval were traced by `state.run`
        pipeline.record(suggestion)
        out = suggest_out(suggestion, body.id)
        yield sse("draft", {"draft": None if out.draft is None else out.draft.model_dump(mode="json"),
                            "draft_error": out.draft_error, "warnings": out.warnings, "timings": out.timings})
        yield sse("done", {"suggestion_id": suggestion.suggestion_id})

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"cache-control": "no-cache", "x-suggestion-id": suggestion.suggestion_id})
