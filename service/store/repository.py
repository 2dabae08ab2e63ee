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
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from rapidfuzz.distance import Levenshtein
from sqlalchemy import Engine, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models.pii import Redactor
from service.privacy import IdGuard
from service.records import NewLabel, OwnershipConflict, RouteRecord, SuggestionRecord, TicketSeen
from service.store import db, new_labels
from service.store.customers import CustomerRefs
from service.store.errors import IdempotencyConflict, InvalidFeedback, NotFound, StoreError
from service.store.tables import (
    DeskSuggestionRow,
    FeedbackEventRow,
    ResolutionRow,
    RoutingDecisionRow,
    SuggestionRow,
    TicketRow,
)

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
    # Who sends it: the key's tenant (None: any; a suggestion of another tenant's ticket is then "not found") and
    # name, and the correction's labels accepted as new (recorded in `new_labels` with the event).
    key_tenant: str | None = None
    key_name: str | None = None
    new_labels: tuple[NewLabel, ...] = ()
    # Concurrent review guard: refuse (AlreadyReviewed) when another feedback event already exists.
    if_unreviewed: bool = False
    # Stale guard: refuse (StaleSuggestion) when a desk connector marked the suggestion stale (superseded).
    if_current: bool = False

    def request_hash(self) -> str:
        fields = asdict(self)
        for name in ("idempotency_key", "key_tenant", "key_name", "new_labels", "if_unreviewed", "if_current"):
            fields.pop(name)
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


class AlreadyReviewed(StoreError):
    """Feedback sent with `if_unreviewed` while another review of the suggestion exists (who and when)."""

    code = "already_reviewed"
    status = 409

    def __init__(self, suggestion_id: str, *, action: str, agent_id: str, reviewed_at: datetime) -> None:
        self.action, self.agent_id, self.reviewed_at = action, agent_id, reviewed_at
        super().__init__(f"suggestion {suggestion_id!r} was already reviewed: {action} by {agent_id!r} at "
                         f"{reviewed_at.isoformat()}")


class StaleSuggestion(StoreError):
    """Feedback sent with `if_current` on a suggestion a newer one superseded (the customer replied since)."""

    code = "stale_suggestion"
    status = 409

    def __init__(self, suggestion_id: str, *, superseded_by: str | None, stale_at: datetime) -> None:
        self.superseded_by, self.stale_at = superseded_by, stale_at
        super().__init__(f"suggestion {suggestion_id!r} is stale: the customer replied and suggestion "
                         f"{superseded_by!r} superseded it at {stale_at.isoformat()}; review that one instead")


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
    suggestion_id: str | None = None  # must be a suggestion of this ticket
    # Who sends it: the key's id, tenant (None: any; a ticket of another tenant is then "not found") and name,
    # and the labels accepted as new (recorded in `new_labels` with the resolution).
    key_id: str | None = None
    key_tenant: str | None = None
    key_name: str | None = None
    new_labels: tuple[NewLabel, ...] = ()
    customer_id: str | None = None  # the desk's customer id: stored as its keyed hash only (tickets.customer_ref)


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
    customer_ref: str | None = None  # the ticket's pseudonymous customer reference, for the case's metadata


def edit_distance(draft: str | None, final: str | None) -> float | None:
    """Levenshtein distance normalized by the longer text: 0 = unchanged, 1 = nothing kept."""
    if draft is None or final is None:
        return None
    return round(float(Levenshtein.normalized_distance(draft, final)), 6)


class FeedbackStore:
    """The store behind the feedback loop. Thread-safe: each call opens its own session."""

    def __init__(self, engine: Engine, redactor: Redactor, ids: IdGuard | None = None,
                 customer_refs: CustomerRefs | None = None) -> None:
        self.engine = engine
        # Keyed hashes of customer ids (service/store/customers.py), kept with tickets for erasure by customer;
        # None: tickets are stored without a customer reference.
        self.customer_refs = customer_refs
        self.redactor = redactor
        # Ticket and agent ids holding personal data are stored as keyed hashes (service/privacy.py); without a
        # key they are refused. Every method taking an id maps it with `self.ids.stored` first.
        self.ids = ids if ids is not None else IdGuard(None, enabled=redactor.enabled)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, redactor: Redactor, ids: IdGuard | None = None, migrate: bool = True,
             pool_size: int = 5, connect_args: dict[str, Any] | None = None,
             customer_refs: CustomerRefs | None = None) -> FeedbackStore:
        engine = db.open_engine(url, pool_size=pool_size, connect_args=connect_args)
        try:
            db.upgrade(engine) if migrate else db.check_schema(engine)
        except Exception:
            engine.dispose()
            raise
        redactor.load()
        return cls(engine, redactor, ids, customer_refs)

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
                update: Sequence[str], *, keep_if_null: Sequence[str] = (), where: Any = None) -> bool:
        """Insert, or on a key conflict update `update` (and `keep_if_null` unless the new value is NULL) where
        `where` holds; False when an existing row was left alone because `where` did not hold."""
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(table).values(**values)
        changes: dict[str, Any] = {name: statement.excluded[name] for name in update}
        changes |= {name: func.coalesce(statement.excluded[name], getattr(table, name)) for name in keep_if_null}
        statement = statement.on_conflict_do_update(index_elements=list(keys), set_=changes, where=where)
        return session.execute(statement.returning(getattr(table, keys[0]))).first() is not None

    def _ticket(self, session: Session, ticket: TicketSeen, now: datetime) -> bool:
        """Insert or update the ticket; False (nothing written) when a key bound to a tenant sends the id of a
        ticket of another tenant. The first key's id stays; a write without a tenant keeps the stored one."""
        known = (ticket.customer_name,) if ticket.customer_name else ()
        values = {"ticket_id": self.ids.stored(ticket.ticket_id),
                  "subject": self.redactor.redact(ticket.subject, known_names=known),
                  "body": self.redactor.redact(ticket.body, known_names=known), "channel": ticket.channel,
                  "language": ticket.language, "tenant": ticket.tenant, "key_id": ticket.key_id,
                  "customer_ref": self._customer_ref(ticket.customer_id, ticket.tenant),
                  "first_seen_at": now, "last_seen_at": now}
        owned = None if ticket.key_tenant is None else TicketRow.tenant == ticket.key_tenant
        return self._upsert(session, TicketRow, values, ["ticket_id"],
                            ["subject", "body", "channel", "language", "last_seen_at"],
                            keep_if_null=["tenant", "customer_ref"],
                            where=owned)

    def _customer_ref(self, customer_id: str | None, tenant: str | None) -> str | None:
        return None if self.customer_refs is None else self.customer_refs.ref_optional(customer_id, tenant)

    def _decision(self, session: Session, record: RouteRecord, now: datetime) -> None:
        session.add(RoutingDecisionRow(
            ticket_id=self.ids.stored(record.ticket.ticket_id), suggestion_id=record.suggestion_id, topic=record.topic,
            topic_confidence=record.topic_confidence, alternatives=list(record.alternatives), urgency=record.urgency,
            queue=record.queue, priority=record.priority, sla_minutes=record.sla_minutes,
            needs_human=record.needs_human, reason=record.reason, model_version=record.model_version,
            created_at=now, applied_rules=list(record.applied_rules),
            signals=[{**signal, "evidence": self.redactor.redact(signal.get("evidence", ""))}
                     for signal in record.signals]))

    def record_routes(self, records: Sequence[RouteRecord]) -> None:
        if not records:
            return
        now = utcnow()
        with self.session() as session:
            written = [record for record in records if self._ticket(session, record.ticket, now)]
            session.flush()
            for record in written:
                self._decision(session, record, now)
        if len(written) < len(records):  # ticket ids another tenant holds: neither the ticket nor the decision
            logger.warning("routing decisions not stored: their ticket ids belong to another tenant",
                           extra={"count": len(records) - len(written)})

    # -- suggestions ----------------------------------------------------------------------------------------
    def record_suggestion(self, record: SuggestionRecord) -> None:
        """The suggestion and its routing decision, in one transaction (the `SuggestionSink` protocol)."""
        now = utcnow()
        route = record.route
        known = (route.ticket.customer_name,) if route.ticket.customer_name else ()
        draft = self.redactor.redact_mapping(record.draft, known_names=known) if record.draft is not None else None
        with self.session() as session:
            if not self._ticket(session, route.ticket, now):
                raise OwnershipConflict(f"ticket id {route.ticket.ticket_id!r} belongs to another tenant")
            session.flush()
            self._decision(session, route, now)
            session.add(SuggestionRow(
                suggestion_id=record.suggestion_id, ticket_id=self.ids.stored(route.ticket.ticket_id), created_at=now,
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
                if suggestion is None or not self._tenant_may_see(session, suggestion.ticket_id,
                                                                  feedback.key_tenant):
                    raise NotFound(f"no suggestion {feedback.suggestion_id!r}")
                if feedback.if_current:
                    desk = session.get(DeskSuggestionRow, feedback.suggestion_id)
                    if desk is not None and desk.stale_at is not None:
                        raise StaleSuggestion(feedback.suggestion_id, superseded_by=desk.superseded_by,
                                              stale_at=as_utc(desk.stale_at))
                if feedback.if_unreviewed:
                    self._check_unreviewed(session, feedback)
                if feedback.action == "accepted":
                    distance: float | None = 0.0 if suggestion.draft_text is not None else None
                elif feedback.action == "edited":
                    distance = edit_distance(suggestion.draft_text or "", final_text)
                else:
                    distance = None
                event = FeedbackEventRow(
                    suggestion_id=feedback.suggestion_id, idempotency_key=feedback.idempotency_key,
                    request_hash=request_hash, action=feedback.action, agent_id=self.ids.stored(feedback.agent_id),
                    final_text=final_text, edit_distance=distance, reason_code=feedback.reason_code,
                    reason_text=self.redactor.redact(feedback.reason_text) if feedback.reason_text else None,
                    corrected_topic=feedback.corrected_topic, corrected_urgency=feedback.corrected_urgency,
                    corrected_queue=feedback.corrected_queue, created_at=utcnow())
                session.add(event)
                session.flush()
                new_labels.add(session, feedback.new_labels, source="feedback", ref=str(event.id),
                               key_name=feedback.key_name)
                return self._feedback_record(event, replayed=False)
        except IntegrityError:
            # The key was used before (a retry, or a concurrent request that committed first): answer with the
            # stored event. Inserting first keeps the common case, a new key, to one transaction.
            replayed = self._replay(feedback, request_hash)
            if replayed is None:
                raise
            return replayed

    @staticmethod
    def _check_unreviewed(session: Session, feedback: NewFeedback) -> None:
        """Raise AlreadyReviewed when a feedback event other than this request's own retry exists. A no-op write
        to the suggestion row comes first: it takes the row lock (PostgreSQL) or the write lock (SQLite, whose
        transaction starts at the first write), so two guarded reviews of one suggestion run one after the other
        and the second sees the first."""
        session.execute(update(SuggestionRow).where(SuggestionRow.suggestion_id == feedback.suggestion_id)
                        .values(latency_ms=SuggestionRow.latency_ms))
        query = select(FeedbackEventRow).where(FeedbackEventRow.suggestion_id == feedback.suggestion_id)
        if feedback.idempotency_key is not None:  # a retry of this very request is replayed, not refused
            query = query.where((FeedbackEventRow.idempotency_key != feedback.idempotency_key)
                                | FeedbackEventRow.idempotency_key.is_(None))
        other = session.scalars(query.order_by(FeedbackEventRow.created_at.desc()).limit(1)).first()
        if other is not None:
            raise AlreadyReviewed(feedback.suggestion_id, action=other.action, agent_id=other.agent_id,
                                  reviewed_at=as_utc(other.created_at))

    @staticmethod
    def _tenant_may_see(session: Session, ticket_id: str, key_tenant: str | None) -> bool:
        """A key bound to a tenant sees only that tenant's tickets (and their suggestions); others see all."""
        if key_tenant is None:
            return True
        ticket = session.get(TicketRow, ticket_id)
        return ticket is not None and ticket.tenant == key_tenant

    def count_feedback(self) -> int:
        with self.session() as session:
            return int(session.scalar(select(func.count()).select_from(FeedbackEventRow)) or 0)

    # -- resolutions ----------------------------------------------------------------------------------------
    def record_resolution(self, resolution: NewResolution) -> ResolutionRecord:
        """Store the final labels and reply; the ticket text comes from the request or from when it was seen."""
        now = utcnow()
        resolution = replace(resolution, ticket_id=self.ids.stored(resolution.ticket_id),
                             agent_id=self.ids.stored_optional(resolution.agent_id))
        with self.session() as session:
            ticket = session.get(TicketRow, resolution.ticket_id)
            if ticket is not None and not self._tenant_may_see(session, ticket.ticket_id, resolution.key_tenant):
                raise NotFound(f"no ticket {resolution.ticket_id!r}")
            if resolution.suggestion_id is not None:
                suggestion = session.get(SuggestionRow, resolution.suggestion_id)
                if suggestion is None or suggestion.ticket_id != resolution.ticket_id:
                    raise InvalidFeedback(f"suggestion {resolution.suggestion_id!r} is not a suggestion of ticket "
                                          f"{resolution.ticket_id!r}")
            if resolution.subject is not None or resolution.body is not None:
                seen = TicketSeen(ticket_id=resolution.ticket_id, subject=resolution.subject or "",
                                  body=resolution.body or "",
                                  channel=resolution.channel or (ticket.channel if ticket else None),
                                  language=resolution.language or (ticket.language if ticket else None),
                                  tenant=resolution.tenant or (ticket.tenant if ticket else None),
                                  key_id=resolution.key_id, key_tenant=resolution.key_tenant,
                                  customer_id=resolution.customer_id)
                if not self._ticket(session, seen, now):  # another tenant stored this id since the check above
                    raise NotFound(f"no ticket {resolution.ticket_id!r}")
                session.flush()
                ticket = session.get(TicketRow, resolution.ticket_id, populate_existing=True)
            if ticket is None or not (ticket.subject or ticket.body).strip():
                raise InvalidFeedback(f"ticket {resolution.ticket_id!r} was never seen by the service: send its "
                                      "subject and body with the resolution")
            if ticket.customer_ref is None:  # seen before without a customer id: the resolution names one
                ticket.customer_ref = self._customer_ref(resolution.customer_id, resolution.tenant or ticket.tenant)
            previous = session.get(ResolutionRow, resolution.ticket_id)
            reply = self.redactor.redact(resolution.reply)
            values = {"ticket_id": resolution.ticket_id, "suggestion_id": resolution.suggestion_id,
                      "topic": resolution.topic, "urgency": resolution.urgency, "queue": resolution.queue,
                      "reply": reply, "agent_id": resolution.agent_id, "indexed": False, "index_version": None,
                      "resolved_at": now}
            self._upsert(session, ResolutionRow, values, ["ticket_id"], [k for k in values if k != "ticket_id"])
            new_labels.add(session, resolution.new_labels, source="resolution", ref=resolution.ticket_id,
                           key_name=resolution.key_name, now=now)
            return ResolutionRecord(
                ticket_id=resolution.ticket_id, subject=ticket.subject, body=ticket.body, reply=reply,
                topic=resolution.topic, urgency=resolution.urgency, queue=resolution.queue,
                channel=ticket.channel, language=ticket.language, tenant=ticket.tenant, resolved_at=now,
                replaced=previous is not None, customer_ref=ticket.customer_ref)

    def mark_indexed(self, ticket_id: str, index_version: str) -> None:
        with self.session() as session:
            resolution = session.get(ResolutionRow, self.ids.stored(ticket_id))
            if resolution is not None:
                resolution.indexed = True
                resolution.index_version = index_version
