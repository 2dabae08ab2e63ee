"""`FeedbackStore`: writes what the service sees and what agents do, redacted, in short transactions.

Every text is redacted (models/pii.py) before it reaches the database. Writes that a client is told about
(suggestions, feedback, resolutions) commit before the response; routing decisions of plain `/v1/route`
calls go through `RouteRecorder`, a background writer, so routing never waits for the disk.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from rapidfuzz.distance import Levenshtein
from sqlalchemy import Engine, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models.pii import Redactor
from service.records import RouteRecord, SuggestionRecord, TicketSeen
from service.store import db
from service.store.errors import IdempotencyConflict, InvalidFeedback, NotFound
from service.store.tables import FeedbackEventRow, ResolutionRow, RoutingDecisionRow, SuggestionRow, TicketRow

logger = logging.getLogger(__name__)

ACTIONS = ("accepted", "edited", "rejected")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | date) -> datetime:
    """An aware UTC datetime: naive datetimes are taken as UTC (SQLite hands back what was written in UTC, and
    request parameters without an offset mean UTC); a date means its midnight UTC."""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class NewFeedback:
    suggestion_id: str
    action: str
    agent_id: str
    final_text: str | None = None
    reason_code: str | None = None
    reason_text: str | None = None
    corrected_topic: str | None = None
    corrected_urgency: str | None = None
    corrected_queue: str | None = None
    idempotency_key: str | None = None

    def request_hash(self) -> str:
        fields = asdict(self)
        fields.pop("idempotency_key")
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    id: int
    suggestion_id: str
    action: str
    agent_id: str
    edit_distance: float | None
    corrected_topic: str | None
    corrected_urgency: str | None
    corrected_queue: str | None
    created_at: datetime
    replayed: bool  # True when an earlier request with the same Idempotency-Key already stored it


@dataclass(frozen=True, slots=True)
class NewResolution:
    ticket_id: str
    topic: str
    reply: str
    urgency: str | None = None
    queue: str | None = None
    subject: str | None = None
    body: str | None = None
    channel: str | None = None
    language: str | None = None
    tenant: str | None = None
    agent_id: str | None = None
    suggestion_id: str | None = None


@dataclass(frozen=True, slots=True)
class ResolutionRecord:
    """What was stored (redacted), ready to become a case in the index."""

    ticket_id: str
    subject: str
    body: str
    reply: str
    topic: str
    urgency: str | None
    queue: str | None
    channel: str | None
    language: str | None
    tenant: str | None
    resolved_at: datetime
    replaced: bool


def edit_distance(draft: str | None, final: str | None) -> float | None:
    """Levenshtein distance normalized by the longer text: 0 = unchanged, 1 = nothing kept."""
    if draft is None or final is None:
        return None
    return round(float(Levenshtein.normalized_distance(draft, final)), 6)


class FeedbackStore:
    """The store behind the feedback loop. Thread-safe: each call opens its own session."""

    def __init__(self, engine: Engine, redactor: Redactor) -> None:
        self.engine = engine
        self.redactor = redactor
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, redactor: Redactor, migrate: bool = True, pool_size: int = 5,
             connect_args: dict[str, Any] | None = None) -> FeedbackStore:
        engine = db.open_engine(url, pool_size=pool_size, connect_args=connect_args)
        try:
            db.upgrade(engine) if migrate else db.check_schema(engine)
        except Exception:
            engine.dispose()
            raise
        redactor.load()
        return cls(engine, redactor)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    # -- tickets and routing ------------------------------------------------------------------------------
    def _upsert(self, session: Session, table: Any, values: dict[str, Any], keys: Sequence[str],
                update: Sequence[str]) -> None:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(table).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=list(keys), set_={name: statement.excluded[name] for name in update})
        session.execute(statement)

    def _ticket(self, session: Session, ticket: TicketSeen, now: datetime) -> None:
        known = (ticket.customer_name,) if ticket.customer_name else ()
        values = {"ticket_id": ticket.ticket_id, "subject": self.redactor.redact(ticket.subject, known_names=known),
                  "body": self.redactor.redact(ticket.body, known_names=known), "channel": ticket.channel,
                  "language": ticket.language, "tenant": ticket.tenant, "first_seen_at": now, "last_seen_at": now}
        self._upsert(session, TicketRow, values, ["ticket_id"],
                     ["subject", "body", "channel", "language", "tenant", "last_seen_at"])

    def _decision(self, session: Session, record: RouteRecord, now: datetime) -> None:
        session.add(RoutingDecisionRow(
            ticket_id=record.ticket.ticket_id, suggestion_id=record.suggestion_id, topic=record.topic,
            topic_confidence=record.topic_confidence, alternatives=list(record.alternatives), urgency=record.urgency,
            queue=record.queue, priority=record.priority, sla_minutes=record.sla_minutes,
            needs_human=record.needs_human, reason=record.reason, model_version=record.model_version,
            created_at=now))

    def record_routes(self, records: Sequence[RouteRecord]) -> None:
        if not records:
            return
        now = utcnow()
        with self.session() as session:
            for record in records:
                self._ticket(session, record.ticket, now)
            session.flush()
            for record in records:
                self._decision(session, record, now)

    # -- suggestions ----------------------------------------------------------------------------------------
    def record_suggestion(self, record: SuggestionRecord) -> None:
        """The suggestion and its routing decision, in one transaction (the `SuggestionSink` protocol)."""
        now = utcnow()
        route = record.route
        known = (route.ticket.customer_name,) if route.ticket.customer_name else ()
        draft = self.redactor.redact_mapping(record.draft, known_names=known) if record.draft is not None else None
        with self.session() as session:
            self._ticket(session, route.ticket, now)
            session.flush()
            self._decision(session, route, now)
            session.add(SuggestionRow(
                suggestion_id=record.suggestion_id, ticket_id=route.ticket.ticket_id, created_at=now,
                channel=route.ticket.channel, language=route.ticket.language, topic=route.topic, queue=route.queue,
                model_version=route.model_version, index_version=record.index_version,
                drafter=draft.get("drafter") if draft else None, draft_text=draft.get("text") if draft else None,
                draft=draft, sources=self.redactor.redact_mapping(record.sources.to_dict()),
                warnings=list(record.warnings), draft_error=record.draft_error, latency_ms=record.latency_ms))

    def get_suggestion(self, suggestion_id: str) -> SuggestionRow | None:
        with self.session() as session:
            return session.get(SuggestionRow, suggestion_id)

    # -- feedback -------------------------------------------------------------------------------------------
    @staticmethod
    def _feedback_record(event: FeedbackEventRow, *, replayed: bool) -> FeedbackRecord:
        return FeedbackRecord(id=event.id, suggestion_id=event.suggestion_id, action=event.action,
                              agent_id=event.agent_id, edit_distance=event.edit_distance,
                              corrected_topic=event.corrected_topic, corrected_urgency=event.corrected_urgency,
                              corrected_queue=event.corrected_queue, created_at=as_utc(event.created_at),
                              replayed=replayed)

    def _replay(self, feedback: NewFeedback, request_hash: str) -> FeedbackRecord | None:
        if feedback.idempotency_key is None:
            return None
        with self.session() as session:
            event = session.scalars(select(FeedbackEventRow).where(
                FeedbackEventRow.idempotency_key == feedback.idempotency_key)).one_or_none()
            if event is None:
                return None
            if event.request_hash != request_hash or event.suggestion_id != feedback.suggestion_id:
                raise IdempotencyConflict(
                    f"Idempotency-Key {feedback.idempotency_key!r} was already used for a different feedback request")
            return self._feedback_record(event, replayed=True)

    def add_feedback(self, feedback: NewFeedback) -> FeedbackRecord:
        """Store one feedback event; a repeat with the same Idempotency-Key returns the first one (`replayed`)."""
        if feedback.action not in ACTIONS:
            raise InvalidFeedback(f"action must be one of {ACTIONS}, not {feedback.action!r}")
        request_hash = feedback.request_hash()
        final_text = self.redactor.redact(feedback.final_text) if feedback.final_text is not None else None
        try:
            with self.session() as session:
                suggestion = session.get(SuggestionRow, feedback.suggestion_id)
                if suggestion is None:
                    raise NotFound(f"no suggestion {feedback.suggestion_id!r}")
                if feedback.action == "accepted":
                    distance: float | None = 0.0 if suggestion.draft_text is not None else None
                elif feedback.action == "edited":
                    distance = edit_distance(suggestion.draft_text or "", final_text)
                else:
                    distance = None
                event = FeedbackEventRow(
                    suggestion_id=feedback.suggestion_id, idempotency_key=feedback.idempotency_key,
                    request_hash=request_hash, action=feedback.action, agent_id=feedback.agent_id,
                    final_text=final_text, edit_distance=distance, reason_code=feedback.reason_code,
                    reason_text=self.redactor.redact(feedback.reason_text) if feedback.reason_text else None,
                    corrected_topic=feedback.corrected_topic, corrected_urgency=feedback.corrected_urgency,
                    corrected_queue=feedback.corrected_queue, created_at=utcnow())
                session.add(event)
                session.flush()
                return self._feedback_record(event, replayed=False)
        except IntegrityError:
            # The key was used before (a retry, or a concurrent request that committed first): answer with the
            # stored event. Inserting first keeps the common case, a new key, to one transaction.
            replayed = self._replay(feedback, request_hash)
            if replayed is None:
                raise
            return replayed

    def count_feedback(self) -> int:
        with self.session() as session:
            return int(session.scalar(select(func.count()).select_from(FeedbackEventRow)) or 0)

    # -- resolutions ----------------------------------------------------------------------------------------
    def record_resolution(self, resolution: NewResolution) -> ResolutionRecord:
        """Store the final labels and reply; the ticket text comes from the request or from when it was seen."""
        now = utcnow()
        with self.session() as session:
            ticket = session.get(TicketRow, resolution.ticket_id)
            if resolution.subject is not None or resolution.body is not None:
                seen = TicketSeen(ticket_id=resolution.ticket_id, subject=resolution.subject or "",
                                  body=resolution.body or "",
                                  channel=resolution.channel or (ticket.channel if ticket else None),
                                  language=resolution.language or (ticket.language if ticket else None),
                                  tenant=resolution.tenant or (ticket.tenant if ticket else None))
                self._ticket(session, seen, now)
                session.flush()
                ticket = session.get(TicketRow, resolution.ticket_id, populate_existing=True)
            if ticket is None or not (ticket.subject or ticket.body).strip():
                raise InvalidFeedback(f"ticket {resolution.ticket_id!r} was never seen by the service: send its "
                                      "subject and body with the resolution")
            previous = session.get(ResolutionRow, resolution.ticket_id)
            reply = self.redactor.redact(resolution.reply)
            values = {"ticket_id": resolution.ticket_id, "suggestion_id": resolution.suggestion_id,
                      "topic": resolution.topic, "urgency": resolution.urgency, "queue": resolution.queue,
                      "reply": reply, "agent_id": resolution.agent_id, "indexed": False, "index_version": None,
                      "resolved_at": now}
            self._upsert(session, ResolutionRow, values, ["ticket_id"], [k for k in values if k != "ticket_id"])
            return ResolutionRecord(
                ticket_id=resolution.ticket_id, subject=ticket.subject, body=ticket.body, reply=reply,
                topic=resolution.topic, urgency=resolution.urgency, queue=resolution.queue,
                channel=ticket.channel, language=ticket.language, tenant=ticket.tenant, resolved_at=now,
                replaced=previous is not None)

    def mark_indexed(self, ticket_id: str, index_version: str) -> None:
        with self.session() as session:
            resolution = session.get(ResolutionRow, ticket_id)
            if resolution is not None:
                resolution.indexed = True
                resolution.index_version = index_version
