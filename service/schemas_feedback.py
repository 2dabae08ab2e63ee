"""Request and response bodies of the feedback loop: feedback, resolutions, quality metrics."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from service.schemas import Channel, RequestModel

Action = Literal["accepted", "edited", "rejected"]


class CorrectionIn(RequestModel):
    """The agent's routing correction, when the model's was wrong."""

    topic: str | None = Field(default=None, min_length=1, max_length=200)
    urgency: str | None = Field(default=None, min_length=1, max_length=32)
    queue: str | None = Field(default=None, min_length=1, max_length=200)


class FeedbackIn(RequestModel):
    action: Action = Field(description="accepted: sent as drafted; edited: sent after changes (final_text); "
                                       "rejected: not used (reason_code and/or reason).")
    agent_id: str = Field(min_length=1, max_length=200)
    final_text: str | None = Field(default=None, min_length=1, max_length=20_000,
                                   description="The reply actually sent (edited only).")
    reason_code: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[a-z0-9_\-]+$",
                                    description="Rejection reason code, e.g. wrong_topic, wrong_facts, tone.")
    reason: str | None = Field(default=None, min_length=1, max_length=2_000, description="Rejection reason, free text.")
    corrected: CorrectionIn | None = None

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
    corrected: CorrectionIn | None
    created_at: datetime
    replayed: bool = Field(description="True when this Idempotency-Key was seen before: nothing new was stored.")


class ResolutionIn(RequestModel):
    topic: str = Field(min_length=1, max_length=200, description="Final topic the agent chose.")
    urgency: str | None = Field(default=None, min_length=1, max_length=32)
    queue: str | None = Field(default=None, min_length=1, max_length=200)
    reply: str = Field(min_length=1, max_length=20_000, description="The reply actually sent to the customer.")
    subject: str | None = Field(default=None, max_length=1_000,
                                description="Ticket text; optional when the service has seen the ticket.")
    body: str | None = Field(default=None, max_length=20_000)
    channel: Channel | None = None
    language: str | None = Field(default=None, min_length=2, max_length=16)
    tenant: str | None = Field(default=None, max_length=200)
    agent_id: str | None = Field(default=None, max_length=200)
    suggestion_id: str | None = Field(default=None, max_length=40)


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
