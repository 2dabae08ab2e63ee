"""`ServiceMetrics`: every metric Deskmate exports, and the cheap calls that feed them (docs/metrics.md).

The request middleware, the pipeline (`Pipeline.on_answers`, `Pipeline.on_draft`) and the batcher
(`PipelineBatcher.on_batch`) call the `observe_*` methods on their hot paths; the gauges (index size, change
lag, versions, job queue depth) are set by `refresh`, which each worker runs every few seconds and before a
scrape. Each gauge names how multi-process mode combines the workers' values.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from service.metrics.registry import multiprocess_dir, process_registry, use_multiprocess_values
from service.pipeline import STEPS, Answer, RouteResult, SimilarResult, Step, Suggestion

HTTP_SECONDS = (0.002, 0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.06, 0.08, 0.12, 0.2, 0.4, 0.8, 1.5, 3.0, 6.0, 15.0)
STEP_SECONDS = (0.0005, 0.001, 0.002, 0.004, 0.006, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
QUEUE_SECONDS = (0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0)
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256)
CONFIDENCE = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 1.0)
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
UNMATCHED = "(unmatched)"  # no route matched (404), or the request was refused before routing (413 by length)
ABSTAINED = "(abstained)"  # the topic label of a ticket routing abstained on


class ServiceMetrics:
    """The metrics of one app, registered in its own registry (tests get fresh counts per app); in multi-process
    mode the values go to the shared files and a scrape sums every worker's."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        use_multiprocess_values()
        self.multiprocess = multiprocess_dir() is not None
        self.registry = registry if registry is not None else process_registry()
        r = self.registry
        self.http_requests = Counter("deskmate_http_requests", "HTTP requests by method, route template and status",
                                     ["method", "route", "status"], registry=r)
        self.http_seconds = Histogram("deskmate_http_request_duration_seconds",
                                      "HTTP request duration by method and route template, until the last byte",
                                      ["method", "route"], buckets=HTTP_SECONDS, registry=r)
        self.batch_size = Histogram("deskmate_batch_size", "Pipeline jobs per micro-batch (service/batching.py)",
                                    buckets=BATCH_SIZES, registry=r)
        self.queue_wait = Histogram("deskmate_batch_queue_wait_seconds",
                                    "Time a job waited in the batcher's queue until its batch started",
                                    buckets=QUEUE_SECONDS, registry=r)
        self.step_seconds = Histogram("deskmate_pipeline_step_seconds",
                                      "Pipeline step time per ticket (a batch's embed and classify time is shared "
                                      "among its tickets): embed, classify, retrieve, draft",
                                      ["step"], buckets=STEP_SECONDS, registry=r)
        self.routed = Counter("deskmate_routed", "Tickets routed, by topic (or (abstained)) and urgency",
                              ["topic", "urgency"], registry=r)
        self.abstentions = Counter("deskmate_abstentions", "Tickets routing abstained on (needs human triage), "
                                   "by reason", ["reason"], registry=r)
        self.top_confidence = Histogram("deskmate_route_top_confidence",
                                        "Calibrated confidence of the top topic of each routed ticket; its mean "
                                        "(_sum / _count) is the drift signal", buckets=CONFIDENCE, registry=r)
        self.drafts = Counter("deskmate_drafts", "Draft attempts by outcome (drafted, failed)", ["outcome"],
                              registry=r)
        self.index_cases = Gauge("deskmate_index_cases", "Resolved cases in the live index (max over workers)",
                                 registry=r, multiprocess_mode="livemax")
        self.index_articles = Gauge("deskmate_index_articles", "Articles in the live index (max over workers)",
                                    registry=r, multiprocess_mode="livemax")
        self.change_lag = Gauge("deskmate_index_change_lag_seconds",
                                "How far this worker's index is behind the store's change log (max over workers)",
                                registry=r, multiprocess_mode="livemax")
        self.change_seq = Gauge("deskmate_index_change_seq",
                                "Last change-log sequence applied to this worker's index (min over workers; absent "
                                "while the change log is off)", registry=r, multiprocess_mode="livemin")
        self.model_info = Gauge("deskmate_model_info", "1 for the routing model and embedder a worker serves",
                                ["model_version", "embedder"], registry=r, multiprocess_mode="livemax")
        self.index_info = Gauge("deskmate_index_info", "1 for the index version a worker serves",
                                ["index_version"], registry=r, multiprocess_mode="livemax")
        self.jobs = Gauge("deskmate_jobs", "Jobs in the store's job queue by state (service/jobs/)", ["state"],
                          registry=r, multiprocess_mode="livemostrecent")
        self._http: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}
        self._routed: dict[tuple[str, str], Counter] = {}
        self._steps = {step: self.step_seconds.labels(step) for step in STEPS}
        self._drafted, self._draft_failed = self.drafts.labels("drafted"), self.drafts.labels("failed")
        self._model: tuple[str, ...] | None = None
        self._index: tuple[str, ...] | None = None
        self._refreshing = threading.Lock()  # the refresh loop and a scrape may refresh at once

    # -- hot paths -------------------------------------------------------------------------------------------------
    def observe_http(self, method: str, route: str, status: int, seconds: float) -> None:
        """One finished HTTP request (the middleware); the label children are cached per (method, route, status)."""
        key = (method, route, status)
        children = self._http.get(key)
        if children is None:
            label = method if method in METHODS else "other"
            children = (self.http_requests.labels(label, route, str(status)), self.http_seconds.labels(label, route))
            self._http[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def observe_batch(self, waits: Sequence[float]) -> None:
        """One micro-batch: each job's seconds in the queue (`PipelineBatcher.on_batch`)."""
        self.batch_size.observe(len(waits))
        for wait in waits:
            self.queue_wait.observe(wait)

    def observe_answers(self, answers: Sequence[Answer]) -> None:
        """The pipeline's answers (`Pipeline.on_answers`): routing decisions and the steps they carry (each
        ticket's share of its batch's embed and classify)."""
        for _, outcome in answers:
            if isinstance(outcome, RouteResult):
                self._observe_route(outcome)
            elif isinstance(outcome, Suggestion):
                self._observe_route(outcome.route)
                self._observe_steps(s for s in outcome.steps if s.name != "draft")  # the draft: `observe_draft`
            elif isinstance(outcome, SimilarResult):
                self._observe_steps(outcome.steps)

    def observe_draft(self, suggestion: Suggestion) -> None:
        """One draft attempt (`Pipeline.on_draft`, also for the streamed suggest): its step, the last one."""
        self._observe_steps(suggestion.steps[-1:])
        (self._drafted if suggestion.draft is not None else self._draft_failed).inc()

    def _observe_steps(self, steps: Iterable[Step]) -> None:
        for step in steps:
            self._steps[step.name].observe(step.share)

    def _observe_route(self, result: RouteResult) -> None:
        topic = ABSTAINED if result.needs_human_triage else result.topic.label
        key = (topic, result.urgency.label)
        counter = self._routed.get(key)
        if counter is None:
            counter = self._routed[key] = self.routed.labels(*key)
        counter.inc()
        if result.needs_human_triage:
            self.abstentions.labels(result.reason or "unknown").inc()
        self.top_confidence.observe(float(result.topic.confidence))
        self._observe_steps(result.steps)

    # -- gauges ----------------------------------------------------------------------------------------------------
    def refresh(self, *, index: Mapping[str, object], model: tuple[str, str] | None, lag_seconds: float,
                change_seq: int | None, jobs: Mapping[str, int] | None) -> None:
        """Set the gauges: `index` as `IndexHolder.stats()`, `model` (version, embedder id) or None while none is
        loaded, the change lag and the applied change sequence (None: the change log is off), the job counts by
        state (None: no job queue in the store)."""
        cases, articles, version = index.get("cases"), index.get("articles"), index.get("version")
        with self._refreshing:
            self.index_cases.set(cases if isinstance(cases, int) else 0)
            self.index_articles.set(articles if isinstance(articles, int) else 0)
            self.change_lag.set(lag_seconds)
            if change_seq is not None:
                self.change_seq.set(change_seq)
            self._index = self._swap_info(self.index_info, self._index,
                                          (version,) if isinstance(version, str) else None)
            self._model = self._swap_info(self.model_info, self._model, model)
            for state, count in (jobs or {}).items():
                self.jobs.labels(state).set(count)

    def _swap_info(self, gauge: Gauge, old: tuple[str, ...] | None,
                   new: tuple[str, ...] | None) -> tuple[str, ...] | None:
        """Set the info gauge's series for `new` to 1 and drop `old` (in multi-process mode set it to 0: the files
        keep a series, and `max` over the workers still shows a worker that serves the old one)."""
        if old == new:
            return new
        if old is not None:
            if self.multiprocess:
                gauge.labels(*old).set(0)
            else:
                gauge.remove(*old)
        if new is not None:
            gauge.labels(*new).set(1)
        return new
