"""The suggestion pipeline, with no HTTP in it: route -> retrieve -> draft -> record.

`Suggester` holds the drafter and the suggestion sink (built once in the lifespan). `prepare` routes and
retrieves; `finish` drafts (failures degrade to no draft plus the reason) and records the suggestion, so the
streaming route can send routing and retrieval before the draft.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from sqlalchemy.exc import SQLAlchemyError

from index.holder import IndexHolder
from index.results import SearchFilters, SearchResults
from models.drafting.composer import ComposerDrafter
from models.drafting.phrasebook import PhraseBook
from models.drafting.types import Draft, Drafter, DraftingError, DraftRequest, Source
from models.errors import DeskmateError
from models.sentiment import SentimentScorer
from service.ids import new_id
from service.pipeline import Engine, RouteResult, TicketInput
from service.recording import route_record
from service.settings import Settings
from service.store.errors import StoreError
from service.store.repository import RouteRecord

logger = logging.getLogger(__name__)

def new_suggestion_id() -> str:
    """`sug_` + a ULID (unique, sorts by time)."""
    return new_id("sug_")


class SuggestionSink(Protocol):
    """Where suggestions go for the feedback loop (the feedback store, service/store)."""

    def record_suggestion(self, route: RouteRecord, suggestion: Mapping[str, Any]) -> None: ...


@dataclass(frozen=True, slots=True)
class SuggestInput:
    ticket: TicketInput
    desk: str
    customer_name: str | None = None
    history: tuple[Source, ...] = ()
    k_cases: int = 5
    k_articles: int = 3
    filters: SearchFilters = field(default_factory=SearchFilters)
    mode: str | None = None


@dataclass(slots=True)
class Suggestion:
    suggestion_id: str
    route: RouteResult
    search: SearchResults | None
    request: DraftRequest
    draft: Draft | None = None
    draft_error: str | None = None
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def _case_sources(results: SearchResults, holder: IndexHolder) -> list[Source]:
    index = holder.index
    sources = []
    for hit in results.cases:
        case = index.case(hit.id)
        customer = case.metadata.get("customer") if case is not None else None
        name = customer.get("name") if isinstance(customer, Mapping) else None
        sources.append(Source(id=hit.id, kind="case", text=case.resolution if case else hit.resolution_excerpt,
                              score=hit.dense_score or 0.0, language=hit.language, topic=hit.topic,
                              customer_name=name if isinstance(name, str) else None))
    return sources


def _article_sources(results: SearchResults) -> list[Source]:
    return [Source(id=a.id, kind="article", text=a.passage, score=min(1.0, a.score), language=a.language,
                   topic=a.topic, title=a.title, url=a.url) for a in results.articles]


class Suggester:
    """The drafter (or why there is none) and the sink."""

    def __init__(self, drafter: Drafter | None, sink: SuggestionSink | None, *, reason: str | None = None,
                 sink_reason: str | None = None) -> None:
        self.drafter = drafter
        self.sink = sink
        self.reason = reason
        self.sink_reason = sink_reason

    def _search(self, holder: IndexHolder, text: str, vector: Any, inp: SuggestInput,
                language: str) -> SearchResults:
        """Cases in the ticket's language when it has any (so a same-language reply is found when one exists),
        else the best cases in any language; articles by relevance."""
        filters = inp.filters
        results = holder.search(text, k_cases=inp.k_cases, k_articles=inp.k_articles, filters=filters,
                                mode=inp.mode, query_vector=vector)
        if filters.language is None and inp.k_cases and any(c.language != language for c in results.cases):
            localized = SearchFilters(language=language, topic=filters.topic, channel=filters.channel,
                                      tenant=filters.tenant)
            cases = holder.search(text, k_cases=inp.k_cases, k_articles=0, filters=localized, mode=inp.mode,
                                  query_vector=vector).cases
            if cases:  # articles stay ranked by relevance alone: few exist in every language
                return replace(results, cases=cases)
        return results

    def prepare(self, *, engine: Engine, holder: IndexHolder | None, inp: SuggestInput,
                index_reason: str | None = None,
                router: Callable[[TicketInput, str], RouteResult] | None = None) -> Suggestion:
        """`router`: how to route the ticket (the service passes its request batcher); default `engine.route`."""
        started = time.perf_counter()
        if router is None:
            (route,) = engine.route([inp.ticket], desk=inp.desk)
        else:
            route = router(inp.ticket, inp.desk)
        routed = time.perf_counter()
        warnings: list[str] = []
        search: SearchResults | None = None
        cases: list[Source] = []
        articles: list[Source] = []
        if holder is not None and holder.ready:
            search = self._search(holder, route.text, route.vector, inp, route.language.code)
            cases, articles = _case_sources(search, holder), _article_sources(search)
        else:
            warnings.append(f"retrieval index not loaded: {index_reason or 'unknown reason'}")
        retrieved = time.perf_counter()
        request = DraftRequest(
            text=route.text, language=route.language.code, channel=inp.ticket.channel or "email",
            customer_name=inp.customer_name, tier=inp.ticket.tier, urgency=route.urgency.label,
            topic=None if route.needs_human_triage else route.topic.label, cases=tuple(cases),
            articles=tuple(articles), history=inp.history)
        return Suggestion(suggestion_id=new_suggestion_id(), route=route, search=search, request=request,
                          warnings=warnings,
                          timings={"route_ms": round((routed - started) * 1000, 3),
                                   "retrieve_ms": round((retrieved - routed) * 1000, 3)})

    def draft_stream(self, suggestion: Suggestion) -> Iterator[str]:
        """Text pieces of the draft while it is written; afterwards `suggestion` holds the draft or the error."""
        started = time.perf_counter()
        try:
            if self.drafter is None:
                raise DraftingError(f"no drafter is loaded: {self.reason}")
            for item in self.drafter.stream(suggestion.request):
                if isinstance(item, Draft):
                    suggestion.draft = item
                else:
                    yield item
            if suggestion.draft is None:
                raise DraftingError("the drafter returned no draft")
        except DeskmateError as exc:
            suggestion.draft_error = str(exc)
        except Exception as exc:  # drafting is optional: routing and retrieval still answer
            logger.exception("drafting failed")
            suggestion.draft_error = f"internal drafting error ({type(exc).__name__})"
        if suggestion.draft is not None:
            suggestion.warnings += suggestion.draft.warnings
        suggestion.timings["draft_ms"] = round((time.perf_counter() - started) * 1000, 3)

    def finish(self, suggestion: Suggestion, ticket: TicketInput) -> Suggestion:
        for _ in self.draft_stream(suggestion):
            pass
        self.record(suggestion, ticket)
        return suggestion

    def record(self, suggestion: Suggestion, ticket: TicketInput, customer_name: str | None = None) -> None:
        """Store the suggestion with its routing decision; if that fails the answer still goes out, flagged."""
        if self.sink is None:
            suggestion.warnings.append(f"suggestion was not stored ({self.sink_reason}): feedback on it will fail")
            return
        route, draft, request = suggestion.route, suggestion.draft, suggestion.request
        record = route_record(route, ticket, ticket_id=route.id or new_id("tkt_"),
                              suggestion_id=suggestion.suggestion_id,
                              customer_name=customer_name or suggestion.request.customer_name)
        try:
            self.sink.record_suggestion(record, {
                "suggestion_id": suggestion.suggestion_id,
                "index_version": suggestion.search.index_version if suggestion.search else None,
                "sources": {"case_ids": [c.id for c in request.cases], "article_ids": [a.id for a in request.articles],
                            "history_ids": [h.id for h in request.history]},
                "draft": draft.to_dict() if draft is not None else None,
                "draft_error": suggestion.draft_error, "warnings": list(suggestion.warnings),
                "latency_ms": round(sum(suggestion.timings.values()), 3),
            })
        except (StoreError, SQLAlchemyError, OSError) as exc:
            logger.error("could not store suggestion", extra={"error": str(exc),
                                                              "suggestion_id": suggestion.suggestion_id})
            suggestion.warnings.append("suggestion was not stored: feedback on it will fail")


def build_drafter(settings: Settings) -> Drafter:
    """The configured drafter; the LLM and local backends fall back to the default composer."""
    cfg = settings.drafting
    sentiment = SentimentScorer()
    sentiment.load()
    composer = ComposerDrafter(PhraseBook.load(cfg.phrasebook), sentiment=sentiment, agent_name=cfg.agent_name,
                               min_confidence=cfg.min_confidence)
    if cfg.backend == "default":
        return composer
    from models.drafting.llm import LLMDrafter, OpenAIChatClient

    if cfg.backend == "llm":
        key = cfg.llm_api_key.get_secret_value() if cfg.llm_api_key else None
        backend: Any = OpenAIChatClient(cfg.llm_url, cfg.llm_model, api_key=key, timeout=cfg.llm_timeout)
    else:
        from models.drafting.local import TransformersChat

        assert cfg.local_model_path is not None
        backend = TransformersChat(cfg.local_model_path, threads=settings.embedder.num_threads)
        backend.load()
    return LLMDrafter(backend, fallback=composer, max_tokens=cfg.llm_max_tokens)


def load_suggester(settings: Settings, sink: SuggestionSink | None, sink_reason: str | None = None) -> Suggester:
    """Called by the lifespan: a suggester whose drafter failed to load still routes and retrieves."""
    try:
        return Suggester(build_drafter(settings), sink, sink_reason=sink_reason)
    except DeskmateError as exc:
        logger.error("drafter not loaded", extra={"error": str(exc)})
        return Suggester(None, sink, reason=str(exc), sink_reason=sink_reason)
