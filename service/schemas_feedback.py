"""Request and response bodies of the feedback loop: feedback, resolutions, quality metrics."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from service.schemas import Channel, RequestModel

Action = Literal["accepted", "edited", "rejected"]
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso_only(value: Any) -> Any:
    """Refuse what pydantic would otherwise read as a date (a Unix timestamp such as `0.5`): the schema says ISO."""
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError("expected an ISO 8601 date or datetime, e.g. 2026-11-01 or 2026-11-01T08:00:00Z")
    return value


# A query date: ISO 8601 date or datetime only.
IsoDateTime = Annotated[datetime | date, BeforeValidator(_iso_only)]
NEW_LABEL_DOC = ("True: a topic or queue the live model and routing policy do not know is meant; it is accepted "
                 "and recorded as new. Otherwise an unknown label is refused (422 unknown_label, with the "
                 "allowed values). Urgency levels are never new.")


class CorrectionOut(BaseModel):
    topic: str | None
    urgency: str | None
    queue: str | None


class CorrectionIn(RequestModel):
    """The agent's routing correction, when the model's was wrong."""

    topic: str | None = Field(default=None, min_length=1, max_length=200)
    urgency: str | None = Field(default=None, min_length=1, max_length=32)
    queue: str | None = Field(default=None, min_length=1, max_length=200)
    new_label: bool = Field(default=False, description=NEW_LABEL_DOC)


class FeedbackIn(RequestModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, json_schema_extra={"examples": [
        {"action": "accepted", "agent_id": "agent-17"},
        {"action": "edited", "agent_id": "agent-17", "final_text": "Hi Ana, I refunded the duplicate charge today.",
         "corrected": {"topic": "refunds"}},
        {"action": "rejected", "agent_id": "agent-17", "reason_code": "wrong_facts",
         "reason": "The refund window is 30 days, not 14."}],
        # What goes with each action (the validator below refuses the rest with 422).
        "oneOf": [
            {"properties": {"action": {"const": "accepted"}, "final_text": {"type": "null"},
                            "reason_code": {"type": "null"}, "reason": {"type": "null"}}},
            {"required": ["final_text"],
             "properties": {"action": {"const": "edited"}, "final_text": {"type": "string"},
                            "reason_code": {"type": "null"}, "reason": {"type": "null"}}},
            {"properties": {"action": {"const": "rejected"}, "final_text": {"type": "null"}},
             "anyOf": [{"required": ["reason_code"], "properties": {"reason_code": {"type": "string"}}},
                       {"required": ["reason"], "properties": {"reason": {"type": "string"}}}]}]})

    action: Action = Field(description="accepted: sent as drafted; edited: sent after changes (final_text); "
                                       "rejected: not used (reason_code and/or reason).")
    agent_id: str = Field(min_length=1, max_length=200)
    final_text: str | None = Field(default=None, min_length=1, max_length=20_000,
                                   description="The reply actually sent (edited only).")
    reason_code: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[a-z0-9_\-]+$",
                                    description="Rejection reason code, e.g. wrong_topic, wrong_facts, tone.")
    reason: str | None = Field(default=None, min_length=1, max_length=2_000, description="Rejection reason, free text.")
    corrected: CorrectionIn | None = None
    if_unreviewed: bool = Field(default=False, description=(
        "True: refuse (409 already_reviewed, naming who reviewed it and when) if another agent's feedback on this "
        "suggestion exists; a retry of this request with the same Idempotency-Key is still replayed."))
    if_current: bool = Field(default=False, description=(
        "True: refuse (409 stale_suggestion, naming the newer suggestion) if a desk connector marked this "
        "suggestion stale because the customer replied and a newer suggestion superseded it."))

    @model_validator(mode="after")
    def _consistent(self) -> FeedbackIn:
        if self.action == "edited" and self.final_text is None:
            raise ValueError("edited feedback needs final_text (the reply actually sent)")
        if self.action != "edited" and self.final_text is not None:
            raise ValueError(f"{self.action} feedback carries no final_text; use action=edited for a changed reply")
        if self.action == "rejected" and self.reason_code is None and self.reason is None:
            raise ValueError("rejected feedback needs reason_code or reason")
        if self.action != "rejected" and (self.reason_code is not None or self.reason is not None):
            raise ValueError("only rejected feedback carries a reason")
        return self


class FeedbackOut(BaseModel):
    feedback_id: int
    suggestion_id: str
    action: Action
    agent_id: str
    edit_distance: float | None = Field(description="Normalized Levenshtein distance draft -> final text.")
    corrected: CorrectionOut | None
    created_at: datetime
    replayed: bool = Field(description="True when this Idempotency-Key was seen before: nothing new was stored.")


class ResolutionIn(RequestModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, json_schema_extra={"examples": [{
        "topic": "billing", "urgency": "normal", "queue": "billing",
        "reply": "I refunded the duplicate charge; it reaches your card within 5 to 10 days.",
        "subject": "Charged twice this month", "body": "My card was charged twice for the Pro plan on Nov 3.",
        "channel": "email", "language": "en", "agent_id": "agent-17"}]})

    topic: str = Field(min_length=1, max_length=200, description="Final topic the agent chose.")
    urgency: str | None = Field(default=None, min_length=1, max_length=32)
    queue: str | None = Field(default=None, min_length=1, max_length=200)
    reply: str = Field(min_length=1, max_length=20_000, description="The reply actually sent to the customer.")
    subject: str | None = Field(default=None, max_length=1_000,
                                description="Ticket text; optional when the service has seen the ticket.")
    body: str | None = Field(default=None, max_length=20_000)
    channel: Channel | None = None
    language: str | None = Field(default=None, min_length=2, max_length=16)
    tenant: str | None = Field(default=None, max_length=200,
                               description="Empty or the key's own tenant for a key bound to one (filled from it).")
    agent_id: str | None = Field(default=None, max_length=200)
    suggestion_id: str | None = Field(default=None, max_length=40,
                                      description="The suggestion the reply came from; must be one of this ticket's.")
    new_label: bool = Field(default=False, description=NEW_LABEL_DOC)
    customer_id: str | None = Field(default=None, max_length=200, description=(
        "The desk's customer id, if the ticket was not sent with one: kept only as a keyed hash (erasure)."))


class ResolutionOut(BaseModel):
    ticket_id: str
    stored: bool
    replaced: bool = Field(description="True when an earlier resolution of this ticket was replaced.")
    indexed: bool = Field(description="True when the case is searchable in the live index now.")
    index_version: str | None
    warnings: list[str] = Field(default_factory=list)


class QualityOut(BaseModel):
    since: datetime
    until: datetime
    suggestions: int
    with_feedback: int
    accepted: int
    edited: int
    rejected: int
    acceptance_rate: float | None
    edited_share: float | None
    rejected_share: float | None
    mean_edit_distance: float | None
    rejection_reasons: dict[str, int]
    routing: dict[str, Any]
    by_day: list[dict[str, Any]]
