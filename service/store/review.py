"""Reading suggestions back for review: the agent's inbox (filtered, most urgent and newest first) and one
suggestion with its ticket, routing decision and the reviews so far. Read-only; texts are as stored (redacted).

The inbox is ordered by urgency rank (the routing policy's levels, most urgent first), then newest first, and
paged with an opaque keyset cursor (rank, created_at, suggestion_id), so new suggestions never shift a page.
A suggestion a desk connector marked stale (the customer replied and a newer suggestion superseded it,
`desk_suggestions`) is left out of "not yet reviewed" unless asked for (`include_stale`).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, exists, or_, select
from sqlalchemy.orm import Session

from models.urgency import Signal  # an urgency signal as stored: name, kind, evidence (redacted), raised_to
from service.store.errors import InvalidFeedback, NotFound
from service.store.repository import FeedbackStore, as_utc
from service.store.tables import DeskSuggestionRow, FeedbackEventRow, RoutingDecisionRow, SuggestionRow, TicketRow

SUBJECT_CHARS = 160  # the inbox shows the subject (or the body's start) cut to this


@dataclass(frozen=True, slots=True)
class InboxFilters:
    queue: str | None = None
    urgency: str | None = None
    language: str | None = None
    needs_human: bool | None = None
    unreviewed: bool = False
    include_stale: bool = False  # with `unreviewed`: keep suggestions a newer one superseded
    key_tenant: str | None = None  # a key bound to a tenant sees only its tenant's tickets


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the next page starts: after this (urgency rank, created_at, suggestion_id)."""

    rank: int
    created_at: datetime
    suggestion_id: str

    def encode(self) -> str:
        raw = json.dumps([self.rank, self.created_at.isoformat(), self.suggestion_id]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            rank, created_at, suggestion_id = json.loads(raw)
            cursor = cls(int(rank), as_utc(datetime.fromisoformat(created_at)), str(suggestion_id))
        except (binascii.Error, ValueError, TypeError, OverflowError) as exc:
            raise InvalidFeedback(f"cursor {value[:40]!r} is not one this API returned") from exc
        if not -1 <= cursor.rank <= 1_000 or "\x00" in cursor.suggestion_id:
            raise InvalidFeedback(f"cursor {value[:40]!r} is not one this API returned")
        return cursor


@dataclass(frozen=True, slots=True)
class Review:
    feedback_id: int
    action: str
    agent_id: str
    reason_code: str | None
    reason: str | None
    corrected_topic: str | None
    corrected_urgency: str | None
    corrected_queue: str | None
    edit_distance: float | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Decision:
    topic: str
    confidence: float | None
    alternatives: tuple[str, ...]
    urgency: str | None
    queue: str
    priority: str | None
    sla_minutes: int | None
    needs_human: bool | None
    reason: str | None
    model_version: str
    signals: tuple[Signal, ...] | None = None  # None: stored before signals were (revision 0008)
    applied_rules: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Staleness:
    """A newer suggestion for the same desk ticket superseded this one (the customer replied)."""

    stale_at: datetime
    superseded_by: str | None


@dataclass(frozen=True, slots=True)
class InboxItem:
    suggestion_id: str
    ticket_id: str
    created_at: datetime
    subject: str
    language: str | None
    channel: str | None
    decision: Decision
    has_draft: bool
    ready_to_send: bool | None
    review: Review | None  # the latest
    reviews: int
    stale: Staleness | None = None


@dataclass(frozen=True, slots=True)
class SuggestionView:
    suggestion_id: str
    ticket_id: str
    created_at: datetime
    subject: str
    body: str
    channel: str | None
    language: str | None
    tenant: str | None
    decision: Decision
    draft: dict[str, Any] | None
    draft_error: str | None
    sources: dict[str, Any]
    warnings: list[str]
    index_version: str | None
    reviews: list[Review] = field(default_factory=list)  # oldest first
    stale: Staleness | None = None


def _review(event: FeedbackEventRow) -> Review:
    return Review(feedback_id=event.id, action=event.action, agent_id=event.agent_id, reason_code=event.reason_code,
                  reason=event.reason_text, corrected_topic=event.corrected_topic,
                  corrected_urgency=event.corrected_urgency, corrected_queue=event.corrected_queue,
                  edit_distance=event.edit_distance, created_at=as_utc(event.created_at))


def _decision(suggestion: SuggestionRow, row: RoutingDecisionRow | None) -> Decision:
    if row is None:  # written before decisions carried the suggestion id: what the suggestion row holds
        return Decision(topic=suggestion.topic, confidence=None, alternatives=(), urgency=None, queue=suggestion.queue,
                        priority=None, sla_minutes=None, needs_human=None, reason=None,
                        model_version=suggestion.model_version)
    signals = None if row.signals is None else tuple(
        Signal(name=str(s.get("name", "")), kind=str(s.get("kind", "")), evidence=str(s.get("evidence", "")),
               raised_to=str(s.get("raised_to", ""))) for s in row.signals if isinstance(s, dict))
    return Decision(topic=row.topic, confidence=row.topic_confidence, alternatives=tuple(row.alternatives),
                    urgency=row.urgency, queue=row.queue, priority=row.priority, sla_minutes=row.sla_minutes,
                    needs_human=row.needs_human, reason=row.reason, model_version=row.model_version,
                    signals=signals,
                    applied_rules=None if row.applied_rules is None else tuple(str(r) for r in row.applied_rules))


def _staleness(row: DeskSuggestionRow | None) -> Staleness | None:
    if row is None or row.stale_at is None:
        return None
    return Staleness(stale_at=as_utc(row.stale_at), superseded_by=row.superseded_by)


def _subject(ticket: TicketRow | None) -> str:
    if ticket is None:
        return ""
    text = (ticket.subject or "").strip() or " ".join((ticket.body or "").split())
    return text if len(text) <= SUBJECT_CHARS else text[:SUBJECT_CHARS - 1] + "…"


def _tenant_filter(query: Select[Any], key_tenant: str | None) -> Select[Any]:
    return query if key_tenant is None else query.where(TicketRow.tenant == key_tenant)


def list_inbox(store: FeedbackStore, filters: InboxFilters, *, urgency_levels: Sequence[str], limit: int,
               cursor: Cursor | None = None) -> tuple[list[InboxItem], Cursor | None]:
    """One page of the inbox and the cursor of the next (None on the last page)."""
    rank = case({level: i for i, level in enumerate(urgency_levels)}, value=RoutingDecisionRow.urgency, else_=-1)
    query = (select(SuggestionRow, RoutingDecisionRow, TicketRow, DeskSuggestionRow, rank.label("rank"))
             .join(TicketRow, TicketRow.ticket_id == SuggestionRow.ticket_id)
             .outerjoin(RoutingDecisionRow, RoutingDecisionRow.suggestion_id == SuggestionRow.suggestion_id)
             .outerjoin(DeskSuggestionRow, DeskSuggestionRow.suggestion_id == SuggestionRow.suggestion_id))
    query = _tenant_filter(query, filters.key_tenant)
    if filters.queue is not None:
        query = query.where(SuggestionRow.queue == filters.queue)
    if filters.urgency is not None:
        query = query.where(RoutingDecisionRow.urgency == filters.urgency)
    if filters.language is not None:
        query = query.where(SuggestionRow.language == filters.language)
    if filters.needs_human is not None:
        query = query.where(RoutingDecisionRow.needs_human.is_(filters.needs_human))
    if filters.unreviewed:
        query = query.where(~exists().where(FeedbackEventRow.suggestion_id == SuggestionRow.suggestion_id))
        if not filters.include_stale:
            query = query.where(DeskSuggestionRow.stale_at.is_(None))
    if cursor is not None:
        query = query.where(or_(rank < cursor.rank,
                                and_(rank == cursor.rank, SuggestionRow.created_at < cursor.created_at),
                                and_(rank == cursor.rank, SuggestionRow.created_at == cursor.created_at,
                                     SuggestionRow.suggestion_id < cursor.suggestion_id)))
    query = query.order_by(rank.desc(), SuggestionRow.created_at.desc(), SuggestionRow.suggestion_id.desc())
    with store.session() as session:
        rows = session.execute(query.limit(limit + 1)).all()
        page = rows[:limit]
        events = _events(session, [row[0].suggestion_id for row in page])
    items = []
    for suggestion, decision, ticket, desk, _ in page:
        mine = events.get(suggestion.suggestion_id, [])
        draft = suggestion.draft
        items.append(InboxItem(
            suggestion_id=suggestion.suggestion_id, ticket_id=suggestion.ticket_id,
            created_at=as_utc(suggestion.created_at), subject=_subject(ticket), language=suggestion.language,
            channel=suggestion.channel, decision=_decision(suggestion, decision), has_draft=draft is not None,
            ready_to_send=None if draft is None else not draft.get("unfilled") and not draft.get("needs_confirmation"),
            review=mine[-1] if mine else None, reviews=len(mine), stale=_staleness(desk)))
    next_cursor = None
    if len(rows) > limit:
        last, _, _, _, last_rank = page[-1]
        next_cursor = Cursor(int(last_rank), as_utc(last.created_at), last.suggestion_id)
    return items, next_cursor


def _events(session: Session, suggestion_ids: Sequence[str]) -> dict[str, list[Review]]:
    """Feedback events of these suggestions, oldest first."""
    if not suggestion_ids:
        return {}
    found: dict[str, list[Review]] = {}
    query = (select(FeedbackEventRow).where(FeedbackEventRow.suggestion_id.in_(suggestion_ids))
             .order_by(FeedbackEventRow.created_at, FeedbackEventRow.id))
    for event in session.scalars(query):
        found.setdefault(event.suggestion_id, []).append(_review(event))
    return found


def get_view(store: FeedbackStore, suggestion_id: str, *, key_tenant: str | None = None) -> SuggestionView:
    """One suggestion as stored; NotFound when there is none (or it is of another tenant's ticket)."""
    with store.session() as session:
        suggestion = session.get(SuggestionRow, suggestion_id)
        ticket = None if suggestion is None else session.get(TicketRow, suggestion.ticket_id)
        if suggestion is None or ticket is None or (key_tenant is not None and ticket.tenant != key_tenant):
            raise NotFound(f"no suggestion {suggestion_id!r}")
        decision = session.scalars(select(RoutingDecisionRow).where(
            RoutingDecisionRow.suggestion_id == suggestion_id).order_by(RoutingDecisionRow.id.desc()).limit(1)).first()
        reviews = _events(session, [suggestion_id]).get(suggestion_id, [])
        desk = session.get(DeskSuggestionRow, suggestion_id)
        return SuggestionView(
            suggestion_id=suggestion_id, ticket_id=suggestion.ticket_id, created_at=as_utc(suggestion.created_at),
            subject=ticket.subject, body=ticket.body, channel=suggestion.channel, language=suggestion.language,
            tenant=ticket.tenant, decision=_decision(suggestion, decision), draft=suggestion.draft,
            draft_error=suggestion.draft_error, sources=dict(suggestion.sources or {}),
            warnings=[str(w) for w in suggestion.warnings or []], index_version=suggestion.index_version,
            reviews=reviews, stale=_staleness(desk))
