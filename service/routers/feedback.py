"""The feedback loop's endpoints: agents' verdicts on suggestions, resolutions, quality metrics."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response

from models.errors import DeskmateError, EmptyTextError
from models.text import strip_html, ticket_text
from service import labels, tenancy
from service.changes import writes
from service.deps import AgentScope, MetricsScope, PrincipalDep, StateDep, StoreDep
from service.errors import JSON_BODY, KEYED, ApiError, error_responses
from service.mapping import case_from_resolution, with_customer_ref
from service.schemas_feedback import (
    CorrectionIn,
    CorrectionOut,
    FeedbackIn,
    FeedbackOut,
    IsoDateTime,
    QualityOut,
    ResolutionIn,
    ResolutionOut,
)
from service.store import quality
from service.store import repository as repo

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["feedback"])

ID_PATTERN = r"^[A-Za-z0-9_.:\-]{1,200}$"


@router.post("/suggestions/{suggestion_id}/feedback", response_model=FeedbackOut, status_code=201,
             dependencies=[AgentScope],
             responses={**error_responses(*KEYED, *JSON_BODY, 404, 409, notes={
                 404: "No suggestion with this id (or one of another tenant's ticket).",
                 409: "This Idempotency-Key was used before for a different feedback request (idempotency_conflict), "
                      "or `if_unreviewed` and another review exists (already_reviewed: who and when in details), "
                      "or `if_current` and the suggestion is stale (stale_suggestion: the newer one in details)."}),
                 200: {"model": FeedbackOut, "description": "Replayed: this Idempotency-Key was seen with the same "
                                                            "request; nothing new was stored."}},
             summary="Record an agent's accept / edit / reject of a suggestion (Idempotency-Key supported)")
def post_feedback(
    body: FeedbackIn, store: StoreDep, state: StateDep, response: Response, principal: PrincipalDep,
    suggestion_id: Annotated[str, Path(pattern=ID_PATTERN)],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> FeedbackOut:
    """Corrected labels must be known to the live model or routing policy (422 `unknown_label`) unless
    `corrected.new_label` is true; a key bound to a tenant reaches only suggestions of its tenant's tickets."""
    corrected = body.corrected or CorrectionIn()
    new = labels.check_labels(state.engine, [
        labels.LabelUse("corrected.topic", "topic", corrected.topic),
        labels.LabelUse("corrected.urgency", "urgency", corrected.urgency),
        labels.LabelUse("corrected.queue", "queue", corrected.queue)], new_label=corrected.new_label)
    try:
        record = store.add_feedback(repo.NewFeedback(
            suggestion_id=suggestion_id, action=body.action, agent_id=body.agent_id, final_text=body.final_text,
            reason_code=body.reason_code, reason_text=body.reason, corrected_topic=corrected.topic,
            corrected_urgency=corrected.urgency, corrected_queue=corrected.queue,
            idempotency_key=idempotency_key or None, key_tenant=tenancy.key_tenant(principal),
            key_name=principal.name if principal else None, new_labels=tuple(new), if_unreviewed=body.if_unreviewed,
            if_current=body.if_current))
    except repo.AlreadyReviewed as exc:
        raise ApiError(409, exc.code, str(exc), details=[{
            "action": exc.action, "agent_id": exc.agent_id, "reviewed_at": exc.reviewed_at.isoformat()}]) from None
    except repo.StaleSuggestion as exc:
        raise ApiError(409, exc.code, str(exc), details=[{
            "superseded_by": exc.superseded_by, "stale_at": exc.stale_at.isoformat()}]) from None
    if record.replayed:
        response.status_code = 200
        response.headers["idempotent-replayed"] = "true"
    has_correction = record.corrected_topic or record.corrected_urgency or record.corrected_queue
    return FeedbackOut(feedback_id=record.id, suggestion_id=record.suggestion_id, action=body.action,
                       agent_id=record.agent_id, edit_distance=record.edit_distance,
                       corrected=CorrectionOut(topic=record.corrected_topic, urgency=record.corrected_urgency,
                                               queue=record.corrected_queue) if has_correction else None,
                       created_at=record.created_at, replayed=record.replayed)


@router.post("/tickets/{ticket_id}/resolution", response_model=ResolutionOut, dependencies=[AgentScope],
             responses=error_responses(*KEYED, *JSON_BODY, 404, notes={404: "A ticket of another tenant."}),
             summary="Record how a ticket was resolved; it becomes a resolved case in the live index")
def post_resolution(body: ResolutionIn, store: StoreDep, state: StateDep, principal: PrincipalDep,
                    ticket_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> ResolutionOut:
    """Labels are checked as for feedback (`new_label`); `suggestion_id` must be a suggestion of this ticket
    (422 otherwise); a key bound to a tenant may resolve only its tenant's tickets (another's: 404)."""
    new = labels.check_labels(state.engine, [
        labels.LabelUse("topic", "topic", body.topic), labels.LabelUse("urgency", "urgency", body.urgency),
        labels.LabelUse("queue", "queue", body.queue)], new_label=body.new_label)
    tenant = tenancy.tenant_for(principal, body.tenant)
    if (body.subject is not None or body.body is not None) and not ticket_text(body.subject or "", body.body or ""):
        raise EmptyTextError("subject and body are empty after removing HTML")
    if not strip_html(body.reply):  # markup only ("<p> </p>", a script): nothing a draft could ever reuse
        raise EmptyTextError("reply is empty after removing HTML")
    stored = store.record_resolution(repo.NewResolution(
        ticket_id=ticket_id, topic=body.topic, reply=body.reply, urgency=body.urgency, queue=body.queue,
        subject=body.subject, body=body.body, channel=body.channel, language=body.language, tenant=tenant,
        agent_id=body.agent_id, suggestion_id=body.suggestion_id, key_id=principal.key_id if principal else None,
        key_tenant=tenancy.key_tenant(principal), key_name=principal.name if principal else None,
        new_labels=tuple(new), customer_id=body.customer_id))
    warnings: list[str] = []
    if not state.index.ready:
        warnings.append(f"stored, but not indexed: the retrieval index is not loaded ({state.index.reason})")
        return ResolutionOut(ticket_id=ticket_id, stored=True, replaced=stored.replaced, indexed=False,
                             index_version=None, warnings=warnings)
    try:
        # Redacted again after HTML stripping (an entity-encoded address survives redaction of the raw HTML).
        case = with_customer_ref(state.require_privacy()(case_from_resolution(stored)), stored.customer_ref)
        report = writes.add_cases(state.index, writes.writer(state.settings, state.changes), [case])
    except DeskmateError as exc:
        logger.error("resolution stored but not indexed", extra={"ticket_id": ticket_id, "error": str(exc)})
        warnings.append(f"stored, but not indexed: {exc}")
        return ResolutionOut(ticket_id=ticket_id, stored=True, replaced=stored.replaced, indexed=False,
                             index_version=state.index.version, warnings=warnings)
    if not report.added and case.id not in report.replaced.values():
        reason = "a near-duplicate case is already indexed" if report.skipped_duplicates else \
            "the case was deleted from the index earlier (privacy request)"
        warnings.append(f"stored, not indexed: {reason}")
        return ResolutionOut(ticket_id=ticket_id, stored=True, replaced=stored.replaced, indexed=False,
                             index_version=report.version, warnings=warnings)
    store.mark_indexed(ticket_id, report.version)
    return ResolutionOut(ticket_id=ticket_id, stored=True, replaced=stored.replaced, indexed=True,
                         index_version=report.version, warnings=warnings)


@router.get("/metrics/quality", response_model=QualityOut, responses=error_responses(*KEYED, 422),
            dependencies=[MetricsScope],
            summary="Acceptance, edits, rejections, routing overrides and top-1/top-3 topic match, by day")
def get_quality(
    store: StoreDep,
    since: Annotated[IsoDateTime | None, Query(description="Start (ISO date or datetime, UTC); "
                                                           "default: 30 days before `until`.")] = None,
    until: Annotated[IsoDateTime | None, Query(description="End, exclusive; default: now.")] = None,
) -> QualityOut:
    end = repo.as_utc(until) if until is not None else datetime.now(UTC)
    start = repo.as_utc(since) if since is not None else end - timedelta(days=30)
    if start >= end:
        raise ApiError(422, "invalid_input", f"since ({start.isoformat()}) must be before until ({end.isoformat()})")
    if end - start > timedelta(days=366):
        raise ApiError(422, "invalid_input", "the window is longer than 366 days; ask for less")
    return QualityOut.model_validate(quality.quality_metrics(store, since=start, until=end))
