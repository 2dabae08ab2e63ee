"""POST /v1/route and /v1/route/batch: topic, urgency, queue, priority and SLA for tickets."""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Request

from models.errors import InvalidInputError
from service.deps import BatcherDep, EngineDep, SettingsDep
from service.errors import ERROR_RESPONSES, ApiError, PayloadTooLarge
from service.pipeline import Engine, RouteResult, TicketInput
from service.recording import route_record
from service.schemas import (
    LabelScoreOut,
    LanguageOut,
    RouteBatchIn,
    RouteBatchOut,
    RouteOut,
    SignalOut,
    TicketIn,
    TimingsOut,
    TopicOut,
    UrgencyOut,
)
from service.settings import Settings

router = APIRouter(prefix="/v1", tags=["route"])


def to_input(ticket: TicketIn, settings: Settings, position: int | None = None) -> TicketInput:
    where = "" if position is None else f"tickets[{position}]: "
    size = len(ticket.subject) + len(ticket.body)
    if size > settings.api.max_text_chars:
        raise PayloadTooLarge(f"{where}subject+body is {size} characters; the limit is {settings.api.max_text_chars}")
    if not ticket.subject.strip() and not ticket.body.strip():
        raise ApiError(422, "empty_text", f"{where}subject and body are both empty",
                       [{"loc": ["body", "tickets", str(position)] if position is not None else ["body"],
                         "type": "empty_text", "msg": "subject or body must contain text"}])
    return TicketInput(subject=ticket.subject, body=ticket.body, id=ticket.id, channel=ticket.channel,
                       language=ticket.language, tier=ticket.customer.tier)


def to_out(result: RouteResult) -> RouteOut:
    return RouteOut(
        id=result.id,
        topic=TopicOut(label=result.topic.label, confidence=round(result.topic.confidence, 4),
                       alternatives=[LabelScoreOut(label=a.label, confidence=round(a.probability, 4))
                                     for a in result.topic.alternatives]),
        urgency=UrgencyOut(label=result.urgency.label, model_label=result.urgency.model_label,
                           confidence=round(result.urgency.confidence, 4),
                           signals=[SignalOut(name=s.name, kind=s.kind, evidence=s.evidence, raised_to=s.raised_to)
                                    for s in result.urgency.signals]),
        queue=result.decision.queue, priority=result.decision.priority, desk=result.decision.desk,
        sla_minutes=result.decision.sla_minutes, needs_human_triage=result.needs_human_triage,
        reason=result.reason, applied_rules=result.decision.applied_rules,
        language=LanguageOut(code=result.language.code, confidence=round(result.language.confidence, 4),
                             source="request" if result.language_source == "request" else "detected"),
        model_version=result.model_version,
        timings=TimingsOut(embed_ms=result.timings.embed_ms, classify_ms=result.timings.classify_ms,
                           total_ms=result.timings.total_ms),
    )


def _desk(engine: Engine, requested: str | None, settings: Settings) -> str:
    desk = requested or settings.api.default_desk
    if desk not in engine.policy.spec.desks:
        raise InvalidInputError(f"unknown desk {desk!r}; expected one of {sorted(engine.policy.spec.desks)}")
    return desk


def _record(request: Request, results: list[RouteResult], inputs: list[TicketInput], tickets: list[TicketIn]) -> None:
    """Queue the decisions of tickets that carry an id (only those can be joined with later feedback)."""
    recorder = request.app.state.recorder
    if recorder is not None:
        recorder.submit([route_record(r, i, ticket_id=i.id, customer_name=t.customer.name)
                         for r, i, t in zip(results, inputs, tickets, strict=True) if i.id])


@router.post("/route", response_model=RouteOut, responses=ERROR_RESPONSES,
             summary="Route one ticket: topic, urgency, queue, priority, SLA, needs-a-human")
async def route(ticket: TicketIn, engine: EngineDep, settings: SettingsDep, batcher: BatcherDep,
                request: Request) -> RouteOut:
    """Async so that concurrent calls share one pipeline batch (service/batching.py) without a thread each."""
    desk = _desk(engine, ticket.desk, settings)
    inp = to_input(ticket, settings)
    if batcher is not None:
        result = await batcher.route(inp, desk)
    else:
        (result,) = await anyio.to_thread.run_sync(lambda: engine.route([inp], desk=desk))
    _record(request, [result], [inp], [ticket])
    return to_out(result)


@router.post("/route/batch", response_model=RouteBatchOut, responses=ERROR_RESPONSES,
             summary="Route up to DESKMATE_API__MAX_BATCH tickets in one embedding batch")
def route_batch(batch: RouteBatchIn, engine: EngineDep, settings: SettingsDep, request: Request) -> RouteBatchOut:
    if len(batch.tickets) > settings.api.max_batch:
        raise PayloadTooLarge(f"{len(batch.tickets)} tickets in one batch; the limit is {settings.api.max_batch}")
    inputs = [to_input(t, settings, i) for i, t in enumerate(batch.tickets)]
    desks = {_desk(engine, t.desk or batch.desk, settings) for t in batch.tickets}
    if len(desks) == 1:
        results = engine.route(inputs, desk=desks.pop())
    else:
        results = [engine.route([inp], desk=_desk(engine, t.desk or batch.desk, settings))[0]
                   for inp, t in zip(inputs, batch.tickets, strict=True)]
    _record(request, results, inputs, batch.tickets)
    return RouteBatchOut(results=[to_out(r) for r in results], model_version=engine.model.version)
