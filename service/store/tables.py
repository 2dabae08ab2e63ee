"""The feedback store's tables (SQLAlchemy 2 declarative). Text columns hold redacted text only.

Alembic migrations in `service/store/migrations` create and change these; a change here needs a new revision
(`alembic revision --autogenerate` against a scratch database, then review it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import BigInteger


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class TicketRow(Base):
    """A ticket the service has seen (by the desk's id; `tkt_…` when the request carried none)."""

    __tablename__ = "tickets"

    ticket_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    subject: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(16))
    tenant: Mapped[str | None] = mapped_column(String(200))
    # The API key that first stored this ticket (its id, never the secret); a later request from a key of another
    # tenant cannot overwrite it.
    key_id: Mapped[str | None] = mapped_column(String(32))
    # Pseudonymous reference to the customer (a keyed hash of the desk's customer id), for erasure by customer.
    customer_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RoutingDecisionRow(Base):
    """What the model decided for a ticket, kept to measure overrides and top-k agreement."""

    __tablename__ = "routing_decisions"
    __table_args__ = (Index("ix_routing_ticket_created", "ticket_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.ticket_id", ondelete="CASCADE"))
    suggestion_id: Mapped[str | None] = mapped_column(String(40))
    topic: Mapped[str] = mapped_column(String(200))
    topic_confidence: Mapped[float] = mapped_column(Float)
    alternatives: Mapped[list[Any]] = mapped_column(default=list)
    urgency: Mapped[str] = mapped_column(String(32))
    queue: Mapped[str] = mapped_column(String(200))
    priority: Mapped[str] = mapped_column(String(32))
    sla_minutes: Mapped[int] = mapped_column(Integer)
    needs_human: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # Urgency signals that fired ({name, kind, evidence (redacted), raised_to}) and override rules that applied;
    # NULL on decisions stored before revision 0008.
    signals: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    applied_rules: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)


class SuggestionRow(Base):
    """A drafted reply as shown to the agent, with what it was built from."""

    __tablename__ = "suggestions"

    suggestion_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.ticket_id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    channel: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(200))
    queue: Mapped[str] = mapped_column(String(200))
    model_version: Mapped[str] = mapped_column(String(100))
    index_version: Mapped[str | None] = mapped_column(String(100))
    drafter: Mapped[str | None] = mapped_column(String(100))
    draft_text: Mapped[str | None] = mapped_column(Text)
    draft: Mapped[dict[str, Any] | None] = mapped_column()
    sources: Mapped[dict[str, Any]] = mapped_column(default=dict)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    draft_error: Mapped[str | None] = mapped_column(Text)
    latency_ms: Mapped[float | None] = mapped_column(Float)


class FeedbackEventRow(Base):
    """An agent's verdict on a suggestion. Several per suggestion are allowed; metrics use the latest."""

    __tablename__ = "feedback_events"
    __table_args__ = (UniqueConstraint("idempotency_key", name="uq_feedback_idempotency_key"),
                      Index("ix_feedback_suggestion_created", "suggestion_id", "created_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    suggestion_id: Mapped[str] = mapped_column(ForeignKey("suggestions.suggestion_id", ondelete="CASCADE"))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[str] = mapped_column(String(200))
    final_text: Mapped[str | None] = mapped_column(Text)
    edit_distance: Mapped[float | None] = mapped_column(Float)
    reason_code: Mapped[str | None] = mapped_column(String(64))
    reason_text: Mapped[str | None] = mapped_column(Text)
    corrected_topic: Mapped[str | None] = mapped_column(String(200))
    corrected_urgency: Mapped[str | None] = mapped_column(String(32))
    corrected_queue: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ResolutionRow(Base):
    """How a ticket was finally resolved; the latest one per ticket wins and becomes a case in the index."""

    __tablename__ = "resolutions"

    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.ticket_id", ondelete="CASCADE"), primary_key=True)
    suggestion_id: Mapped[str | None] = mapped_column(String(40))
    topic: Mapped[str] = mapped_column(String(200))
    urgency: Mapped[str | None] = mapped_column(String(32))
    queue: Mapped[str | None] = mapped_column(String(200))
    reply: Mapped[str] = mapped_column(Text)
    agent_id: Mapped[str | None] = mapped_column(String(200))
    indexed: Mapped[bool] = mapped_column(Boolean, default=False)
    index_version: Mapped[str | None] = mapped_column(String(100))
    resolved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ApiKeyRow(Base):
    """An API key: its public id, a name, its scopes and the SHA-256 of its secret (the secret is never stored)."""

    __tablename__ = "api_keys"

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    scopes: Mapped[list[Any]] = mapped_column(JSON)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The tenant this key acts for; None = any tenant (single-tenant deployments).
    tenant: Mapped[str | None] = mapped_column(String(200), nullable=True)


class ErasureRow(Base):
    """An audit row for an erasure: when, by which key, of what kind and how much; never the erased data."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    erased_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "case" | "ticket" | "customer"
    key_name: Mapped[str | None] = mapped_column(String(200))
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)  # rows and index entries removed, by table


class NewLabelRow(Base):
    """A label the active model or routing policy did not know, accepted because the request said `new_label`."""

    __tablename__ = "new_labels"
    __table_args__ = (Index("ix_new_labels_kind_label", "kind", "label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # "topic" | "urgency" | "queue"
    label: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(16))  # "feedback" | "resolution" | "case"
    ref: Mapped[str] = mapped_column(String(200))  # feedback id, ticket id or case id
    key_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class RateBucketRow(Base):
    """A rate-limit token bucket shared by the service's workers when the store is PostgreSQL (service/ratelimit/).

    One row per API key and scope, changed by one atomic upsert per request; never holds personal data."""

    __tablename__ = "rate_buckets"

    bucket: Mapped[str] = mapped_column(String(200), primary_key=True)  # "<key id or admin-token>:<scope>"
    tokens: Mapped[float] = mapped_column(Float(precision=53))  # tokens left at updated_at
    updated_at: Mapped[float] = mapped_column(Float(precision=53))  # seconds since the epoch
    allowed: Mapped[bool] = mapped_column(Boolean)  # whether the last check took its tokens


class JobRow(Base):
    """A durable job (outbox) run by a worker (service/jobs/): queued -> running (leased) -> done | queued | dead.

    Payloads hold ids and redacted text only; `last_error` a short, redacted reason."""

    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("dedup_key", name="uq_jobs_dedup_key"),
                      Index("ix_jobs_state_run_after", "state", "run_after"),
                      Index("ix_jobs_state_locked_until", "state", "locked_until"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(16))  # queued | running | done | dead
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    dedup_key: Mapped[str | None] = mapped_column(String(300))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # not claimed before
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the running attempt's lease
    worker_id: Mapped[str | None] = mapped_column(String(200))  # who holds (or last held) the lease
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DeskSuggestionRow(Base):
    """A suggestion made for a help desk's webhook event (service/desks/): which desk and event, what was written back
    (or would have been, in dry-run), and when a newer suggestion for the same ticket made it stale."""

    __tablename__ = "desk_suggestions"
    __table_args__ = (Index("ix_desk_suggestions_ticket_created", "ticket_id", "created_at"),)

    suggestion_id: Mapped[str] = mapped_column(ForeignKey("suggestions.suggestion_id", ondelete="CASCADE"),
                                               primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.ticket_id", ondelete="CASCADE"))
    desk: Mapped[str] = mapped_column(String(50))
    event: Mapped[str] = mapped_column(String(16))  # created | replied
    job_id: Mapped[int | None] = mapped_column(Integer)
    write_back: Mapped[dict[str, Any] | None] = mapped_column()  # what was written (and the desk's answer)
    stale_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    superseded_by: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IndexChangeRow(Base):
    """One change of the live retrieval index, in the order every process applies it (service/changes/).

    `seq` orders the log (writers take a lock so seqs commit in order); rows of one write share `txn` and are
    applied together. `payload`: the redacted case as indexed (add), nothing (delete: `case_id`), the index
    directory (swap) or the model version (model). An erasure blanks the payloads of the erased cases' adds."""

    __tablename__ = "index_changes"
    __table_args__ = (Index("ix_index_changes_case_id", "case_id"), {"sqlite_autoincrement": True})

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                     autoincrement=True)
    txn: Mapped[str] = mapped_column(String(32))
    op: Mapped[str] = mapped_column(String(16))  # add | delete | swap | model
    case_id: Mapped[str | None] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    origin: Mapped[str] = mapped_column(String(200))  # "<host>:<pid>" of the process that wrote it
