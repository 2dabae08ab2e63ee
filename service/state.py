"""`ServiceState`: every component the lifespan built, how requests reach them, and readiness.

Components that failed to load are None with a reason; requests that need one get a 503 with that reason,
and `/readyz` reports them all. The engine and the index sit behind atomic references (hot reload, swap).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import anyio.to_thread

from index.holder import IndexHolder
from service.batching import PipelineBatcher
from service.changes.follower import ChangeFollower
from service.errors import NotReady
from service.pipeline import STEPS, Engine, Job, OnDone, Outcome, Pipeline
from service.privacy import CaseRedactor
from service.ratelimit import RateLimiter
from service.reload import ModelReloader
from service.settings import Settings
from service.store.keys import KeyChecker
from service.store.recorder import RouteRecorder
from service.store.repository import FeedbackStore


@dataclass(frozen=True, slots=True)
class Readiness:
    """Ready means the routing models are loaded; the other parts degrade and say why."""

    ready: bool
    reason: str | None
    index_reason: str | None
    store_reason: str | None
    drafter_reason: str | None


class ServiceState:
    """What the lifespan built. Swapping the engine assigns one reference, so a request sees one version whole."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine: Engine | None = None
        self.engine_reason: str | None = "starting"
        self.index = IndexHolder(reason="starting")
        self.store: FeedbackStore | None = None
        self.store_reason: str | None = "starting"
        self.recorder: RouteRecorder | None = None
        self.keys: KeyChecker | None = None
        # Token buckets per key and scope (None: off, or auth disabled); checked by `require_scope`.
        self.rate_limiter: RateLimiter | None = None
        self.pipeline: Pipeline | None = None
        # The redactor and id guard of every path in (cases, store); built first by the lifespan.
        self.privacy: CaseRedactor | None = None
        self.batcher: PipelineBatcher | None = None
        # Applies the shared change log to `index` when it is on (service/changes/); None when off.
        self.changes: ChangeFollower | None = None
        self.reloader = ModelReloader(settings, current=lambda: self.engine, install=self.set_engine)
        # Spans of a request's pipeline steps (service/tracing/), set by the app while tracing is on.
        self.on_trace: Callable[[Sequence[Outcome], Collection[str]], None] | None = None
        self._lock = threading.Lock()

    # -- changes ---------------------------------------------------------------------------------------------
    def set_engine(self, engine: Engine) -> None:
        with self._lock:
            self.engine = engine
            self.engine_reason = None

    def set_not_ready(self, reason: str) -> None:
        with self._lock:
            self.engine_reason = reason

    # -- what requests use -------------------------------------------------------------------------------------
    def require_engine(self) -> Engine:
        engine = self.engine
        if engine is None:
            raise NotReady(f"service is not ready: {self.engine_reason}")
        return engine

    def require_pipeline(self) -> Pipeline:
        if self.pipeline is None:
            raise NotReady("the ticket pipeline is not built yet (starting)")
        return self.pipeline

    def require_index(self) -> IndexHolder:
        if not self.index.ready:
            raise NotReady(f"retrieval index is not loaded: {self.index.reason}")
        return self.index

    def require_store(self) -> FeedbackStore:
        if self.store is None:
            raise NotReady(f"the feedback store is not available: {self.store_reason or 'starting'}")
        return self.store

    def require_privacy(self) -> CaseRedactor:
        if self.privacy is None:
            raise NotReady(f"the PII redactor is not loaded: {self.store_reason or 'starting'}")
        return self.privacy

    def require_keys(self) -> KeyChecker:
        """The API-key checker; without the store no key can be checked, so keyed requests answer 503."""
        if self.keys is None:
            reason = self.store_reason or "starting"
            raise NotReady(f"API keys cannot be checked: the store is not available ({reason})")
        return self.keys

    def live_batcher(self) -> PipelineBatcher | None:
        """The running request batcher, or None when batching is off (or it has stopped)."""
        batcher = self.batcher
        return batcher if batcher is not None and not batcher.closed else None

    async def run(self, job: Job) -> Outcome:
        """Run one pipeline job: through the request batcher when it runs, else alone in a worker thread; its
        steps are traced under the request's span."""
        batcher = self.live_batcher()
        if batcher is not None:
            outcome = await batcher.submit(job)
        else:
            engine, pipeline = self.require_engine(), self.require_pipeline()
            answers: list[Outcome | Exception] = []
            await anyio.to_thread.run_sync(pipeline.run_batch, engine, [job],
                                           lambda done: answers.extend(outcome for _, outcome in done))
            if isinstance(answers[0], Exception):
                raise answers[0]
            outcome = answers[0]
        self.trace([outcome])
        return outcome

    def trace(self, outcomes: Sequence[Outcome], steps: Collection[str] = STEPS) -> None:
        """Hand a request's outcomes (and which of their steps) to tracing, when it is on (`on_trace`)."""
        if self.on_trace is not None:
            self.on_trace(outcomes, steps)

    def run_batch(self, jobs: list[Job], on_done: OnDone) -> list[Outcome]:
        """The batcher's worker-thread entry: the pipeline with the engine live now (a reload takes the next)."""
        return self.require_pipeline().run_batch(self.require_engine(), jobs, on_done)

    # -- readiness ----------------------------------------------------------------------------------------------
    def readiness(self) -> Readiness:
        pipeline = self.pipeline
        return Readiness(
            ready=self.engine is not None,
            reason=self.engine_reason,
            index_reason=None if self.index.ready else self.index.reason,
            store_reason=self.store_reason,
            drafter_reason=pipeline.drafter_reason if pipeline is not None else "starting",
        )


def state_of(app: object) -> ServiceState:
    """The `ServiceState` of an app made by `service.app.create_app` (for dependencies, tests and tools)."""
    state = getattr(getattr(app, "state", None), "deskmate", None)
    if not isinstance(state, ServiceState):
        raise TypeError(f"{app!r} has no Deskmate service state")
    return state
