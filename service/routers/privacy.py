"""Erasure: `POST /v1/admin/erasures` (a customer or a ticket, admin scope); `DELETE /v1/cases/{id}` uses the
same `Eraser` (service/store/erasure.py). Both erase from the store and the live index, scrub the deleted bytes
from the database files and write an audit row without personal data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from service import tenancy
from service.changes import writes
from service.deps import AdminScope, PrincipalDep, StateDep
from service.errors import JSON_BODY, KEYED, ApiError, error_responses
from service.schemas_privacy import ErasureIn, ErasureOut, ScrubOut
from service.store.erasure import Eraser, ErasureReport

router = APIRouter(prefix="/v1", tags=["admin"])

RECORDER_FLUSH_SECONDS = 10.0


def get_eraser(state: StateDep) -> Eraser:
    """An eraser over the store and the live index (503 without the store: an erasure must reach it).

    A plain `def` (run in the threadpool): it first waits for routing decisions already queued for the store,
    so that a ticket routed just before cannot be written back after its erasure."""
    store = state.require_store()
    if store.customer_refs is None:  # the lifespan always sets it; a store opened without it cannot find customers
        raise ApiError(503, "not_ready", "the store was opened without customer references")
    if state.recorder is not None:
        state.recorder.flush(RECORDER_FLUSH_SECONDS)
    return Eraser(store, state.index, store.customer_refs,
                  deletes=writes.logged_deletes(state.settings, state.changes, store))


EraserDep = Annotated[Eraser, Depends(get_eraser)]


def erasure_out(report: ErasureReport) -> ErasureOut:
    scrub = report.scrub
    return ErasureOut(erasure_id=report.erasure_id, kind=report.kind, counts=report.counts,
                      index_version=report.index_version, warnings=report.warnings,
                      scrub=None if scrub is None else ScrubOut(backend=scrub.backend, action=scrub.action,
                                                                complete=scrub.complete, seconds=scrub.seconds))


@router.post("/admin/erasures", response_model=ErasureOut, dependencies=[AdminScope],
             responses=error_responses(*KEYED, *JSON_BODY, 404, notes={
                 404: "`ticket_id`: no ticket or case of this id (nothing was changed, no audit row)."}),
             summary="Erase a customer's (or one ticket's) data from the store and the index, with an audit row")
def post_erasure(body: ErasureIn, eraser: EraserDep, principal: PrincipalDep) -> ErasureOut:
    """Deletes, in one transaction, the tickets and everything recorded about them (routing decisions,
    suggestions, feedback texts, resolutions, new-label records) and the matching cases of the live index; then
    scrubs the deleted bytes from the database files (SQLite: secure delete + WAL truncation; PostgreSQL:
    VACUUM FULL of the touched tables, which locks them while it runs). Answers the counts, which the audit row
    (table `erasures`) records with the kind and the key's name, never an id or a text.

    A customer is found by the keyed hash of (tenant, customer id) stored with tickets and cases since they were
    recorded with `customer.id` / `customer_id`, and by `metadata.customer.id` in cases built by
    `deskmate build-index`. A customer with nothing stored still gets an audit row (counts all 0)."""
    tenant = tenancy.tenant_for(principal, body.tenant)
    key_name = principal.name if principal is not None else None
    if body.ticket_id is not None:
        report = eraser.erase_ticket(body.ticket_id, tenant=tenant, key_name=key_name)
        if report is None:
            raise ApiError(404, "not_found", f"no ticket or case {body.ticket_id!r}")
        return erasure_out(report)
    assert body.customer_id is not None
    return erasure_out(eraser.erase_customer(body.customer_id, tenant=tenant, key_name=key_name))
