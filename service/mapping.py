"""HTTP request bodies -> pipeline inputs, and pipeline results -> response bodies, in one place."""

from __future__ import annotations

from index.documents import Case
from index.results import ArticleHit, CaseHit, SearchFilters, SearchResults
from models.drafting.types import Source
from models.errors import EmptyTextError, InvalidInputError
from service.errors import PayloadTooLarge
from service.pipeline import (
    Engine,
    RouteResult,
    SearchQuery,
    SimilarResult,
    SuggestInput,
    Suggestion,
    TicketInput,
)
from service.schemas import (
    ArticleHitOut,
    CaseHitOut,
    CaseIn,
    LabelScoreOut,
    LanguageOut,
    RouteOut,
    SearchFiltersIn,
    SignalOut,
    SimilarIn,
    SimilarOut,
    TicketIn,
    TimingsOut,
    TopicOut,
    UrgencyOut,
)
from service.schemas_suggest import CitationOut, DraftOut, SentenceOut, SuggestIn, SuggestOut
from service.settings import Settings
from service.store.repository import ResolutionRecord


# -- requests -> pipeline ---------------------------------------------------------------------------------------
def to_ticket(ticket: TicketIn, settings: Settings, position: int | None = None) -> TicketInput:
    """The ticket, after the size limit and the empty-text check (both name the ticket's position in a batch)."""
    where = "" if position is None else f"tickets[{position}]: "
    size = len(ticket.subject) + len(ticket.body)
    if size > settings.api.max_text_chars:
        raise PayloadTooLarge(f"{where}subject+body is {size} characters; the limit is {settings.api.max_text_chars}")
    if not ticket.subject.strip() and not ticket.body.strip():
        raise EmptyTextError(f"{where}subject and body are both empty")
    return TicketInput(subject=ticket.subject, body=ticket.body, id=ticket.id, channel=ticket.channel,
                       language=ticket.language, tier=ticket.customer.tier, customer_name=ticket.customer.name)


def desk_of(engine: Engine, requested: str | None, settings: Settings) -> str:
    desk = requested or settings.api.default_desk
    if desk not in engine.policy.spec.desks:
        raise InvalidInputError(f"unknown desk {desk!r}; expected one of {sorted(engine.policy.spec.desks)}")
    return desk


def to_filters(filters: SearchFiltersIn) -> SearchFilters:
    def one(value: str | list[str] | None) -> str | tuple[str, ...] | None:
        return tuple(value) if isinstance(value, list) else value

    return SearchFilters(language=one(filters.language), topic=one(filters.topic), channel=one(filters.channel),
                         tenant=one(filters.tenant))


def to_query(body: SimilarIn, settings: Settings) -> SearchQuery:
    return SearchQuery(k_cases=settings.retrieval.k_cases if body.k_cases is None else body.k_cases,
                       k_articles=settings.retrieval.k_articles if body.k_articles is None else body.k_articles,
                       filters=to_filters(body.filters), mode=body.mode or settings.retrieval.mode)


def to_suggest_input(body: SuggestIn, engine: Engine, settings: Settings) -> SuggestInput:
    return SuggestInput(
        ticket=to_ticket(body, settings), desk=desk_of(engine, body.desk, settings),
        history=tuple(Source(id=h.id, kind="history", text=h.summary or "") for h in body.history),
        query=to_query(body, settings))


def case_from_request(item: CaseIn) -> Case:
    return Case.from_ticket(id=item.id, subject=item.subject, body=item.body, resolution=item.resolution,
                            topic=item.topic, urgency=item.urgency, language=item.language, channel=item.channel,
                            tenant=item.tenant, resolved_at=item.resolved_at, metadata=item.metadata)


def case_from_resolution(stored: ResolutionRecord) -> Case:
    """The stored (redacted) resolution as a resolved case for the live index."""
    return Case.from_ticket(id=stored.ticket_id, subject=stored.subject, body=stored.body, resolution=stored.reply,
                            topic=stored.topic, urgency=stored.urgency, language=stored.language,
                            channel=stored.channel, tenant=stored.tenant,
                            resolved_at=stored.resolved_at.isoformat(timespec="seconds"))


# -- pipeline -> responses ----------------------------------------------------------------------------------------
def route_out(result: RouteResult) -> RouteOut:
    return RouteOut(
        id=result.id,
        topic=TopicOut(label=result.topic.label, confidence=round(result.topic.confidence, 4),
                       alternatives=[LabelScoreOut(label=a.label, confidence=round(a.probability, 4))
                                     for a in result.topic.alternatives]),
        urgency=UrgencyOut(label=result.urgency.label, model_label=result.urgency.model_label,
                           confidence=round(result.urgency.confidence, 4),
                           signals=[SignalOut(name=s.name, kind=s.kind, evidence=s.evidence, raised_to=s.raised_to)
                                    for s in result.urgency.signals]),
        queue=result.decision.queue, priority=result.decision.priority, desk=result.decision.desk,
        sla_minutes=result.decision.sla_minutes, needs_human_triage=result.needs_human_triage,
        reason=result.reason, applied_rules=result.decision.applied_rules,
        language=LanguageOut(code=result.language.code, confidence=round(result.language.confidence, 4),
                             source="request" if result.language_source == "request" else "detected"),
        model_version=result.model_version,
        timings=TimingsOut(embed_ms=result.timings.embed_ms, classify_ms=result.timings.classify_ms,
                           total_ms=result.timings.total_ms),
    )


def case_hit_out(hit: CaseHit) -> CaseHitOut:
    return CaseHitOut(id=hit.id, score=round(hit.score, 5), snippet=hit.snippet,
                      resolution_excerpt=hit.resolution_excerpt, topic=hit.topic, urgency=hit.urgency,
                      language=hit.language, channel=hit.channel, tenant=hit.tenant, resolved_at=hit.resolved_at,
                      dense_score=None if hit.dense_score is None else round(hit.dense_score, 5))


def article_hit_out(hit: ArticleHit) -> ArticleHitOut:
    return ArticleHitOut(id=hit.id, title=hit.title, url=hit.url, passage=hit.passage, position=hit.position,
                         heading=hit.heading, score=round(hit.score, 5), language=hit.language, topic=hit.topic)


def hits_out(search: SearchResults | None) -> tuple[list[CaseHitOut], list[ArticleHitOut]]:
    if search is None:
        return [], []
    return [case_hit_out(h) for h in search.cases], [article_hit_out(a) for a in search.articles]


def similar_out(result: SimilarResult, ticket_id: str | None) -> SimilarOut:
    cases, articles = hits_out(result.search)
    return SimilarOut(id=ticket_id, cases=cases, articles=articles, mode=result.search.mode,
                      index_version=result.search.index_version, timings=result.timings)


def draft_out(suggestion: Suggestion) -> DraftOut | None:
    draft = suggestion.draft
    if draft is None:
        return None
    return DraftOut(text=draft.text,
                    sentences=[SentenceOut(text=s.text, sources=list(s.sources), phrase=s.phrase)
                               for s in draft.sentences],
                    citations=[CitationOut(source_id=c.source_id, kind=c.kind, sentences=list(c.sentences))
                               for c in draft.citations],
                    language=draft.language, tone=draft.tone, drafter=draft.drafter, confidence=draft.confidence)


def suggest_out(suggestion: Suggestion, ticket_id: str | None) -> SuggestOut:
    cases, articles = hits_out(suggestion.search)
    timings = dict(suggestion.timings)
    timings["total_ms"] = round(sum(timings.values()), 3)
    return SuggestOut(suggestion_id=suggestion.suggestion_id, id=ticket_id, route=route_out(suggestion.route),
                      cases=cases, articles=articles, draft=draft_out(suggestion),
                      draft_error=suggestion.draft_error, warnings=suggestion.warnings,
                      index_version=None if suggestion.search is None else suggestion.search.index_version,
                      timings=timings)
