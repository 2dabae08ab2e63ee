"""Typed records the pipeline hands to the store, and the protocols of the sinks that take them.

Plain dataclasses with no database in them: `service/pipeline.py` builds them, `service/store/` writes them
(redacted). A sink that fails raises; the pipeline turns that into a warning on the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol


@dataclass(frozen=True, slots=True)
class TicketSeen:
    ticket_id: str
    subject: str
    body: str
    channel: str | None = None
    language: str | None = None
    tenant: str | None = None
    # The customer's name from the request: redacted wherever it appears, even when NER is off.
    customer_name: str | None = None
    # The API key that sent it (its id, never the secret) and the tenant that key is bound to (None: any tenant).
    # A key bound to a tenant may not overwrite a ticket of another tenant (`OwnershipConflict`).
    key_id: str | None = None
    key_tenant: str | None = None
    # The desk's customer id, in memory only: the store keeps its keyed hash (`tickets.customer_ref`) for erasure.
    customer_id: str | None = None


class OwnershipConflict(Exception):
    """A sink refused to overwrite a ticket that another tenant stored under the same id."""


LabelKind = Literal["topic", "urgency", "queue"]


@dataclass(frozen=True, slots=True)
class NewLabel:
    """A label the live model or routing policy did not know, accepted because the request said `new_label`."""

    kind: LabelKind
    label: str


@dataclass(frozen=True, slots=True)
class RouteRecord:
    """One routing decision (the alternatives are the next-best topics, best first)."""

    ticket: TicketSeen
    topic: str
    topic_confidence: float
    alternatives: tuple[str, ...]
    urgency: str
    queue: str
    priority: str
    sla_minutes: int
    needs_human: bool
    reason: str | None
    model_version: str
    suggestion_id: str | None = None
    # The urgency signals that fired ({name, kind, evidence, raised_to}; evidence is ticket text, redacted when
    # stored) and the routing policy's override rules that applied, by name.
    signals: tuple[dict[str, str], ...] = ()
    applied_rules: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SuggestionSources:
    """Ids of what a draft was built from."""

    case_ids: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()
    history_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, list[str]]:
        return {"case_ids": list(self.case_ids), "article_ids": list(self.article_ids),
                "history_ids": list(self.history_ids)}


@dataclass(frozen=True, slots=True)
class SuggestionRecord:
    """A suggestion as shown to the agent, with its routing decision and what it was built from."""

    suggestion_id: str
    route: RouteRecord
    index_version: str | None
    sources: SuggestionSources
    draft: dict[str, Any] | None  # `Draft.to_dict()`, or None when drafting failed
    draft_error: str | None
    warnings: tuple[str, ...] = ()
    latency_ms: float | None = None


class SuggestionSink(Protocol):
    """Where suggestions go for the feedback loop (the feedback store); raises when it cannot store one."""

    def record_suggestion(self, record: SuggestionRecord) -> None: ...


class RouteSink(Protocol):
    """Where routing decisions of tickets with an id go (a background writer: never blocks routing)."""

    def submit(self, records: Sequence[RouteRecord]) -> None: ...
