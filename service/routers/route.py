"""POST /v1/route and /v1/route/batch: topic, urgency, queue, priority and SLA for tickets."""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Request

from service import tenancy
from service.deps import EngineDep, PipelineDep, PrincipalDep, RouteScope, SettingsDep, StateDep
from service.errors import ERROR_RESPONSES, PayloadTooLarge
from service.mapping import check_batch_text, desk_of, route_out, ticket_input, ticket_inputs
from service.pipeline import RouteJob, RouteResult
from service.ratelimit import charge_more
from service.schemas import RouteBatchIn, RouteBatchOut, RouteOut, TicketIn

router = APIRouter(prefix="/v1", tags=["route"], dependencies=[RouteScope])


@router.post("/route", response_model=RouteOut, responses=ERROR_RESPONSES,
             summary="Route one ticket: topic, urgency, queue, priority, SLA, needs-a-human")
async def route(ticket: TicketIn, engine: EngineDep, settings: SettingsDep, state: StateDep,
                principal: PrincipalDep) -> RouteOut:
    """Concurrent calls share one pipeline batch (service/batching.py); the decision of a ticket with an id is
    recorded for the feedback loop, with the key's id and tenant (an id another tenant holds is not recorded)."""
    job = RouteJob(tenancy.stamp(await ticket_input(ticket, settings), principal),
                   desk_of(engine, ticket.desk, settings))
    result = await state.run(job)
    assert isinstance(result, RouteResult)
    return route_out(result)


@router.post("/route/batch", response_model=RouteBatchOut, responses=ERROR_RESPONSES,
             summary="Route up to DESKMATE_API__MAX_BATCH tickets in one embedding batch")
async def route_batch(batch: RouteBatchIn, engine: EngineDep, pipeline: PipelineDep, settings: SettingsDep,
                      state: StateDep, principal: PrincipalDep, request: Request) -> RouteBatchOut:
    """All tickets in one encode call and one pass of the heads, each with its own desk. Rate limits count one
    token per ticket (the scope check took the first)."""
    if len(batch.tickets) > settings.api.max_batch:
        raise PayloadTooLarge(f"{len(batch.tickets)} tickets in one batch; the limit is {settings.api.max_batch}")
    await charge_more(request, len(batch.tickets) - 1)
    tickets = [tenancy.stamp(t, principal) for t in await ticket_inputs(batch.tickets, settings)]
    check_batch_text(tickets, settings)
    desks = [desk_of(engine, t.desk or batch.desk, settings) for t in batch.tickets]
    results = await anyio.to_thread.run_sync(pipeline.route, engine, tickets, desks)
    state.trace(results)
    return RouteBatchOut(results=[route_out(r) for r in results], model_version=engine.model.version)
