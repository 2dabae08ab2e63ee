"""Micro-batching of concurrent requests: `/v1/route`, `/v1/similar` and `/v1/suggest` share one pipeline batch.

Each request puts one job on a queue (a ticket to route, a ticket to find similar cases for, or a ticket to
suggest a reply for) and awaits a future, so nothing blocks the event loop and an endpoint makes one thread
hop. `workers` asyncio tasks take jobs off the queue and run each batch in a worker thread: one
`Pipeline.run_batch` call (service/pipeline.py) embeds every job's text in one encode call (length-bucketed),
runs the classifier heads once for all tickets, then searches and drafts per job; each job's future is
resolved as soon as its answer is ready, so a route request does not wait for a batch-mate's draft. While a
batch runs, new requests queue up, so under load batches form by themselves; a lone request never waits (an
idle worker takes it at once). Only while traffic is concurrent (several jobs queued together, or the previous
batch held several) does a worker linger up to `max_wait_ms` to fill a batch of `max_batch_size` jobs. Without
linger, a worker takes its share of the queue (the queue divided by the workers, rounded up) and leaves the rest to
the next worker that is free, idle now or soon: a batch costs about the sum of its tickets (MiniLM dominates, and
batching saves it little), so one worker taking the whole queue would make every job in it wait for all of them
while the other core finishes early and idles (docs/results.md, the open loop of 2026-12-05).

On shutdown (the lifespan cancels `serve`), the batch in flight and the jobs already queued are still
answered; later jobs get `BatcherClosedError`. If a batch of several jobs fails, each job is retried alone, so
an error reaches only the request that caused it. The engine is looked up per batch (by the `run_batch`
callable the service passes), so a hot-reloaded model
takes over at the next batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import anyio
import anyio.abc
import anyio.from_thread
import anyio.to_thread

from service.pipeline import (
    Answer,
    Job,
    OnDone,
    Outcome,
    RouteJob,
    RouteResult,
    SimilarJob,
    SimilarResult,
    Suggestion,
    SuggestJob,
)

logger = logging.getLogger(__name__)

RunBatch = Callable[[list[Job], OnDone], object]
"""Runs one batch in a worker thread, calling `on_done(answers)` as jobs are answered
(the service passes `Pipeline.run_batch` with the live engine)."""


class BatcherClosedError(RuntimeError):
    """The batcher is closed (the service is shutting down)."""


@dataclass(slots=True)
class BatchStats:
    """Counters for tests: batches run, jobs they held, the largest one, jobs retried alone."""

    batches: int = 0
    jobs: int = 0
    largest: int = 0
    retried_alone: int = 0


@dataclass(slots=True)
class _Pending:
    job: Job
    future: asyncio.Future[Outcome]
    queued: float = field(default_factory=time.perf_counter)  # when it was submitted (queue wait metric)


class PipelineBatcher:
    """Coalesces concurrent pipeline jobs into batches of `Pipeline.run_batch` (see the module doc)."""

    def __init__(self, run_batch: RunBatch, *, max_batch_size: int = 32, max_wait_ms: float = 0.0,
                 workers: int = 1) -> None:
        if max_batch_size < 1:
            raise ValueError("max_batch_size must be >= 1")
        if max_wait_ms < 0:
            raise ValueError("max_wait_ms must be >= 0")
        if workers < 1:
            raise ValueError("workers must be >= 1")
        self._run_batch = run_batch
        self.max_batch_size = max_batch_size
        self.max_wait = max_wait_ms / 1000.0
        self.workers = workers
        self.stats = BatchStats()
        self._queue: deque[_Pending] = deque()
        self._wakeup: asyncio.Condition | None = None  # made by `serve`: jobs are taken once it exists
        self._closed = False
        self._last_jobs = 0
        self._limiter = anyio.CapacityLimiter(workers)  # batch threads, separate from the request threadpool
        self.on_batch: Callable[[list[float]], None] | None = None  # metrics: each job's queue wait (s), per batch

    @property
    def closed(self) -> bool:
        return self._closed

    async def serve(self, *, task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Run the worker tasks until cancelled: `await task_group.start(batcher.serve)` returns once it takes jobs."""
        self._wakeup = asyncio.Condition()
        try:
            async with anyio.create_task_group() as tasks:
                for _ in range(self.workers):
                    tasks.start_soon(self._worker)
                task_status.started()
        finally:
            self._closed = True
            for pending in self._queue:  # nothing is left hanging on shutdown
                if not pending.future.done():
                    pending.future.set_exception(BatcherClosedError("the service is shutting down"))
            self._queue.clear()

    # -- callers ------------------------------------------------------------------------------------
    async def route(self, job: RouteJob) -> RouteResult:
        result = await self.submit(job)
        assert isinstance(result, RouteResult)
        return result

    async def similar(self, job: SimilarJob) -> SimilarResult:
        result = await self.submit(job)
        assert isinstance(result, SimilarResult)
        return result

    async def suggest(self, job: SuggestJob) -> Suggestion:
        result = await self.submit(job)
        assert isinstance(result, Suggestion)
        return result

    async def submit(self, job: Job) -> Outcome:
        """Queue `job` and await its outcome (the one await an endpoint makes)."""
        if self._closed or self._wakeup is None:
            raise BatcherClosedError("the batcher is not running")
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._queue.append(_Pending(job, future))
        async with self._wakeup:
            self._wakeup.notify_all()  # an idle worker, or one lingering to fill its batch
        return await future

    # -- workers ------------------------------------------------------------------------------------
    async def _worker(self) -> None:
        assert self._wakeup is not None
        while True:
            async with self._wakeup:
                while not self._queue:
                    await self._wakeup.wait()
            batch = await self._take_batch()
            if batch:
                with anyio.CancelScope(shield=True):  # even while shutting down, a taken batch gets its answers
                    await self._execute(batch)

    def _share(self) -> int:
        """How many queued jobs a worker takes now: the queue divided by the workers, rounded up, within the bound
        (the rest goes to the next free worker)."""
        return max(1, min(self.max_batch_size, -(-len(self._queue) // self.workers)))

    def _take_queued(self, batch: list[_Pending], limit: int | None = None) -> None:
        bound = self.max_batch_size if limit is None else limit
        while self._queue and len(batch) < bound:
            pending = self._queue.popleft()
            if not pending.future.done():  # the client went away
                batch.append(pending)

    async def _take_batch(self) -> list[_Pending]:
        """This worker's share of what is queued now (`_share`; with a linger, everything up to the bound); linger for
        more only while traffic is concurrent."""
        assert self._wakeup is not None
        batch: list[_Pending] = []
        self._take_queued(batch, None if self.max_wait > 0 else self._share())
        concurrent = len(batch) > 1 or self._last_jobs > 1
        if concurrent and self.max_wait > 0 and 0 < len(batch) < self.max_batch_size:
            deadline = time.perf_counter() + self.max_wait
            while len(batch) < self.max_batch_size and (remaining := deadline - time.perf_counter()) > 0:
                if not self._queue:
                    async with self._wakeup:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(self._wakeup.wait(), remaining)
                self._take_queued(batch)
        self._last_jobs = len(batch)
        return batch

    async def _run(self, batch: list[_Pending]) -> None:
        """One batch in a worker thread; each job's future is resolved on the loop as soon as it is answered."""
        loop = asyncio.get_running_loop()

        def on_done(answers: list[Answer]) -> None:  # one wake-up of the loop per group of answers
            loop.call_soon_threadsafe(_resolve_all, batch, answers)

        jobs = [pending.job for pending in batch]
        await anyio.to_thread.run_sync(self._run_batch, jobs, on_done, limiter=self._limiter)

    async def _execute(self, batch: list[_Pending]) -> None:
        self.stats.batches += 1
        self.stats.jobs += len(batch)
        self.stats.largest = max(self.stats.largest, len(batch))
        if self.on_batch is not None:
            self.on_batch([time.perf_counter() - pending.queued for pending in batch])
        try:
            await self._run(batch)
        except Exception as exc:  # handed to the callers, never swallowed
            # Answers the thread posted before failing already ran: they were queued on the loop before the
            # thread's own completion, so only the jobs still waiting are retried.
            waiting = [pending for pending in batch if not pending.future.done()]
            if len(batch) == 1:
                for pending in waiting:
                    _resolve(pending, exc)
                return
            logger.info("batch failed; retrying its jobs one by one",
                        extra={"jobs": len(waiting), "error": repr(exc)})
            self.stats.retried_alone += len(waiting)
            for pending in waiting:
                try:
                    await self._run([pending])
                except Exception as alone:
                    _resolve(pending, alone)


def _resolve_all(batch: list[_Pending], answers: list[Answer]) -> None:
    for i, outcome in answers:
        _resolve(batch[i], outcome)


def _resolve(pending: _Pending, outcome: Outcome | BaseException) -> None:
    if pending.future.done():  # cancelled: the client disconnected
        return
    if isinstance(outcome, BaseException):
        pending.future.set_exception(outcome)
    else:
        pending.future.set_result(outcome)
