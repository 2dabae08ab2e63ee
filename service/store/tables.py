"""The feedback store's tables (SQLAlchemy 2 declarative). Text columns hold redacted text only.

Alembic migrations in `service/store/migrations` create and change these; a change here needs a new revision
(`alembic revision --autogenerate` against a scratch database, then review it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


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
