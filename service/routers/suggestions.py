"""GET /v1/suggestions and /v1/suggestions/{id}: what the review page (/app) reads, with the `agent` scope.

Texts are returned as stored (redacted) and are plain text: clients must never render them as markup.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from index.documents import clean_article_body
from models.drafting.types import find_unfilled
from service import tenancy
from service.deps import AgentScope, PrincipalDep, StateDep, StoreDep
from service.errors import KEYED, error_responses
from service.routers.feedback import ID_PATTERN
from service.schemas_feedback import CorrectionOut
from service.schemas_review import (
    DecisionOut,
    InboxItemOut,
    InboxOut,
    ReviewOut,
    SignalOut,
    SourceOut,
    StaleOut,
    SuggestionDetailOut,
    TicketTextOut,
)
from service.schemas_suggest import DraftOut
from service.store import review
from service.store.review import Cursor, InboxFilters

router = APIRouter(prefix="/v1", tags=["feedback"], dependencies=[AgentScope])

SOURCE_CHARS = 2_000
HEADING = re.compile(r"^#{1,6}\s+")  # a Markdown heading's mark, dropped from an article's passage
LABEL = r"^[^\x00-\x1f]+$"  # a label filter: no control characters (PostgreSQL refuses NUL in text)
# Placeholders the redactor writes into stored drafts (a customer's name becomes "[NAME]"): the agent fills them.
REDACTED_KINDS = {"[NAME]": "name", "[EMAIL]": "email", "[PHONE]": "phone"}


def _review_out(item: review.Review) -> ReviewOut:
    corrected = None
    if item.corrected_topic or item.corrected_urgency or item.corrected_queue:
        corrected = CorrectionOut(topic=item.corrected_topic, urgency=item.corrected_urgency,
                                  queue=item.corrected_queue)
    return ReviewOut(feedback_id=item.feedback_id, action=item.action,
                     agent_id=item.agent_id, reason_code=item.reason_code, reason=item.reason, corrected=corrected,
                     edit_distance=item.edit_distance, created_at=item.created_at)


def _decision_out(decision: review.Decision, created_at: datetime, now: datetime) -> DecisionOut:
    due = None if decision.sla_minutes is None else created_at + timedelta(minutes=decision.sla_minutes)
    return DecisionOut(topic=decision.topic, confidence=decision.confidence, alternatives=list(decision.alternatives),
                       urgency=decision.urgency, queue=decision.queue, priority=decision.priority,
                       sla_minutes=decision.sla_minutes, sla_due_at=due,
                       sla_seconds_left=None if due is None else int((due - now).total_seconds()),
                       needs_human=decision.needs_human, reason=decision.reason, model_version=decision.model_version,
                       signals=None if decision.signals is None else [
                           SignalOut(name=s.name, kind=s.kind, evidence=s.evidence, raised_to=s.raised_to)
                           for s in decision.signals],
                       applied_rules=None if decision.applied_rules is None else list(decision.applied_rules))


def _stale_out(stale: review.Staleness | None) -> StaleOut | None:
    return None if stale is None else StaleOut(stale_at=stale.stale_at, superseded_by=stale.superseded_by)


@router.get("/suggestions", response_model=InboxOut, responses=error_responses(*KEYED, 422),
            summary="The review inbox: recent suggestions, most urgent and newest first, with SLA time left")
def list_suggestions(
    store: StoreDep, state: StateDep, principal: PrincipalDep,
    queue: Annotated[str | None, Query(min_length=1, max_length=200, pattern=LABEL)] = None,
    urgency: Annotated[str | None, Query(min_length=1, max_length=32, pattern=LABEL)] = None,
    language: Annotated[str | None, Query(min_length=2, max_length=16, pattern=LABEL)] = None,
    needs_human: Annotated[bool | None, Query(description="Only tickets routing sent (true) or did not send "
                                                          "(false) to a human.")] = None,
    unreviewed: Annotated[bool, Query(description="Only suggestions without any feedback yet (and, unless "
                                                  "include_stale, not superseded by a newer one).")] = False,
    include_stale: Annotated[bool, Query(description="With unreviewed: keep stale (superseded) suggestions too.")]
    = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=400, description="`next_cursor` of the previous page.")] = None,
) -> InboxOut:
    """Ordered by urgency (the routing policy's levels, most urgent first), then newest first. A key bound to a
    tenant sees only its tenant's tickets."""
    engine = state.engine
    levels = engine.policy.urgency_levels if engine is not None else []
    filters = InboxFilters(queue=queue, urgency=urgency, language=language, needs_human=needs_human,
                           unreviewed=unreviewed, include_stale=include_stale, key_tenant=tenancy.key_tenant(principal))
    items, following = review.list_inbox(store, filters, urgency_levels=levels, limit=limit,
                                         cursor=Cursor.decode(cursor) if cursor else None)
    now = datetime.now(UTC)
    return InboxOut(items=[InboxItemOut(
        suggestion_id=item.suggestion_id, ticket_id=item.ticket_id, created_at=item.created_at, subject=item.subject,
        language=item.language, channel=item.channel, decision=_decision_out(item.decision, item.created_at, now),
        has_draft=item.has_draft, ready_to_send=item.ready_to_send,
        review=None if item.review is None else _review_out(item.review), reviews=item.reviews,
        stale=_stale_out(item.stale)) for item in items],
        next_cursor=None if following is None else following.encode())


def _draft_out(draft: dict[str, Any]) -> DraftOut:
    """The stored draft; placeholders are found again in the stored (redacted) text, so positions hold."""
    text = str(draft.get("text") or "")
    kinds = {str(u.get("placeholder")): str(u.get("kind")) for u in draft.get("unfilled") or []}
    unfilled = [{"placeholder": u.placeholder, "kind": kinds.get(u.placeholder, REDACTED_KINDS.get(u.placeholder,
                                                                                                   u.kind)),
                 "start": u.start, "end": u.end} for u in find_unfilled(text)]
    needs = list(draft.get("needs_confirmation") or [])
    return DraftOut.model_validate({**draft, "unfilled": unfilled, "ready_to_send": not unfilled and not needs})


def _passage(body: str, quotes: list[str]) -> str:
    """The part of an article the draft quotes: a window of SOURCE_CHARS around the first quote found in its
    cleaned text (one line per paragraph, Markdown heading marks dropped), else its start."""
    lines = (HEADING.sub("", line).strip() for line in clean_article_body(body).splitlines())
    text = "\n".join(" ".join(line.split()) for line in lines if line)
    for quote in quotes:
        found = re.search(r"\s+".join(map(re.escape, quote.split())), text)
        if found is not None:
            start = max(0, min(found.start() - SOURCE_CHARS // 4, len(text) - SOURCE_CHARS))
            return ("…" if start else "") + text[start:start + SOURCE_CHARS] + (
                "…" if start + SOURCE_CHARS < len(text) else "")
    return text if len(text) <= SOURCE_CHARS else text[:SOURCE_CHARS] + "…"


def _sources(view: review.SuggestionView, state: StateDep, key_tenant: str | None) -> list[SourceOut]:
    draft = view.draft or {}
    sentences = draft.get("sentences") or []
    quotes: dict[str, list[str]] = {}
    for sentence in sentences:
        quote = sentence.get("quote")
        for source_id in sentence.get("sources") or []:
            if quote and quote not in quotes.setdefault(source_id, []):
                quotes[source_id].append(str(quote))
    index = state.index.snapshot()
    found = []
    for citation in draft.get("citations") or []:
        source_id, kind = str(citation.get("source_id")), citation.get("kind")
        status, text, title = "available", None, None
        if kind == "case":
            case = None if index is None else index.case(source_id)
            if index is None or (case is not None and key_tenant is not None and case.tenant not in (None, key_tenant)):
                status = "unavailable"
            elif case is None:
                status = "erased"
            else:
                text = case.resolution[:SOURCE_CHARS]
        elif kind == "article":
            article = None if index is None else index.article(source_id)
            if article is None or (key_tenant is not None and article.tenant not in (None, key_tenant)):
                status = "unavailable"
            else:
                text, title = _passage(article.body, quotes.get(source_id, [])), article.title
        found.append(SourceOut(source_id=source_id, kind=kind, status=status, text=text, title=title,
                               quotes=[] if status == "erased" else quotes.get(source_id, [])))
    return found


@router.get("/suggestions/{suggestion_id}", response_model=SuggestionDetailOut,
            responses=error_responses(*KEYED, 404, 422, notes={
                404: "No suggestion with this id (erased, or of another tenant's ticket)."}),
            summary="One suggestion for review: ticket text, routing decision, draft with its sources, reviews")
def get_suggestion(store: StoreDep, state: StateDep, principal: PrincipalDep,
                   suggestion_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> SuggestionDetailOut:
    """A cited case that is no longer in the index (erased) is listed with status `erased`, never an error."""
    key_tenant = tenancy.key_tenant(principal)
    view = review.get_view(store, suggestion_id, key_tenant=key_tenant)
    return SuggestionDetailOut(
        suggestion_id=view.suggestion_id, created_at=view.created_at,
        ticket=TicketTextOut(ticket_id=view.ticket_id, subject=view.subject, body=view.body, channel=view.channel,
                             language=view.language),
        decision=_decision_out(view.decision, view.created_at, datetime.now(UTC)),
        draft=None if view.draft is None else _draft_out(view.draft), draft_error=view.draft_error,
        sources=_sources(view, state, key_tenant), warnings=view.warnings, index_version=view.index_version,
        reviews=[_review_out(item) for item in view.reviews], stale=_stale_out(view.stale))
