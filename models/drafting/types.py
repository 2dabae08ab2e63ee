"""What a drafter takes and returns, and the `Drafter` protocol every backend implements."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

from models.errors import DeskmateError

SourceKind = Literal["case", "article", "history"]


class DraftingError(DeskmateError):
    """A drafter could not produce a draft (the service answers without one, with this reason)."""

    code = "drafting_failed"


@dataclass(frozen=True, slots=True)
class Source:
    """A piece of evidence a draft may use: a resolved case's reply, an article passage, a past ticket."""

    id: str
    kind: SourceKind
    text: str  # the resolution, the passage, or the history summary
    score: float = 0.0  # retrieval score (cosine for cases when known)
    language: str | None = None
    topic: str | None = None
    title: str | None = None  # article title
    url: str | None = None  # article link
    customer_name: str | None = None  # the name the case's reply was addressed to (never copied)


@dataclass(frozen=True, slots=True)
class DraftRequest:
    """One ticket to answer, with its routing decision and the retrieved sources (best first)."""

    text: str
    language: str
    channel: str = "email"
    customer_name: str | None = None
    # a title the desk gives ("Frau", "Ms", "Sra."): with the name, the greeting is "Guten Tag Frau Anna Schneider,"
    # (models/drafting/names.py); a title in `customer_name` itself ("Frau Schneider") is read the same way
    customer_title: str | None = None
    tier: str | None = None
    urgency: str = "normal"
    topic: str | None = None
    cases: tuple[Source, ...] = ()
    articles: tuple[Source, ...] = ()
    history: tuple[Source, ...] = ()
    # topics whose articles fit the ticket besides `topic` (low-confidence alternatives, articles the routed
    # cases link); empty: `topic` alone
    topics: tuple[str, ...] = ()
    # Facts only the request can make true: phrase-book sentences stating them appear only when set.
    account_manager_in_copy: bool = False  # the reply goes out with the customer's account manager in copy


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a draft and where it comes from: sources it restates, or a phrase-book key."""

    text: str
    sources: tuple[str, ...] = ()
    phrase: str | None = None  # phrase-book key, e.g. "greeting.email"
    quote: str | None = None  # the source's own words this sentence adapts (before placeholders)


@dataclass(frozen=True, slots=True)
class Citation:
    """A source used by the draft and the sentences (0-based, into `Draft.sentences`) it supports."""

    source_id: str
    kind: SourceKind
    sentences: tuple[int, ...]


# Placeholders an agent must fill before sending: the phrase book's "[order number]", a redacted "[NAME]", and
# the conventions of imported replies ("{{Order Number}}", "<name>"); a Markdown link "[title](url)" is not one.
_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,60}\](?!\()|\{\{[^{}\n]{1,60}\}\}|<[A-Za-z][A-Za-z _-]{0,30}>")


@dataclass(frozen=True, slots=True)
class Unfilled:
    """A placeholder left in the draft text, with its character positions (`text[start:end] == placeholder`)."""

    placeholder: str
    kind: str  # "order_number", "amount", "agent", ... or "other" for a placeholder of an imported reply
    start: int
    end: int


def find_unfilled(text: str, kinds: Mapping[str, str] | None = None) -> list[Unfilled]:
    """Every placeholder in `text`, in order; `kinds` maps a placeholder's text to its kind."""
    kinds = kinds or {}
    return [Unfilled(placeholder=m.group(0), kind=kinds.get(m.group(0), "other"), start=m.start(), end=m.end())
            for m in _PLACEHOLDER.finditer(text)]


@dataclass(frozen=True, slots=True)
class AgentAction:
    """Something a source's agent did for its own customer ("I've refunded the second charge"), which may or may
    not be right for this customer: the draft never states it as done; the agent decides and does it.

    `text` is the action as the source put it (redacted), `source_id` the case or article it came from, `sentence`
    the index (into `Draft.sentences`) of the marked sentence that mentions it in the draft, or None when the
    draft leaves it out."""

    text: str
    source_id: str
    sentence: int | None = None


@dataclass(slots=True)
class Draft:
    text: str
    sentences: list[Sentence]
    citations: list[Citation]
    language: str
    tone: str  # e.g. "empathetic", "neutral", "friendly"
    drafter: str
    confidence: float
    warnings: list[str] = field(default_factory=list)
    # Placeholders left for the agent (found in `text` when a drafter gives none) and the indices of sentences
    # (into `sentences`) that state something the agent must confirm before sending.
    unfilled: list[Unfilled] = field(default_factory=list)
    needs_confirmation: list[int] = field(default_factory=list)
    # Actions taken from sources for the agent to decide on and do (never asserted as done in `text`).
    agent_actions: list[AgentAction] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.unfilled:
            self.unfilled = find_unfilled(self.text)

    @property
    def ready_to_send(self) -> bool:
        """True only when nothing is left for the agent to fill or confirm."""
        return not self.unfilled and not self.needs_confirmation

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def citations_for(sentences: list[Sentence], kinds: dict[str, SourceKind]) -> list[Citation]:
    """Group sentence indices by the source they cite, in order of first use."""
    used: dict[str, list[int]] = {}
    for i, sentence in enumerate(sentences):
        for source_id in sentence.sources:
            used.setdefault(source_id, []).append(i)
    return [Citation(source_id=s, kind=kinds[s], sentences=tuple(idx)) for s, idx in used.items()]


class Drafter(Protocol):
    """Turns a `DraftRequest` into a `Draft`; `stream` yields text pieces and ends with the final `Draft`."""

    @property
    def name(self) -> str: ...

    def draft(self, request: DraftRequest) -> Draft: ...

    def stream(self, request: DraftRequest) -> Iterator[str | Draft]: ...
