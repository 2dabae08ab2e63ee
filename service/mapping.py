"""HTTP request bodies -> pipeline inputs, and pipeline results -> response bodies, in one place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import anyio.to_thread

from index.documents import Case
from index.results import ArticleHit, CaseHit, SearchFilters, SearchResults
from models.drafting.types import Source
from models.errors import EmptyTextError, InvalidInputError
from models.text import plain_ticket, strip_html, ticket_text
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
from service.schemas_suggest import (
    AgentActionOut,
    CitationOut,
    DraftOut,
    IssueOut,
    SentenceOut,
    SuggestIn,
    SuggestOut,
    UnfilledOut,
)
from service.settings import Settings
from service.store.customers import METADATA_KEY, metadata_customer_id
from service.store.repository import ResolutionRecord


# -- requests -> pipeline ---------------------------------------------------------------------------------------
def to_ticket(ticket: TicketIn, settings: Settings, position: int | None = None) -> TicketInput:
    """The ticket as plain text (HTML stripped), after the limits; errors name the ticket's position in a batch.

    Subject+body over `max_raw_chars` as sent: 413. No text left after stripping HTML (comments, scripts and
    styles give none): 422 empty_text. Text over `max_text_chars` after stripping: cut to it, with a warning in
    the answer; the cut plain text is what is routed, searched and stored with the ticket."""
    where = "" if position is None else f"tickets[{position}]: "
    limits = settings.api
    raw = len(ticket.subject) + len(ticket.body)
    if raw > limits.max_raw_chars:
        raise PayloadTooLarge(f"{where}subject+body is {raw} characters as sent; the limit is {limits.max_raw_chars} "
                              "(DESKMATE_API__MAX_RAW_CHARS, before HTML is stripped)")
    plain = plain_ticket(ticket.subject, ticket.body, max_chars=limits.max_text_chars)
    text = plain.text
    if not text:
        raise EmptyTextError(f"{where}subject and body hold no text (also after removing HTML markup, comments, "
                             "scripts and styles)")
    warnings: tuple[str, ...] = ()
    if plain.truncated:
        warnings = (f"{where}text cut to its first {len(text)} of {plain.chars} characters (after removing HTML) "
                    f"for routing and retrieval: the limit is {limits.max_text_chars} (DESKMATE_API__MAX_TEXT_CHARS)",)
    return TicketInput(subject=plain.subject, body=plain.body, id=ticket.id, channel=ticket.channel,
                       language=ticket.language, tier=ticket.customer.tier, customer_name=ticket.customer.name,
                       customer_id=ticket.customer.id, text=text, warnings=warnings)


# Subject+body characters as sent above which HTML is stripped in a worker thread: below, stripping takes well under
# a millisecond; at the raw limit (200,000) of dense markup, about 0.1-0.3 s that must not stall the event loop.
STRIP_OFF_LOOP_CHARS = 20_000


def _raw_chars(tickets: Sequence[TicketIn]) -> int:
    return sum(len(t.subject) + len(t.body) for t in tickets)


async def ticket_input(ticket: TicketIn, settings: Settings) -> TicketInput:
    """`to_ticket` for an async route: a large ticket is stripped in a worker thread."""
    if _raw_chars([ticket]) <= STRIP_OFF_LOOP_CHARS:
        return to_ticket(ticket, settings)
    return await anyio.to_thread.run_sync(to_ticket, ticket, settings)


async def ticket_inputs(tickets: Sequence[TicketIn], settings: Settings) -> list[TicketInput]:
    """`to_ticket` for each ticket of a batch (errors name its position), in a worker thread when they are large."""
    def work() -> list[TicketInput]:
        return [to_ticket(t, settings, i) for i, t in enumerate(tickets)]

    return work() if _raw_chars(tickets) <= STRIP_OFF_LOOP_CHARS else await anyio.to_thread.run_sync(work)


def check_batch_text(tickets: Sequence[TicketInput], settings: Settings) -> None:
    """413 for a batch (tickets from `to_ticket`) whose text is over DESKMATE_API__MAX_BATCH_TEXT_CHARS: one
    request's CPU stays bounded."""
    total = sum(len(t.text or "") for t in tickets)
    if total > settings.api.max_batch_text_chars:
        raise PayloadTooLarge(f"the batch holds {total} characters of text (after removing HTML and cutting each "
                              f"ticket to DESKMATE_API__MAX_TEXT_CHARS); the limit is "
                              f"{settings.api.max_batch_text_chars} (DESKMATE_API__MAX_BATCH_TEXT_CHARS): send "
                              "fewer tickets per call")


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


async def suggest_input(body: SuggestIn, engine: Engine, settings: Settings) -> SuggestInput:
    """`to_suggest_input` for an async route: a large ticket is stripped in a worker thread."""
    return to_suggest_input(body, engine, settings, ticket=await ticket_input(body, settings))


def to_suggest_input(body: SuggestIn, engine: Engine, settings: Settings,
                     ticket: TicketInput | None = None) -> SuggestInput:
    return SuggestInput(
        ticket=ticket or to_ticket(body, settings), desk=desk_of(engine, body.desk, settings),
        history=tuple(Source(id=h.id, kind="history", text=h.summary or "") for h in body.history),
        query=to_query(body, settings), account_manager_in_copy=body.account_manager_in_copy)


def case_from_request(item: CaseIn) -> Case:
    return Case.from_ticket(id=item.id, subject=item.subject, body=item.body, resolution=item.resolution,
                            topic=item.topic, urgency=item.urgency, language=item.language, channel=item.channel,
                            tenant=item.tenant, resolved_at=item.resolved_at, metadata=item.metadata)


def check_cases_limits(cases: Sequence[CaseIn], settings: Settings) -> None:
    """413 for a case over DESKMATE_API__MAX_RAW_CHARS as sent (subject+body+resolution), or an upload whose text
    after removing HTML (subject, body and resolution of every case) is over DESKMATE_API__MAX_CASES_TEXT_CHARS:
    one upload's work (embedding, indexing, the index lock) stays bounded."""
    total = 0
    for i, case in enumerate(cases):
        raw = len(case.subject) + len(case.body) + len(case.resolution)
        if raw > settings.api.max_raw_chars:
            raise PayloadTooLarge(f"cases[{i}]: subject+body+resolution is {raw} characters as sent; the limit is "
                                  f"{settings.api.max_raw_chars} (DESKMATE_API__MAX_RAW_CHARS)")
        total += len(ticket_text(case.subject, case.body)) + len(strip_html(case.resolution))
    if total > settings.api.max_cases_text_chars:
        raise PayloadTooLarge(f"the upload holds {total} characters of case text and resolutions (after removing "
                              f"HTML); the limit is {settings.api.max_cases_text_chars} "
                              "(DESKMATE_API__MAX_CASES_TEXT_CHARS): send fewer cases per call")


def case_from_resolution(stored: ResolutionRecord) -> Case:
    """The stored (redacted) resolution as a resolved case for the live index."""
    return Case.from_ticket(id=stored.ticket_id, subject=stored.subject, body=stored.body, resolution=stored.reply,
                            topic=stored.topic, urgency=stored.urgency, language=stored.language,
                            channel=stored.channel, tenant=stored.tenant,
                            resolved_at=stored.resolved_at.isoformat(timespec="seconds"))


def case_customer_id(item: CaseIn) -> str | None:
    """The desk's customer id of a case to add: `customer_id`, else `metadata.customer.id` / `customer_id`."""
    return item.customer_id or metadata_customer_id(item.metadata)


def with_customer_ref(case: Case, customer_ref: str | None) -> Case:
    """The case with its pseudonymous customer reference in `metadata.customer_ref` (erasure by customer). Added
    after redaction: the reference is a keyed hash, never personal data, and must stay exactly as computed."""
    if customer_ref is None:
        return case
    return replace(case, metadata={**case.metadata, METADATA_KEY: customer_ref})


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
        warnings=list(result.warnings),
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
                      index_version=result.search.index_version, timings=result.timings,
                      warnings=list(result.warnings))


def draft_out(suggestion: Suggestion) -> DraftOut | None:
    draft = suggestion.draft
    if draft is None:
        return None
    return DraftOut(text=draft.text,
                    sentences=[SentenceOut(text=s.text, sources=list(s.sources), phrase=s.phrase)
                               for s in draft.sentences],
                    citations=[CitationOut(source_id=c.source_id, kind=c.kind, sentences=list(c.sentences))
                               for c in draft.citations],
                    language=draft.language, tone=draft.tone, drafter=draft.drafter, confidence=draft.confidence,
                    unfilled=[UnfilledOut(placeholder=u.placeholder, kind=u.kind, start=u.start, end=u.end)
                              for u in draft.unfilled],
                    needs_confirmation=list(draft.needs_confirmation),
                    agent_actions=[AgentActionOut(text=a.text, source_id=a.source_id, sentence=a.sentence)
                                   for a in draft.agent_actions],
                    ready_to_send=draft.ready_to_send)


def suggest_out(suggestion: Suggestion, ticket_id: str | None) -> SuggestOut:
    cases, articles = hits_out(suggestion.search)
    timings = dict(suggestion.timings)
    timings["total_ms"] = round(sum(timings.values()), 3)
    return SuggestOut(suggestion_id=suggestion.suggestion_id, id=ticket_id, route=route_out(suggestion.route),
                      cases=cases, articles=articles, draft=draft_out(suggestion),
                      draft_error=suggestion.draft_error, warnings=suggestion.warnings,
                      index_version=None if suggestion.search is None else suggestion.search.index_version,
                      timings=timings, issues=issues_out(suggestion))


def issues_out(suggestion: Suggestion) -> list[IssueOut]:
    drafted = suggestion.draft is not None
    return [IssueOut(text=i.text, start=i.start, end=i.end, topic=i.topic, confidence=i.confidence, queue=i.queue,
                     main=i.main, answer=i.answer if drafted else None)
            for i in suggestion.issues]
