"""POST /v1/route and /v1/route/batch: topic, urgency, queue, priority and SLA for tickets."""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter

from service.deps import EngineDep, PipelineDep, RouteScope, SettingsDep, StateDep
from service.errors import ERROR_RESPONSES, PayloadTooLarge
from service.mapping import desk_of, route_out, to_ticket
from service.pipeline import RouteJob, RouteResult
from service.schemas import RouteBatchIn, RouteBatchOut, RouteOut, TicketIn

router = APIRouter(prefix="/v1", tags=["route"], dependencies=[RouteScope])


@router.post("/route", response_model=RouteOut, responses=ERROR_RESPONSES,
             summary="Route one ticket: topic, urgency, queue, priority, SLA, needs-a-human")
async def route(ticket: TicketIn, engine: EngineDep, settings: SettingsDep, state: StateDep) -> RouteOut:
    """Concurrent calls share one pipeline batch (service/batching.py); the decision of a ticket with an id is
    recorded for the feedback loop."""
    result = await state.run(RouteJob(to_ticket(ticket, settings), desk_of(engine, ticket.desk, settings)))
    assert isinstance(result, RouteResult)
    return route_out(result)


@router.post("/route/batch", response_model=RouteBatchOut, responses=ERROR_RESPONSES,
             summary="Route up to DESKMATE_API__MAX_BATCH tickets in one embedding batch")
async def route_batch(batch: RouteBatchIn, engine: EngineDep, pipeline: PipelineDep,
                      settings: SettingsDep) -> RouteBatchOut:
    """All tickets in one encode call and one pass of the heads, each with its own desk."""
    if len(batch.tickets) > settings.api.max_batch:
        raise PayloadTooLarge(f"{len(batch.tickets)} tickets in one batch; the limit is {settings.api.max_batch}")
    tickets = [to_ticket(t, settings, i) for i, t in enumerate(batch.tickets)]
    desks = [desk_of(engine, t.desk or batch.desk, settings) for t in batch.tickets]
    results = await anyio.to_thread.run_sync(pipeline.route, engine, tickets, desks)
    return RouteBatchOut(results=[route_out(r) for r in results], model_version=engine.model.version)
