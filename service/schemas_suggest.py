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
    kind: str = Field(description=(
        "order_number, amount, date, email, phone, agent, name, confirm (the marker before a sentence needing "
        "confirmation), language (the line telling the agent the draft is not in the customer's language and must "
        "be translated), or other."))
    start: int = Field(description="Character offset in `draft.text` (`text[start:end] == placeholder`).")
    end: int


class AgentActionOut(BaseModel):
    """An action a source's agent took for their own customer: never stated as done in the draft; the agent decides
    whether to do it for this customer."""

    text: str = Field(description="The action as the source put it, its facts replaced by placeholders.")
    source_id: str = Field(description="The case or article it comes from.")
    sentence: int | None = Field(description=(
        "Index into `sentences` of the marked sentence (\"[confirm before sending] ...\") that mentions it in "
        "`text`, or null when the draft leaves it out (it would still state that case's facts, or a public reply)."))


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
    needs_confirmation: list[int] = Field(default_factory=list, description=(
        "Indices into `sentences` of the sentences the agent must confirm (or delete) before sending: each is a "
        "source's action, marked in `text` with the phrase book's marker (\"[confirm before sending]\" in English)."))
    agent_actions: list[AgentActionOut] = Field(default_factory=list, description=(
        "Actions taken from the sources for the agent to decide on and do; none is asserted as done in `text`."))
    ready_to_send: bool = Field(default=False, description=(
        "True only when nothing is left for the agent to fill or confirm (no `unfilled` placeholder, no sentence "
        "needing confirmation); a plugin must not send the draft as is while false."))


class IssueOut(BaseModel):
    """One issue of a ticket that holds several (see docs/drafting.md, "Tickets with several issues")."""

    text: str = Field(description="The issue's span of the ticket text (subject and body as one plain text).")
    start: int = Field(description="Character offset of `text` in that plain text.")
    end: int
    topic: str
    confidence: float = Field(description="Topic confidence: the ticket's for the main issue, the segment's else.")
    queue: str = Field(description="The queue routing would pick for this issue on its own.")
    main: bool = Field(description="True for the routed (main) issue, listed first.")
    answer: Literal["main", "paragraph", "handoff"] | None = Field(default=None, description=(
        "How the draft answers it: the main draft, a grounded paragraph, or a hand-off line; null without a draft."))


class SuggestOut(BaseModel):
    suggestion_id: str = Field(description="Stable, unique, time-ordered id (sug_<ulid>) for feedback.")
    id: str | None
    route: RouteOut
    cases: list[CaseHitOut]
    articles: list[ArticleHitOut]
    draft: DraftOut | None = Field(description="Null when drafting failed; the reason is in draft_error.")
    draft_error: str | None = None
    warnings: list[str] = Field(default_factory=list)
    issues: list[IssueOut] = Field(default_factory=list, description=(
        "The ticket's issues when it holds several (main first); empty for a single-issue ticket."))
    index_version: str | None
    timings: dict[str, float]
