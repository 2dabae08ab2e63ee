"""Similar resolved cases and knowledge articles; live index updates; admin hot swap."""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Path

from index.documents import with_detected_languages
from models.errors import ArtifactError
from service import components, labels, swap_paths, tenancy
from service.changes import writes
from service.deps import (
    AdminScope,
    EngineDep,
    IndexDep,
    IngestScope,
    PrincipalDep,
    RouteScope,
    SettingsDep,
    StateDep,
)
from service.errors import ERROR_RESPONSES, KEYED, ApiError, error_responses
from service.mapping import (
    case_customer_id,
    case_from_request,
    check_cases_limits,
    similar_out,
    ticket_input,
    to_query,
    with_customer_ref,
)
from service.pipeline import SimilarJob, SimilarResult
from service.routers.privacy import EraserDep
from service.schemas import (
    CaseDeletedOut,
    CasesAddedOut,
    CasesIn,
    IndexSwapIn,
    IndexSwapOut,
    SimilarIn,
    SimilarOut,
)
from service.store import new_labels

router = APIRouter(prefix="/v1", tags=["retrieval"])


@router.post("/similar", response_model=SimilarOut, responses=ERROR_RESPONSES, dependencies=[RouteScope],
             summary="Similar resolved cases and knowledge-base passages for a ticket")
async def similar(request: SimilarIn, _: EngineDep, __: IndexDep, settings: SettingsDep,
                  state: StateDep, principal: PrincipalDep) -> SimilarOut:
    """Through the batcher, the query shares an encode call with concurrent route and suggest requests. A key
    bound to a tenant finds only its tenant's cases (`filters.tenant` may repeat it; another tenant: 403)."""
    query = tenancy.scope_query(to_query(request, settings), principal)
    result = await state.run(SimilarJob(await ticket_input(request, settings), query))
    assert isinstance(result, SimilarResult)
    return similar_out(result, request.id)


@router.post("/cases", response_model=CasesAddedOut, responses=ERROR_RESPONSES, dependencies=[IngestScope],
             summary="Add resolved cases to the live index (persisted; no rebuild)")
def add_cases(body: CasesIn, index: IndexDep, state: StateDep, principal: PrincipalDep,
              settings: SettingsDep) -> CasesAddedOut:
    """Cases are redacted after HTML is stripped (so entity-encoded addresses are caught) and before anything
    indexes them: text, resolution, string metadata, names given or in metadata; ids holding personal data
    become keyed hashes (service/privacy.py), and the answer lists the ids as stored.

    Topics and urgencies must be known to the live model or routing policy (422 `unknown_label`) unless the
    case says `new_label`; a key bound to a tenant adds cases of its tenant only."""
    check_cases_limits(body.cases, settings)  # 413: a case too large as sent, or too much text in one upload
    engine = state.engine
    new = [labels.check_labels(engine, [labels.LabelUse(f"cases[{i}].topic", "topic", item.topic),
                                        labels.LabelUse(f"cases[{i}].urgency", "urgency", item.urgency)],
                               new_label=item.new_label) for i, item in enumerate(body.cases)]
    tenants = [tenancy.tenant_for(principal, item.tenant, field=f"cases[{i}].tenant")
               for i, item in enumerate(body.cases)]
    store = state.require_store() if any(new) else None  # new labels are recorded in the store
    redact = state.require_privacy()
    # Customer ids become keyed references in metadata.customer_ref (after redaction: kept exactly), for erasure.
    refs = state.require_store().customer_refs if any(map(case_customer_id, body.cases)) else None
    cases = [with_customer_ref(redact(case_from_request(item.model_copy(update={"tenant": tenant})),
                                      known_names=[item.customer_name] if item.customer_name else []),
                               refs.ref_optional(case_customer_id(item), tenant) if refs is not None else None)
             for item, tenant in zip(body.cases, tenants, strict=True)]  # a case with no text: 422 empty_text
    if engine is not None:  # a case sent without a language gets the detected one
        cases = with_detected_languages(cases, engine.language)
    report = writes.add_cases(index, writes.writer(settings, state.changes), cases)  # log first when it is on
    if store is not None:
        added = set(report.added)
        with store.session() as session:
            for case, found in zip(cases, new, strict=True):
                if found and case.id in added:
                    new_labels.add(session, found, source="case", ref=case.id,
                                   key_name=principal.name if principal else None)
    return CasesAddedOut(added=report.added, replaced=report.replaced, skipped_duplicates=report.skipped_duplicates,
                         refused_deleted=report.refused_deleted, index_version=report.version)


@router.delete("/cases/{case_id}", response_model=CaseDeletedOut,
               responses=error_responses(*KEYED, 404, 422, notes={
                   404: "Neither the store nor the index holds a ticket or case of this id (nothing changed).",
                   422: "The id is longer than 200 characters (no case can have it)."}),
               dependencies=[IngestScope],
               summary="Erase a case for good: the index entry and the stored ticket, suggestions, feedback, reply")
def delete_case(case_id: Annotated[str, Path(max_length=200, description="The case's id, as added.")],
                eraser: EraserDep, principal: PrincipalDep) -> CaseDeletedOut:
    """Privacy requests: the case leaves the live index (persisted) and the ticket of the same id leaves the
    store with everything recorded about it, in one transaction, with an audit row (service/store/erasure.py).
    A key bound to a tenant erases only its tenant's tickets and cases."""
    report = eraser.erase_ticket(case_id, tenant=tenancy.key_tenant(principal), kind="case",
                                 key_name=principal.name if principal is not None else None)
    if report is None:
        raise ApiError(404, "not_found", f"no ticket or case {case_id!r}")
    return CaseDeletedOut(id=case_id, deleted=True, index_version=report.index_version,
                          erasure_id=report.erasure_id, erased=report.counts, warnings=report.warnings)


@router.post("/admin/index/swap", response_model=IndexSwapOut, responses=ERROR_RESPONSES, dependencies=[AdminScope],
             summary="Atomically replace the live index with a rebuilt directory (admin token)")
async def swap_index(body: IndexSwapIn, state: StateDep, engine: EngineDep,
                     settings: SettingsDep) -> IndexSwapOut:
    """The directory must be an index inside the index root (service/swap_paths.py); anything else is a 422
    that names no resolved path. Every case added or deleted on the live index is carried over (index/holder.py),
    and the new directory is recorded as the one a restart opens before it goes live."""
    target = swap_paths.swap_target(body.path, settings)
    previous = state.index.version
    follower = writes.writer(settings, state.changes)

    def swap() -> None:
        if follower is not None:  # every process swaps when it reaches the logged swap
            writes.swap_index(state.index, follower, target.path, embedder=engine.embedder)
            components.remember_active_index(settings, target.path)
            return
        state.index.swap(target.path, embedder=engine.embedder,
                         on_commit=lambda path: components.remember_active_index(settings, path))

    try:
        await anyio.to_thread.run_sync(swap)
    except ArtifactError as exc:  # not a usable index (another embedder, incomplete): the old one keeps serving
        raise ApiError(422, exc.code, swap_paths.hide_path(str(exc), target)) from None
    return IndexSwapOut(previous_version=previous, index_version=str(state.index.version), path=target.shown)
