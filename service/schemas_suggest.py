"""Request and response bodies of /v1/suggest and /v1/suggest/stream."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from service.schemas import ArticleHitOut, CaseHitOut, RequestModel, RouteOut, SimilarIn


class HistoryItemIn(RequestModel):
    """One of the customer's previous tickets: its id and, optionally, a short summary the draft may mention."""

    id: str = Field(min_length=1, max_length=200)
    summary: str | None = Field(default=None, max_length=500)


class SuggestIn(SimilarIn):
    history: list[HistoryItemIn] = Field(default_factory=list, max_length=20,
                                         description="The customer's previous tickets, most recent first.")
    account_manager_in_copy: bool = Field(default=False, description=(
        "Whether the reply goes out with the customer's account manager in copy: only then may the draft say so "
        "(\"Your account manager is in copy...\") or offer to escalate to them."))


class SentenceOut(BaseModel):
    text: str
    sources: list[str] = Field(description="Ids of the cited sources this sentence restates.")
    phrase: str | None = Field(description="Phrase-book key when the sentence is fixed wording.")


class CitationOut(BaseModel):
    source_id: str
    kind: Literal["case", "article", "history"]
    sentences: list[int] = Field(description="Indices into `sentences` that this source supports.")


class UnfilledOut(BaseModel):
    placeholder: str = Field(description="The placeholder as it stands in `draft.text`, e.g. \"[order number]\".")
    kind: str = Field(description="order_number, amount, date, email, phone, agent, name, or other.")
    start: int = Field(description="Character offset in `draft.text` (`text[start:end] == placeholder`).")
    end: int


class DraftOut(BaseModel):
    text: str
    sentences: list[SentenceOut]
    citations: list[CitationOut]
    language: str
    tone: str
    drafter: str = Field(description="composer (default), llm:<model> or local:<model>.")
    confidence: float
    unfilled: list[UnfilledOut] = Field(default_factory=list, description=(
        "Placeholders the agent must fill before sending, with their positions in `text`."))
    ready_to_send: bool = Field(default=False, description=(
        "True only when nothing is left for the agent to fill or confirm (no `unfilled` placeholder, no sentence "
        "needing confirmation); a plugin must not send the draft as is while false."))


class SuggestOut(BaseModel):
    suggestion_id: str = Field(description="Stable, unique, time-ordered id (sug_<ulid>) for feedback.")
    id: str | None
    route: RouteOut
    cases: list[CaseHitOut]
    articles: list[ArticleHitOut]
    draft: DraftOut | None = Field(description="Null when drafting failed; the reason is in draft_error.")
    draft_error: str | None = None
    warnings: list[str] = Field(default_factory=list)
    index_version: str | None
    timings: dict[str, float]
