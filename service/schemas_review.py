"""Response bodies of the review API: GET /v1/suggestions (the agent's inbox) and GET /v1/suggestions/{id}."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from service.schemas_feedback import Action, CorrectionOut
from service.schemas_suggest import DraftOut


class ReviewOut(BaseModel):
    """One agent's verdict on the suggestion (a feedback event)."""

    feedback_id: int
    action: Action
    agent_id: str
    reason_code: str | None
    reason: str | None = Field(description="The rejection reason as stored (redacted).")
    corrected: CorrectionOut | None
    edit_distance: float | None
    created_at: datetime


class SignalOut(BaseModel):
    """An urgency signal that fired."""

    name: str
    kind: str = Field(description="wording, sentiment, channel or tier.")
    evidence: str = Field(description="What fired it: the matched words (redacted ticket text; plain text, never "
                                      "markup), a sentiment score, the channel or the customer tier.")
    raised_to: str = Field(description="The urgency the signal asked for.")


class StaleOut(BaseModel):
    """A desk connector made a newer suggestion for this ticket (the customer replied): this one is stale."""

    stale_at: datetime
    superseded_by: str | None = Field(description="The newer suggestion to review instead.")


class DecisionOut(BaseModel):
    """The routing decision stored with the suggestion."""

    topic: str
    confidence: float | None = Field(description="Topic confidence; null for a suggestion stored without one.")
    alternatives: list[str] = Field(description="The next-best topics, best first.")
    urgency: str | None
    queue: str
    priority: str | None
    sla_minutes: int | None
    sla_due_at: datetime | None = Field(description="created_at + sla_minutes.")
    sla_seconds_left: int | None = Field(description="Seconds until sla_due_at at the time of the answer; "
                                                     "negative once overdue.")
    needs_human: bool | None
    reason: str | None = Field(description="Why a human should triage: low_confidence, small_margin, out_of_scope.")
    model_version: str
    signals: list[SignalOut] | None = Field(default=None, description="Urgency signals that fired (empty: none); "
                                                                      "null: stored before signals were kept.")
    applied_rules: list[str] | None = Field(default=None, description="Routing policy override rules that applied, "
                                                                      "by name (empty: none); null: stored before "
                                                                      "rules were kept.")


class InboxItemOut(BaseModel):
    suggestion_id: str
    ticket_id: str = Field(description="As stored (a keyed hash when ticket ids are treated as personal data).")
    created_at: datetime
    subject: str = Field(description="The ticket's subject (or the start of its body), redacted, cut short.")
    language: str | None
    channel: str | None
    decision: DecisionOut
    has_draft: bool
    ready_to_send: bool | None = Field(description="The draft's ready_to_send; null without a draft.")
    review: ReviewOut | None = Field(description="The latest review; null: not reviewed yet.")
    reviews: int = Field(description="How many reviews (feedback events) the suggestion has.")
    stale: StaleOut | None = Field(default=None, description="Set when a newer suggestion superseded this one.")


class InboxOut(BaseModel):
    items: list[InboxItemOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class TicketTextOut(BaseModel):
    ticket_id: str
    subject: str = Field(description="As stored: redacted.")
    body: str = Field(description="As stored: redacted, HTML already stripped. Plain text: never render as markup.")
    channel: str | None
    language: str | None


class SourceOut(BaseModel):
    """A source the draft cites, with the passage the page shows on hover/click."""

    source_id: str
    kind: Literal["case", "article", "history"]
    status: Literal["available", "erased", "unavailable"] = Field(description=(
        "available: found; erased: the case is no longer in the index (erased or deleted): nothing of it is shown; "
        "unavailable: no index is loaded, the source is another tenant's, or the article is no longer indexed."))
    text: str | None = Field(description="The case's resolution, or the article's passage the draft quotes (its "
                                         "start when no quote is found), as indexed, cut to 2,000 characters; null "
                                         "for history (its words are in `quotes`) and when not available.")
    title: str | None = Field(default=None, description="The article's title; null for cases and history.")
    quotes: list[str] = Field(description="The source's own words that the draft's sentences adapt.")


class SuggestionDetailOut(BaseModel):
    suggestion_id: str
    created_at: datetime
    ticket: TicketTextOut
    decision: DecisionOut
    draft: DraftOut | None = Field(description="As stored (redacted); `unfilled` positions are recomputed on the "
                                               "stored text, so a redacted name shows up as a placeholder.")
    draft_error: str | None
    sources: list[SourceOut] = Field(description="The draft's citations, in order of first use.")
    warnings: list[str]
    index_version: str | None
    reviews: list[ReviewOut] = Field(description="Reviews so far, oldest first.")
    stale: StaleOut | None = Field(default=None, description=(
        "Set when a newer suggestion superseded this one (the customer replied): review that one; feedback sent "
        "with `if_current` is refused (409 stale_suggestion)."))
