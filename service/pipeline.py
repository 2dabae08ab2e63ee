"""The ticket's path, with no HTTP and no database in it.

    route     embed -> topic and urgency heads -> urgency signals -> routing policy     (`Engine`)
    retrieve  similar cases and articles from ONE index snapshot                        (`Pipeline.retrieve`)
    draft     a reply grounded in them, with citations; a failure degrades to no draft  (`Pipeline.draft_stream`)
    record    a typed `SuggestionRecord` through the `SuggestionSink` protocol          (`Pipeline.record`)

`Pipeline.run_batch` runs a micro-batch of concurrent jobs (route, similar, suggest) in one thread with one
encode call for all their texts; the HTTP layer awaits it once (service/batching.py). Components are built by
service/components.py; the HTTP layer maps requests and responses in service/mapping.py.

Each step (embed, classify, retrieve, draft) is timed once, by a `StepClock`; the results carry the `Step`s, which
the API's `timings`, the Prometheus metrics (service/metrics/) and the traces (service/tracing/) all read.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np

from index.adapter import AdapterSlot, LinearAdapter
from index.holder import IndexHolder
from index.rerank import route_probabilities, topic_rerank
from index.results import SearchFilters, SearchResults
from index.search_index import SearchIndex
from models.drafting.handoff import NAME as HANDOFF
from models.drafting.handoff import HandoffDrafter, handoff_warning
from models.drafting.issues import (
    MIN_SEGMENT_WORDS,
    Issue,
    IssueAnswer,
    IssueRule,
    Segment,
    SegmentLabel,
    find_issues,
    issue_candidates,
    issue_paragraph,
    issue_rule_for,
    main_span,
    segment_pairs,
    split_segments,
    with_issue_paragraphs,
    with_support,
    with_windows,
)
from models.drafting.types import Draft, Drafter, DraftingError, DraftRequest, Source
from models.embedding.base import Embedder, Matrix
from models.errors import ArtifactError, ArtifactMismatchError, DeskmateError, EmptyTextError
from models.language import DetectedLanguage, LanguageDetector
from models.routing_heads import HeadPrediction, RoutingModel, TextSide
from models.routing_policy import RoutingDecision, RoutingPolicy
from models.segment_head import SegmentHead
from models.text import ticket_text
from models.urgency import Signal, TextCues, UrgencySignals
from service.ids import new_id
from service.records import (
    OwnershipConflict,
    RouteRecord,
    RouteSink,
    SuggestionRecord,
    SuggestionSink,
    SuggestionSources,
    TicketSeen,
)

logger = logging.getLogger(__name__)


# -- step times: measured once here; the API's timings, the metrics and the traces read them -----------------
STEPS = ("embed", "classify", "retrieve", "draft")
"""The timed steps of a ticket's path, in order (`Step.name`)."""


@dataclass(frozen=True, slots=True)
class Step:
    """One timed step: when it started (wall clock, ns since the epoch, as traces need), how long it ran, and how
    many jobs it ran for at once (one encode call and one pass of the heads serve every ticket of a batch: each
    one's share is `share`). `counts` say how much it did (texts encoded, k asked for), never what."""

    name: str
    start_ns: int
    seconds: float
    shared: int = 1
    counts: tuple[tuple[str, int], ...] = ()

    @property
    def share(self) -> float:
        """Seconds of this step per job it ran for."""
        return self.seconds / max(1, self.shared)

    @property
    def end_ns(self) -> int:
        return self.start_ns + round(self.seconds * 1e9)


class StepClock:
    """Times consecutive steps: `lap(name)` ends the step that began at the previous lap (or when the clock was
    made). Durations come from `perf_counter`; the wall clock is read once, at the start."""

    __slots__ = ("_mark", "_wall_ns")

    def __init__(self) -> None:
        self._wall_ns = time.time_ns()
        self._mark = time.perf_counter()

    def lap(self, name: str, *, shared: int = 1, **counts: int) -> Step:
        now = time.perf_counter()
        step = Step(name, self._wall_ns, now - self._mark, shared, tuple(counts.items()))
        self._wall_ns, self._mark = step.end_ns, now
        return step


# -- inputs and results ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TicketInput:
    subject: str
    body: str
    id: str | None = None
    channel: str | None = None
    language: str | None = None
    tier: str | None = None
    customer_name: str | None = None
    tenant: str | None = None  # the tenant of the request's key (None: any); the recorded ticket carries it
    key_id: str | None = None  # the request's API key id, recorded with the ticket
    customer_id: str | None = None  # the desk's customer id; stored only as a keyed hash (erasure by customer)
    # Subject and body as one plain text, when the HTTP edge already stripped (and maybe cut) them; else derived.
    text: str | None = None
    warnings: tuple[str, ...] = ()  # e.g. the text was cut to the size limit; carried into every result


@dataclass(slots=True)
class UrgencyDecision:
    label: str
    model_label: str
    confidence: float
    signals: list[Signal]


@dataclass(slots=True)
class Timings:
    embed_ms: float
    classify_ms: float
    total_ms: float


@dataclass(slots=True)
class RouteResult:
    id: str | None
    text: str
    topic: HeadPrediction
    urgency: UrgencyDecision
    decision: RoutingDecision
    needs_human_triage: bool
    reason: str | None
    language: DetectedLanguage
    language_source: str
    model_version: str
    vector: Matrix = field(default_factory=lambda: np.zeros((1, 0), dtype=np.float32))  # (1, dim) ticket embedding
    timings: Timings = field(default_factory=lambda: Timings(0.0, 0.0, 0.0))
    warnings: list[str] = field(default_factory=list)
    steps: tuple[Step, ...] = ()  # embed and classify, shared with the ticket's batch-mates


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """How many cases and articles to retrieve, and which."""

    k_cases: int = 5
    k_articles: int = 3
    filters: SearchFilters = field(default_factory=SearchFilters)
    mode: str | None = None


@dataclass(frozen=True, slots=True)
class SuggestInput:
    ticket: TicketInput
    desk: str
    history: tuple[Source, ...] = ()
    query: SearchQuery = field(default_factory=SearchQuery)
    account_manager_in_copy: bool = False  # the reply goes out with the account manager in copy (the draft may say so)


@dataclass(slots=True)
class SimilarResult:
    search: SearchResults
    timings: dict[str, float]
    warnings: list[str] = field(default_factory=list)
    steps: tuple[Step, ...] = ()  # embed (the batch's) and retrieve


@dataclass(slots=True)
class Suggestion:
    suggestion_id: str
    ticket: TicketInput
    route: RouteResult
    search: SearchResults | None
    request: DraftRequest
    draft: Draft | None = None
    draft_error: str | None = None
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    issues: list[TicketIssue] = field(default_factory=list)  # empty: one issue (the routed topic); else main first
    steps: list[Step] = field(default_factory=list)  # retrieve, then draft once drafted (routing's: `route.steps`)


# -- multi-issue tickets: segments routed in the ticket's encode call, merged into issues ------------------------
@dataclass(slots=True)
class TicketIssue:
    """One issue of a multi-issue ticket: its span of the ticket text, topic, confidence and queue; further issues
    carry the sources retrieved for them and how the draft answers them ("paragraph" or "handoff")."""

    text: str
    start: int
    end: int
    topic: str
    confidence: float
    queue: str
    main: bool
    vector: Matrix = field(default_factory=lambda: np.zeros((1, 0), dtype=np.float32))
    sources: tuple[Source, ...] = ()
    answer: IssueAnswer | None = None  # set once drafted


def _as_issue(issue: TicketIssue) -> Issue:
    return Issue(issue.text, issue.start, issue.end, issue.topic, issue.confidence, ())


def ticket_segments(ticket: TicketInput) -> list[Segment]:
    """The ticket's sentences / clauses when it has several (then each is routed), else none."""
    try:
        segments = split_segments(clean_text(ticket))
    except EmptyTextError:  # routing reports it, with the ticket's position
        return []
    return segments if len(segments) > 1 else []


def route_windows(engine: Engine, ticket: TicketInput, desk: str, text: str, segments: Sequence[Segment],
                  vectors: Matrix) -> list[RouteResult]:
    """Route each two adjacent segments as one window (`segment_pairs`), its vector the mean of theirs (no second
    encode); `vectors`: the segments' rows."""
    if len(segments) < 2:
        return []
    pairs = segment_pairs(text, segments)
    means = np.vstack([_mean_vector(vectors, (i, i + 1)) for i in range(len(pairs))])
    return engine.route_segments(ticket, desk, pairs, means)


def supported_labels(labels: Sequence[SegmentLabel], vectors: Matrix, segment_head: SegmentHead | None,
                     min_support: float | None, reinstate: float | None = None) -> list[SegmentLabel]:
    """`labels` of the segments (or windows) whose vectors are `vectors`, checked by the segment head: vetoed where
    it gives the topic less than `min_support`, an abstained one reinstated where it gives the topic `reinstate` or
    more (`with_support`); unchanged without a head or a floor."""
    if segment_head is None or min_support is None:
        return list(labels)
    return with_support(labels, segment_head.support(vectors), min_support=min_support, reinstate=reinstate)


def ticket_issues(route: RouteResult, segments: Sequence[Segment], routed: Sequence[RouteResult],
                  vectors: Matrix, *, min_confidence: float, min_ticket_score: float = 0.0,
                  ticket: TicketInput | None = None, min_words: int = MIN_SEGMENT_WORDS,
                  windows: Sequence[RouteResult] | None = None, segment_head: SegmentHead | None = None,
                  min_support: float | None = None, reinstate: float | None = None) -> list[TicketIssue]:
    """The issues of a routed ticket from its routed segments: [] when it holds one issue, else the main issue first,
    then each further one (another in-scope topic at `min_confidence` or more). When routing abstained on the whole
    ticket (a mix of topics can look out of scope) but at least two issues are found, they are listed (none is main;
    the draft is the hand-off), so whoever triages sees them. The `ticket`'s subject and an agent's turns of a
    transcript are never a further issue, nor small talk (`issue_candidates`, `min_words` substantive words).
    `windows` (`route_windows`): a segment not confident on its own may take a confident window's topic
    (`with_windows`). `segment_head` and `min_support`: a segment's (or window's) topic counts only where the head
    gives it at least `min_support` on that segment's vector; `reinstate`: a segment the abstain rule set aside
    counts again where the head gives its topic that much (`with_support`)."""
    if not segments:
        return []
    subject = ticket_text(ticket.subject, None) if ticket is not None else ""
    allowed = issue_candidates(segments, subject_end=len(subject) if route.text.startswith(subject) else 0,
                               min_words=min_words)
    labels = supported_labels([SegmentLabel(r.topic.label, float(r.topic.confidence), r.needs_human_triage)
                               for r in routed], vectors[:len(segments)], segment_head, min_support, reinstate)
    labels = [label if ok else replace(label, abstained=True) for label, ok in zip(labels, allowed, strict=True)]
    if windows:
        window_labels = supported_labels(
            [SegmentLabel(w.topic.label, float(w.topic.confidence), w.needs_human_triage) for w in windows],
            np.vstack([w.vector for w in windows]), segment_head, min_support)
        labels = with_windows(labels, window_labels, allowed, min_confidence=min_confidence)
    main_topic = "" if route.needs_human_triage else route.topic.label
    scores = {route.topic.label: float(route.topic.confidence),
              **{a.label: float(a.probability) for a in route.topic.alternatives if a.label != route.topic.label}}
    further = find_issues(route.text, segments, labels, main_topic=main_topic, min_confidence=min_confidence,
                          ticket_scores=scores, min_ticket_score=min_ticket_score)
    if not further or (route.needs_human_triage and len(further) < 2):
        return []
    if route.needs_human_triage:
        return [TicketIssue(i.text, i.start, i.end, i.topic, i.confidence, routed[i.segments[0]].decision.queue,
                            main=False, vector=_mean_vector(vectors, i.segments), answer="handoff") for i in further]
    span = main_span(route.text, segments, labels, route.topic.label)
    issues = [TicketIssue(span.text, span.start, span.end, route.topic.label, round(float(route.topic.confidence), 4),
                          route.decision.queue, main=True, vector=route.vector, answer="main")]
    for issue in further:
        issues.append(TicketIssue(issue.text, issue.start, issue.end, issue.topic, issue.confidence,
                                  routed[issue.segments[0]].decision.queue, main=False,
                                  vector=_mean_vector(vectors, issue.segments)))
    return issues


def _mean_vector(vectors: Matrix, rows: Sequence[int]) -> Matrix:
    mean = vectors[list(rows)].mean(axis=0, keepdims=True)
    out: Matrix = (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)
    return out


# -- route: embed -> heads -> signals -> policy ----------------------------------------------------------------
def check_urgency_labels(model: RoutingModel, policy: RoutingPolicy, model_dir: Path) -> None:
    """Refuse a model whose urgency labels the routing policy does not know."""
    if model.urgency is not None:
        unknown = sorted(set(model.urgency.labels) - set(policy.urgency_levels))
        if unknown:
            raise ArtifactMismatchError(f"urgency labels {unknown} of model {model_dir} are not in the routing "
                                        f"policy's levels {policy.urgency_levels}")


def clean_text(ticket: TicketInput, position: int | None = None) -> str:
    """Subject and body as one plain text; refuses a ticket with none left after removing HTML."""
    text = ticket.text if ticket.text is not None else ticket_text(ticket.subject, ticket.body)
    if not text:
        where = "ticket" if position is None else f"ticket {position}"
        raise EmptyTextError(f"{where} has no text: subject and body are empty after removing HTML")
    return text


class LoneLane:
    """A second thread for a ticket routed alone, so that one request uses both cores.

    A call is lone when it routes one ticket, nothing else is being routed in this process, and the last
    `CALM_CALLS` calls were lone too (traffic is sequential, not merely between two overlapping calls). Then the
    ticket's text side (the USE vector and its share of the kNN products, the TF-IDF block, its language, the
    urgency signals' cues) is computed on the lane while the calling thread runs MiniLM. Under concurrent traffic
    every batch runs on its own thread as before: the other core is busy with other batches and the event loop, and
    splitting a ticket would only take time from them. The answers are the same either way (tests/service/
    test_pipeline.py); docs/results.md, Route latency, has the measurement.
    """

    CALM_CALLS = 8

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="route-lane")
        self._lock = threading.Lock()
        self._inflight = 0
        self._calm = 0  # consecutive calls that found nothing else in flight
        self.used = 0  # lone tickets that took the lane (tests and the bench read it)

    @contextlib.contextmanager
    def taking(self, tickets: int) -> Iterator[ThreadPoolExecutor | None]:
        """One routing call of `tickets` tickets, counted while it runs: the lane's pool when it is lone, else None."""
        lone = self.enter(tickets)
        try:
            yield self._pool if lone else None
        finally:
            self.leave()

    def enter(self, tickets: int) -> bool:
        """Count one routing call in; True when it is a lone ticket (see the class doc)."""
        with self._lock:
            self._inflight += 1
            alone = tickets == 1 and self._inflight == 1
            lone = alone and self._calm >= self.CALM_CALLS
            self._calm = self._calm + 1 if alone else 0
            self.used += lone
            return lone

    def leave(self) -> None:
        with self._lock:
            self._inflight -= 1
            if self._inflight > 0:  # calls overlapped: traffic is concurrent
                self._calm = 0

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


@dataclass(slots=True)
class Engine:
    """The routing models, loaded once: embedder, topic and urgency heads, urgency signals, policy."""

    embedder: Embedder
    model: RoutingModel
    policy: RoutingPolicy
    signals: UrgencySignals
    language: LanguageDetector
    batch_size: int = 64
    lane: LoneLane | None = None  # None: a lone ticket runs on one thread like any batch
    # The same embedder on more intra-op threads (`OnnxEmbedder.with_threads`), for a ticket that takes the lane:
    # MiniLM then runs on both cores too (docs/results.md). None: a lone ticket uses `embedder`.
    lone_embedder: Embedder | None = None

    @classmethod
    def load(cls, *, embedder: Embedder, model_dir: Path, policy: RoutingPolicy, batch_size: int = 64,
             lone_lane: bool = False, lone_embedder: Embedder | None = None) -> Engine:
        embedder.load()
        if lone_embedder is not None:
            if not lone_lane:
                raise ValueError("a lone embedder serves only tickets that take the lone lane (lone_lane=True)")
            if lone_embedder.model_id != embedder.model_id:
                raise ArtifactMismatchError(f"the lone ticket's embedder {lone_embedder.model_id} is not the "
                                            f"batch embedder {embedder.model_id}")
            lone_embedder.load()
        model = RoutingModel.load(model_dir, embedder=embedder)
        model.load_aux()
        check_urgency_labels(model, policy, model_dir)
        signals = UrgencySignals(policy)
        signals.load()
        language = LanguageDetector()
        language.load()
        engine = cls(embedder=embedder, model=model, policy=policy, signals=signals, language=language,
                     batch_size=batch_size, lane=LoneLane() if lone_lane else None, lone_embedder=lone_embedder)
        engine.warm_up()
        return engine

    def with_model(self, model: RoutingModel, model_dir: Path) -> Engine:
        """A copy serving `model` (same embedder, policy and signals), warmed up."""
        check_urgency_labels(model, self.policy, model_dir)
        engine = replace(self, model=model)
        engine.warm_up()
        return engine

    def route_segments(self, ticket: TicketInput, desk: str, segments: Sequence[Segment],
                       vectors: Matrix) -> list[RouteResult]:
        """Route a ticket's segments, already embedded (`vectors`, one row each), as if each were a ticket."""
        pieces = [TicketInput(subject="", body=s.text, text=s.text, channel=ticket.channel, language=ticket.language,
                              tier=ticket.tier) for s in segments]
        clock = StepClock()
        return self._classify(pieces, [desk] * len(pieces), [s.text for s in segments], vectors, clock,
                              clock.lap("embed", shared=len(pieces)))  # already embedded

    def warm_up(self) -> None:
        """One route through every component, so the first real request does not pay for lazy set-up."""
        self.route([TicketInput(subject="warm up", body="warm up the models")], desk=next(iter(self.policy.spec.desks)))

    def route(self, tickets: Sequence[TicketInput], *, desk: str | Sequence[str]) -> list[RouteResult]:
        """Route tickets in one encode call; `desk` is one desk for all or one per ticket."""
        desks = [desk] * len(tickets) if isinstance(desk, str) else list(desk)
        routed, _ = self.embed_and_route(tickets, desks, [])
        return routed

    def embed_and_route(self, tickets: Sequence[TicketInput], desks: Sequence[str],
                        texts: Sequence[str]) -> tuple[list[RouteResult], Matrix]:
        """Route `tickets` (each with its desk) and embed the extra `texts`, in one encode call."""
        if len(desks) != len(tickets):
            raise ValueError(f"{len(tickets)} tickets but {len(desks)} desks")
        clock = StepClock()
        ticket_texts = [clean_text(t, i if len(tickets) > 1 else None) for i, t in enumerate(tickets)]
        calls = self.lane.taking(len(tickets)) if self.lane is not None else contextlib.nullcontext(None)
        with calls as lane:  # a lone ticket's text side is read on the lane while MiniLM runs here
            model = self.model
            side = lane.submit(self._text_side, model, tickets, ticket_texts) if lane is not None else None
            encoder = self.lone_embedder if lane is not None and self.lone_embedder is not None else self.embedder
            vectors = encoder.encode(ticket_texts + list(texts), batch_size=self.batch_size)
            embed = clock.lap("embed", shared=len(tickets), texts=len(ticket_texts) + len(texts))
            text_side, languages, cues = side.result() if side is not None else (None, None, None)
            routed = self._classify(tickets, desks, ticket_texts, vectors[:len(tickets)], clock, embed,
                                    side=text_side, languages=languages, cues=cues)
        return routed, vectors[len(tickets):]

    def _text_side(self, model: RoutingModel, tickets: Sequence[TicketInput], texts: list[str],
                   ) -> tuple[TextSide, list[tuple[DetectedLanguage, str]], list[TextCues]]:
        """Everything a ticket's routing reads from its text alone: the model's text side, the language and
        the urgency signals' cues."""
        languages = self._languages(tickets, texts)
        cues = [self.signals.cues(text, language.code) for text, (language, _) in zip(texts, languages, strict=True)]
        return model.text_side(texts), languages, cues

    def _languages(self, tickets: Sequence[TicketInput],
                   texts: Sequence[str]) -> list[tuple[DetectedLanguage, str]]:
        """The language of each ticket, given or detected; it picks the abstain thresholds of that language
        (models/fairness.py)."""
        return [(DetectedLanguage(t.language.lower(), 1.0), "request") if t.language
                else (self.language.detect(text), "detected") for t, text in zip(tickets, texts, strict=True)]

    def _classify(self, tickets: Sequence[TicketInput], desks: Sequence[str], texts: list[str], vectors: Matrix,
                  clock: StepClock, embed: Step, *, side: TextSide | None = None,
                  languages: list[tuple[DetectedLanguage, str]] | None = None,
                  cues: list[TextCues] | None = None) -> list[RouteResult]:
        if not tickets:
            return []
        if languages is None:
            languages = self._languages(tickets, texts)
        predictions = self.model.predict(texts, vectors, languages=[lang.code for lang, _ in languages], side=side)
        results: list[RouteResult] = []
        for row, (ticket, desk, text, prediction) in enumerate(zip(tickets, desks, texts, predictions, strict=True)):
            if prediction.urgency is not None:
                model_urgency, urgency_conf = prediction.urgency.label, prediction.urgency.confidence
            else:
                model_urgency, urgency_conf = self.policy.spec.default_urgency, 0.0
            language, source = languages[row]
            urgency = self.signals.apply(text, model_label=model_urgency, channel=ticket.channel, tier=ticket.tier,
                                         language=language.code, cues=cues[row] if cues is not None else None)
            abstained = prediction.abstain_reason is not None
            decision = self.policy.decide(
                topic=None if abstained else prediction.topic.label, urgency=urgency.label, desk=desk,
                tier=ticket.tier, channel=ticket.channel, language=ticket.language,
            )
            results.append(RouteResult(
                id=ticket.id, text=text, topic=prediction.topic,
                urgency=UrgencyDecision(decision.urgency, model_urgency, urgency_conf, urgency.signals),
                decision=decision, needs_human_triage=abstained, reason=prediction.abstain_reason,
                language=language, language_source=source, model_version=self.model.version,
                vector=vectors[row:row + 1], warnings=list(ticket.warnings),
            ))
        classify = clock.lap("classify", shared=len(tickets))
        per = 1000.0 / len(tickets)
        for result in results:
            result.steps = (embed, classify)
            result.timings = Timings(embed_ms=round(embed.seconds * per, 3),
                                     classify_ms=round(classify.seconds * per, 3),
                                     total_ms=round((embed.seconds + classify.seconds) * per, 3))
        return results


# -- retrieve: one index snapshot ------------------------------------------------------------------------------
ARTICLE_LANGUAGE_WIDEN = 3
"""Articles looked at per article returned when the ticket's language is known (same-language ones go first)."""


def search_snapshot(index: SearchIndex, text: str, vector: Matrix, query: SearchQuery,
                    language: str | None = None, adapter: LinearAdapter | None = None) -> SearchResults:
    """Cases in the ticket's `language` when it has any (so a same-language reply is found when one exists),
    else the best cases in any language; articles by relevance among the best `ARTICLE_LANGUAGE_WIDEN` times as
    many, those in the ticket's language (or of no language) first. Every read is on `index`. With the index's
    learned `adapter` (index/adapter.py), cases are searched with the adapted vector, articles with the plain one."""
    if adapter is not None and query.k_cases:
        found = search_snapshot(index, text, adapter.apply(vector), replace(query, k_articles=0), language)
        if query.k_articles:
            found = replace(found, articles=search_snapshot(index, text, vector, replace(query, k_cases=0),
                                                            language).articles)
        return found
    filters = query.filters
    # Articles: the customer's language first. Translations of one article rank close together (the cross-lingual
    # space puts other-language ones high), so look wider and keep same-language (or language-neutral) ones first.
    prefer_language = language is not None and filters.language is None and query.k_articles > 0
    k_articles = query.k_articles * ARTICLE_LANGUAGE_WIDEN if prefer_language else query.k_articles
    results = index.search(text, k_cases=query.k_cases, k_articles=k_articles, filters=filters,
                           mode=query.mode, query_vector=vector, query_language=language)
    if prefer_language:
        ordered = sorted(results.articles, key=lambda a: a.language not in (None, language))  # stable
        results = replace(results, articles=ordered[: query.k_articles])
    if (language is not None and filters.language is None and query.k_cases
            and any(c.language != language for c in results.cases)):
        localized = replace(filters, language=language)
        cases = index.search(text, k_cases=query.k_cases, k_articles=0, filters=localized, mode=query.mode,
                             query_vector=vector).cases
        if cases:  # the articles keep their own order (above)
            return replace(results, cases=cases)
    return results


def case_sources(results: SearchResults, index: SearchIndex) -> list[Source]:
    """The retrieved cases as drafting sources, read from the same `index` the search ran on."""
    sources = []
    for hit in results.cases:
        case = index.case(hit.id)
        customer = case.metadata.get("customer") if case is not None else None
        name = customer.get("name") if isinstance(customer, Mapping) else None
        sources.append(Source(id=hit.id, kind="case", text=case.resolution if case else hit.resolution_excerpt,
                              score=hit.dense_score or 0.0, language=hit.language, topic=hit.topic,
                              customer_name=name if isinstance(name, str) else None))
    return sources


def article_sources(results: SearchResults) -> list[Source]:
    return [Source(id=a.id, kind="article", text=a.passage, score=min(1.0, a.score), language=a.language,
                   topic=a.topic, title=a.title, url=a.url) for a in results.articles]


# Below this topic confidence the draft may also use the top alternatives' sources (flagged in the warnings).
LOW_TOPIC_CONFIDENCE = 0.6
MAX_ALTERNATIVE_TOPICS = 2


def source_topics(route: RouteResult, *, low: float = LOW_TOPIC_CONFIDENCE,
                  alternatives: int = MAX_ALTERNATIVE_TOPICS) -> tuple[tuple[str, ...], str | None]:
    """The topics a draft's cases may come from: the routed topic, plus its top `alternatives` when its
    confidence is under `low` (with a warning saying so); () when routing abstained (no case-based draft)."""
    if route.needs_human_triage:
        return (), None
    topics = [route.topic.label]
    if route.topic.confidence >= low:
        return tuple(topics), None
    topics += [a.label for a in route.topic.alternatives if a.label != route.topic.label][:alternatives]
    return tuple(topics), (f"low topic confidence ({route.topic.confidence:.2f}): sources come from the topics "
                           f"{', '.join(topics)}; check the draft answers the right question")


def routed_articles(articles: Sequence[Source], cases: Sequence[Source],
                    topics: Sequence[str]) -> tuple[list[Source], tuple[str, ...]]:
    """The articles of `topics` (or of no topic), plus those the routed cases' replies link (a resolution of the
    routed topic that sends customers to an article makes it that topic's article), in retrieval order; and the
    topics they carry. With no topics (no routing), all of them."""
    if not topics:
        return list(articles), ()
    linked = {a.id for a in articles if a.url and any(a.url in c.text for c in cases)}
    kept = [a for a in articles if a.topic in (None, *topics) or a.id in linked]
    return kept, tuple(dict.fromkeys([*topics, *(a.topic for a in kept if a.topic)]))


# -- record ------------------------------------------------------------------------------------------------------
def route_record(result: RouteResult, ticket: TicketInput, *, ticket_id: str,
                 suggestion_id: str | None = None) -> RouteRecord:
    return RouteRecord(
        ticket=TicketSeen(ticket_id=ticket_id, subject=ticket.subject, body=ticket.body, channel=ticket.channel,
                          language=result.language.code, customer_name=ticket.customer_name,
                          tenant=ticket.tenant, key_id=ticket.key_id, key_tenant=ticket.tenant,
                          customer_id=ticket.customer_id),
        topic=result.topic.label, topic_confidence=float(result.topic.confidence),
        alternatives=tuple(a.label for a in result.topic.alternatives), urgency=result.decision.urgency,
        queue=result.decision.queue, priority=str(result.decision.priority),
        sla_minutes=int(result.decision.sla_minutes),
        needs_human=result.needs_human_triage, reason=result.reason, model_version=result.model_version,
        suggestion_id=suggestion_id,
        signals=tuple({"name": s.name, "kind": s.kind, "evidence": s.evidence, "raised_to": s.raised_to}
                      for s in result.urgency.signals),
        applied_rules=tuple(result.decision.applied_rules))


def suggestion_record(suggestion: Suggestion) -> SuggestionRecord:
    route, request = suggestion.route, suggestion.request
    return SuggestionRecord(
        suggestion_id=suggestion.suggestion_id,
        route=route_record(route, suggestion.ticket, ticket_id=route.id or new_id("tkt_"),
                           suggestion_id=suggestion.suggestion_id),
        index_version=suggestion.search.index_version if suggestion.search else None,
        sources=SuggestionSources(case_ids=tuple(c.id for c in request.cases),
                                  article_ids=tuple(a.id for a in request.articles),
                                  history_ids=tuple(h.id for h in request.history)),
        draft=suggestion.draft.to_dict() if suggestion.draft is not None else None,
        draft_error=suggestion.draft_error, warnings=tuple(suggestion.warnings),
        latency_ms=round(sum(suggestion.timings.values()), 3))


# -- jobs of one micro-batch -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RouteJob:
    ticket: TicketInput
    desk: str


@dataclass(frozen=True, slots=True)
class SimilarJob:
    ticket: TicketInput
    query: SearchQuery


@dataclass(frozen=True, slots=True)
class SuggestJob:
    inp: SuggestInput
    draft: bool = True  # False: route and retrieve only (the streaming endpoint drafts while it sends)


Job = RouteJob | SimilarJob | SuggestJob
Outcome = RouteResult | SimilarResult | Suggestion
Answer = tuple[int, Outcome | Exception]  # (position of the job in its batch, its outcome or its error)
OnDone = Callable[[list[Answer]], None]


# -- the pipeline ------------------------------------------------------------------------------------------------
def _answer(work: Callable[[], Outcome]) -> Outcome | Exception:
    """A job's outcome, or its error: after routing, one job's failure is its own answer, not the batch's."""
    try:
        return work()
    except Exception as exc:
        return exc


class Pipeline:
    """The ticket's path over the live index, the drafter and the sinks (each may be missing, with a reason)."""

    # when a segment group of a multi-issue ticket is a further issue (bench/multi_issue.py); None: `issue_rule_for`
    # of the served model (with its segment head when it has one)
    issue_rule: IssueRule | None = None
    issue_query = SearchQuery(k_cases=3, k_articles=2)  # sources retrieved for each further issue
    # Metrics hooks (service/metrics/), set by the app: every group of answers, and each draft attempt.
    on_answers: OnDone | None = None
    on_draft: Callable[[Suggestion], None] | None = None

    def __init__(self, *, index: IndexHolder, drafter: Drafter | None, drafter_reason: str | None = None,
                 suggestions: SuggestionSink | None = None, suggestions_reason: str | None = None,
                 routes: RouteSink | None = None, handoff: HandoffDrafter | None = None) -> None:
        self.index = index
        self.drafter = drafter
        self.handoff = handoff  # phrase-book replies for tickets routing abstained on (no case-based draft)
        self.drafter_reason = drafter_reason
        self.suggestions = suggestions
        self.suggestions_reason = suggestions_reason
        self.routes = routes
        self.adapters = AdapterSlot()  # the learned query adapter of each index build, read once

    def adapter(self, index: SearchIndex) -> LinearAdapter | None:
        return self.adapters.get(index.path, version=index.version, embedder=index.embedder)

    def run_batch(self, engine: Engine, jobs: Sequence[Job], on_done: OnDone | None = None) -> list[Outcome]:
        """Every job's text embedded in one call and all tickets routed together; then each similar job searches
        and each suggest job retrieves, drafts and records. `on_done(answers)` is called as soon as jobs are
        answered: the route jobs together, then the similar jobs together, then each suggest job, so a route
        request does not wait for a batch-mate's draft. An error of one job after routing is that job's answer
        alone; a routing error fails the whole batch (raised)."""
        clock = StepClock()
        routing: list[tuple[int, RouteJob | SuggestJob]] = []
        searching: list[tuple[int, SimilarJob]] = []
        for i, job in enumerate(jobs):
            if isinstance(job, SimilarJob):
                searching.append((i, job))
            else:
                routing.append((i, job))
        tickets = [job.ticket if isinstance(job, RouteJob) else job.inp.ticket for _, job in routing]
        desks = [job.desk if isinstance(job, RouteJob) else job.inp.desk for _, job in routing]
        texts = [clean_text(job.ticket) for _, job in searching]
        # a suggest job's segments (when it has several sentences / clauses) are embedded in the same call
        segmented = {i: ticket_segments(job.inp.ticket) for i, job in routing if isinstance(job, SuggestJob)}
        texts += [s.text for segments in segmented.values() for s in segments]
        routed, vectors = engine.embed_and_route(tickets, desks, texts)
        segment_rows: dict[int, Matrix] = {}
        row = len(searching)
        for i, segments in segmented.items():
            segment_rows[i], row = vectors[row:row + len(segments)], row + len(segments)
        embed = clock.lap("embed", shared=len(jobs), texts=len(tickets) + len(texts))
        outcomes: dict[int, Outcome] = {}

        def done(answers: list[Answer]) -> None:
            outcomes.update((i, outcome) for i, outcome in answers if not isinstance(outcome, Exception))
            if self.on_answers is not None:
                self.on_answers(answers)
            if on_done is not None and answers:
                on_done(answers)

        self._record_routes([(job.ticket, result) for (_, job), result in zip(routing, routed, strict=True)
                             if isinstance(job, RouteJob)])
        done([(i, result) for (i, job), result in zip(routing, routed, strict=True) if isinstance(job, RouteJob)])
        done([(i, _answer(partial(self.similar, job, vectors[row:row + 1], embed=embed)))
              for row, (i, job) in enumerate(searching)])
        for (i, job), result in zip(routing, routed, strict=True):
            if isinstance(job, SuggestJob):
                done([(i, _answer(partial(self.suggest_segmented, engine, job, result, segmented[i],
                                          segment_rows[i])))])
        return [outcomes[i] for i in range(len(jobs)) if i in outcomes]

    # -- route -------------------------------------------------------------------------------------------------
    def route(self, engine: Engine, tickets: Sequence[TicketInput], desks: Sequence[str]) -> list[RouteResult]:
        """Route tickets (one desk each) in one pass and record the decisions of those with an id."""
        results = engine.route(tickets, desk=desks)
        self._record_routes(list(zip(tickets, results, strict=True)))
        if self.on_answers is not None:
            self.on_answers(list(enumerate(results)))
        return results

    def _record_routes(self, routed: list[tuple[TicketInput, RouteResult]]) -> None:
        """Only tickets that carry an id can be joined with later feedback."""
        if self.routes is not None:
            records = [route_record(result, ticket, ticket_id=ticket.id) for ticket, result in routed if ticket.id]
            if records:
                self.routes.submit(records)

    # -- retrieve ----------------------------------------------------------------------------------------------
    def similar(self, job: SimilarJob, vector: Matrix, *, embed: Step | None = None) -> SimilarResult:
        """Search for the job's ticket, embedded as `vector` (by the batch's `embed` step, when there was one)."""
        index = self.index.snapshot()
        if index is None:
            raise ArtifactError(f"retrieval index is not loaded: {self.index.reason}")
        clock = StepClock()
        results = search_snapshot(index, clean_text(job.ticket), vector, job.query, adapter=self.adapter(index))
        search = clock.lap("retrieve", k_cases=job.query.k_cases, k_articles=job.query.k_articles)
        embed_ms, search_ms = (embed.share * 1000 if embed is not None else 0.0), search.seconds * 1000
        timings = {"embed_ms": round(embed_ms, 3), "search_ms": round(search_ms, 3),
                   "total_ms": round(embed_ms + search_ms, 3)}
        steps = (search,) if embed is None else (embed, search)
        return SimilarResult(results, timings, warnings=list(job.ticket.warnings), steps=steps)

    def retrieve(self, route: RouteResult, inp: SuggestInput) -> tuple[SearchResults | None, DraftRequest, list[str]]:
        """Search, then read the sources, on ONE index snapshot (a swap in between cannot mix two versions)."""
        index = self.index.snapshot()
        warnings: list[str] = []
        search: SearchResults | None = None
        cases: list[Source] = []
        articles: list[Source] = []
        topics, topic_warning = source_topics(route)
        article_topics: tuple[str, ...] = ()
        if topic_warning is not None:
            warnings.append(topic_warning)
        if index is None:
            warnings.append(f"retrieval index not loaded: {self.index.reason or 'unknown reason'}")
        else:
            query = inp.query  # cases of the routed topic (or its alternatives) only, unless the caller filtered
            if topics and query.filters.topic is None:
                query = replace(query, filters=replace(query.filters, topic=topics))
            search = search_snapshot(index, route.text, route.vector, query, route.language.code,
                                     adapter=self.adapter(index))
            if len(topics) > 1:  # low topic confidence: cases of the likelier topics first (index/rerank.py)
                search = replace(search, cases=topic_rerank(search.cases, route_probabilities(
                    route.topic.label, route.topic.confidence,
                    [(a.label, a.probability) for a in route.topic.alternatives])))
            cases = case_sources(search, index)
            articles, article_topics = routed_articles(article_sources(search), cases, topics)
            if topics and query.k_cases and not cases:
                warnings.append(f"no resolved case of the topic {', '.join(topics)} to draft from")
        request = DraftRequest(
            text=route.text, language=route.language.code, channel=inp.ticket.channel or "email",
            customer_name=inp.ticket.customer_name, tier=inp.ticket.tier, urgency=route.urgency.label,
            topic=None if route.needs_human_triage else route.topic.label, cases=tuple(cases),
            articles=tuple(articles), history=inp.history, topics=article_topics,
            account_manager_in_copy=inp.account_manager_in_copy)
        return search, request, warnings

    # -- suggest: route -> retrieve -> draft -> record ------------------------------------------------------------
    def suggest(self, engine: Engine, inp: SuggestInput) -> Suggestion:
        """The whole path for one ticket, unbatched (its segments embedded in the same encode call)."""
        segments = ticket_segments(inp.ticket)
        (route,), vectors = engine.embed_and_route([inp.ticket], [inp.desk], [s.text for s in segments])
        return self.suggest_segmented(engine, SuggestJob(inp), route, segments, vectors)

    def suggest_segmented(self, engine: Engine, job: SuggestJob, route: RouteResult, segments: Sequence[Segment],
                          vectors: Matrix) -> Suggestion:
        """Route the ticket's embedded segments into its issues, then retrieve, draft and record."""
        issues: list[TicketIssue] = []
        if segments:
            rule = self.issue_rule or issue_rule_for(engine.model.segment_head)
            routed = engine.route_segments(job.inp.ticket, job.inp.desk, segments, vectors)
            windows = (route_windows(engine, job.inp.ticket, job.inp.desk, route.text, segments, vectors)
                       if rule.windows else None)
            issues = ticket_issues(route, segments, routed, vectors, min_confidence=rule.min_confidence,
                                   min_ticket_score=rule.min_ticket_score, ticket=job.inp.ticket, windows=windows,
                                   segment_head=engine.model.segment_head, min_support=rule.min_support,
                                   reinstate=rule.reinstate)
        return self.suggest_routed(job, route, issues)

    def issue_sources(self, issue: TicketIssue, inp: SuggestInput, language: str) -> tuple[Source, ...]:
        """Articles, then cases, retrieved for a further issue's own text, of its topic (the request's other filters,
        such as the tenant, kept)."""
        index = self.index.snapshot()
        if index is None:
            return ()
        query = replace(self.issue_query, filters=replace(inp.query.filters, topic=(issue.topic,)),
                        mode=inp.query.mode)
        search = search_snapshot(index, issue.text, issue.vector, query, language, adapter=self.adapter(index))
        cases = case_sources(search, index)
        articles, _ = routed_articles(article_sources(search), cases, (issue.topic,))
        return (*articles, *cases)

    def suggest_routed(self, job: SuggestJob, route: RouteResult,
                       issues: Sequence[TicketIssue] = ()) -> Suggestion:
        """Retrieve, then (unless the job says not to) draft and record, for a routed ticket."""
        clock = StepClock()
        search, request, warnings = self.retrieve(route, job.inp)
        for issue in issues:
            if issue.answer is None:  # a further issue the draft answers
                issue.sources = self.issue_sources(issue, job.inp, route.language.code)
        retrieve = clock.lap("retrieve", k_cases=job.inp.query.k_cases, k_articles=job.inp.query.k_articles)
        suggestion = Suggestion(suggestion_id=new_id("sug_"), ticket=job.inp.ticket, route=route, search=search,
                                request=request, warnings=[*route.warnings, *warnings],
                                timings={"route_ms": route.timings.total_ms,
                                         "retrieve_ms": round(retrieve.seconds * 1000, 3)},
                                issues=list(issues), steps=[retrieve])
        if job.draft:
            for _ in self.draft_stream(suggestion):
                pass
            self.record(suggestion)
        return suggestion

    def draft_stream(self, suggestion: Suggestion) -> Iterator[str]:
        """Pieces of the checked draft's text (drafters send only reviewed text, never a model's raw output);
        afterwards `suggestion` holds the draft or the error, and its `draft` step."""
        clock = StepClock()
        try:
            route = suggestion.route
            stream: Iterator[str | Draft]
            if route.needs_human_triage:  # no routed topic: another customer's resolution would not answer it
                if self.handoff is None:
                    raise DraftingError(f"{handoff_warning(route.reason)}, and no phrase book is loaded")
                stream = self.handoff.stream(suggestion.request, route.reason)
            elif self.drafter is None:
                raise DraftingError(f"no drafter is loaded: {self.drafter_reason}")
            else:
                stream = self.drafter.stream(suggestion.request)
            further = [i for i in suggestion.issues if not i.main] if not route.needs_human_triage else []
            for item in stream:
                if isinstance(item, Draft):
                    suggestion.draft = item
                elif not further:  # with further issues the text changes at the end: it is sent whole, below
                    yield item
            if suggestion.draft is None:
                raise DraftingError("the drafter returned no draft")
            if further:
                suggestion.draft = self._answer_issues(suggestion.draft, further)
                for i, paragraph in enumerate(suggestion.draft.text.split("\n\n")):
                    yield paragraph if i == 0 else "\n\n" + paragraph
        except DeskmateError as exc:
            suggestion.draft_error = str(exc)
        except Exception as exc:  # drafting is optional: routing and retrieval still answer
            logger.exception("drafting failed")
            suggestion.draft_error = f"internal drafting error ({type(exc).__name__})"
        if suggestion.draft is not None:
            suggestion.warnings += suggestion.draft.warnings
        draft = clock.lap("draft")
        suggestion.steps.append(draft)
        suggestion.timings["draft_ms"] = round(draft.seconds * 1000, 3)
        if self.on_draft is not None:
            self.on_draft(suggestion)

    def _answer_issues(self, draft: Draft, further: Sequence[TicketIssue]) -> Draft:
        """The draft with a paragraph per further issue: guidance from its own sources, or a hand-off line."""
        if self.handoff is None:
            draft.warnings.append("further issues of the ticket are not answered: no phrase book is loaded")
            return draft
        book = self.handoff.book
        language = draft.language if book.supports(draft.language) else book.default_language
        paragraphs = []
        handed_off = draft.drafter == HANDOFF  # the hand-off passes the whole ticket on: no paragraphs are added
        for issue in further:
            paragraph = issue_paragraph(_as_issue(issue), issue.sources, book=book, language=language)
            issue.answer = "paragraph" if any(s.sources for s in paragraph) and not handed_off else "handoff"
            paragraphs.append(paragraph)
        kinds = {s.id: s.kind for issue in further for s in issue.sources}
        return with_issue_paragraphs(draft, paragraphs, book=book, source_kinds=kinds)

    def record(self, suggestion: Suggestion) -> None:
        """Store the suggestion with its routing decision; if that fails the answer still goes out, flagged."""
        if self.suggestions is None:
            suggestion.warnings.append(
                f"suggestion was not stored ({self.suggestions_reason}): feedback on it will fail")
            return
        try:
            self.suggestions.record_suggestion(suggestion_record(suggestion))
        except OwnershipConflict:
            suggestion.warnings.append(f"suggestion was not stored: ticket id {suggestion.ticket.id!r} is taken by "
                                       "another tenant; feedback on it will fail")
        except Exception as exc:  # the store's failure must not lose the answer; it is logged and flagged
            logger.error("could not store suggestion", extra={"error": str(exc),
                                                              "suggestion_id": suggestion.suggestion_id})
            suggestion.warnings.append("suggestion was not stored: feedback on it will fail")
