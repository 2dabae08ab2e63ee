"""Micro-batching: concurrent callers' inputs are coalesced into one call of a batch function.

Request threads (FastAPI's threadpool) enqueue their items and wait on a future; worker threads (one by
default) drain the queue and run the batch function once for everything they took. A lone request never waits:
an idle worker takes what is queued at once. Only while traffic is concurrent (several requests queued together,
or the previous batch held several) does a worker linger up to `max_wait_ms` for more, until `max_batch_size`
items. While a batch runs, new requests queue up, so under load batches form by themselves.

`BatchingEmbedder` wraps any `Embedder` this way; it keeps the wrapped embedder's id and dimension, so the
embedder checks of model and index directories still pass.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy as np

from models.embedder import Embedder, Matrix

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class BatcherClosedError(RuntimeError):
    """The batcher was closed (service shutting down) before or while the request was submitted."""


@dataclass(slots=True)
class _Request(Generic[T, R]):
    items: list[T]
    future: Future[list[R]] = field(default_factory=Future)


@dataclass(slots=True)
class BatchStats:
    """Counters for tests and logs: how many batches ran and how many items and requests they held."""

    batches: int = 0
    requests: int = 0
    items: int = 0
    largest: int = 0

    @property
    def mean_batch(self) -> float:
        return self.items / self.batches if self.batches else 0.0


class MicroBatcher(Generic[T, R]):
    """Coalesces concurrent `submit` calls into calls of `run(items) -> results` (same length, same order).

    `workers` threads take batches from one queue (more than one lets batches use several cores at once).
    A request's items always stay together in one batch; a request larger than `max_batch_size` runs alone.
    If a batch of several requests fails, each request is retried alone, so an exception reaches only the
    callers whose input caused it.
    """

    def __init__(self, run: Callable[[list[T]], Sequence[R]], *, max_batch_size: int = 32,
                 max_wait_ms: float = 2.0, workers: int = 1, name: str = "batcher") -> None:
        if max_batch_size < 1:
            raise ValueError("max_batch_size must be >= 1")
        if max_wait_ms < 0:
            raise ValueError("max_wait_ms must be >= 0")
        self._run = run
        self.max_batch_size = max_batch_size
        self.max_wait = max_wait_ms / 1000.0
        self.name = name
        self.stats = BatchStats()
        self._queue: deque[_Request[T, R]] = deque()
        self._cond = threading.Condition()
        self._closed = False
        self._last_requests = 0  # requests in the previous batch (worker thread only)
        self._workers = [threading.Thread(target=self._serve, name=f"deskmate-{name}-{i}", daemon=True)
                         for i in range(workers)]
        for worker in self._workers:
            worker.start()

    @property
    def closed(self) -> bool:
        return self._closed

    def submit(self, items: Sequence[T]) -> list[R]:
        """Run `items` in the next batch and return their results; blocks the calling (worker pool) thread."""
        if not items:
            return []
        if _in_event_loop():
            raise RuntimeError(f"{self.name}.submit blocks; call it from a worker thread, not inside async code")
        request: _Request[T, R] = _Request(list(items))
        with self._cond:
            if self._closed:
                raise BatcherClosedError(f"{self.name} is closed")
            self._queue.append(request)
            self._cond.notify()
        return request.future.result()

    def close(self, timeout: float = 10.0) -> None:
        """Stop taking requests, finish those already queued, and join the worker thread. Idempotent."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        for worker in self._workers:
            if worker is not threading.current_thread():
                worker.join(timeout)
            if worker.is_alive():
                logger.warning("batch worker did not stop in time", extra={"batcher": self.name})

    # -- worker ---------------------------------------------------------------------------------
    def _serve(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if not self._queue:
                    return  # closed and drained
                batch = self._take_batch()
                self._count(batch)
            self._execute(batch)

    def _take_batch(self) -> list[_Request[T, R]]:
        """Everything queued now (up to the size bound); linger for more only while traffic is concurrent.

        Traffic counts as concurrent when several requests are queued now or the previous batch held several;
        a lone client's request therefore never waits.
        """
        batch = [self._queue.popleft()]
        size = self._take_queued(batch, len(batch[0].items))
        concurrent = len(batch) > 1 or self._last_requests > 1
        self._last_requests = len(batch)
        if not concurrent or self.max_wait == 0:
            return batch
        deadline = time.monotonic() + self.max_wait
        while size < self.max_batch_size and not self._closed:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            if not self._queue:
                self._cond.wait(remaining)
                continue
            before = size
            size = self._take_queued(batch, size)
            if size == before:
                break  # the next request does not fit this batch
        self._last_requests = len(batch)
        return batch

    def _take_queued(self, batch: list[_Request[T, R]], size: int) -> int:
        while self._queue and size + len(self._queue[0].items) <= self.max_batch_size:
            request = self._queue.popleft()
            batch.append(request)
            size += len(request.items)
        return size

    def _count(self, batch: list[_Request[T, R]]) -> None:
        size = sum(len(request.items) for request in batch)
        self.stats.batches += 1
        self.stats.requests += len(batch)
        self.stats.items += size
        self.stats.largest = max(self.stats.largest, size)

    def _execute(self, batch: list[_Request[T, R]]) -> None:
        items = [item for request in batch for item in request.items]
        try:
            results = self._call(items)
        except BaseException as exc:  # handed to the callers, never swallowed
            if len(batch) == 1:
                batch[0].future.set_exception(exc)
                return
            logger.info("batch failed; retrying its requests one by one",
                        extra={"batcher": self.name, "requests": len(batch), "error": repr(exc)})
            for request in batch:
                self._execute_alone(request)
            return
        start = 0
        for request in batch:
            stop = start + len(request.items)
            request.future.set_result(results[start:stop])
            start = stop

    def _execute_alone(self, request: _Request[T, R]) -> None:
        try:
            request.future.set_result(self._call(request.items))
        except BaseException as exc:  # handed to the caller
            request.future.set_exception(exc)

    def _call(self, items: list[T]) -> list[R]:
        results = list(self._run(items))
        if len(results) != len(items):
            raise RuntimeError(f"{self.name}: batch function returned {len(results)} results for {len(items)} items")
        return results


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class BatchingEmbedder:
    """An `Embedder` whose concurrent `encode` calls share one batch of the wrapped embedder.

    Calls with more texts than `max_batch_size`, or with a progress bar (index builds), go straight to the
    wrapped embedder: they are batches already. A coalesced batch is encoded in forward passes of
    `encode_batch_size` texts (sentence-transformers sorts them by length first): on CPU, padding 32 tickets of
    mixed lengths to the longest one was 2-3x slower than passes of 4, which cost about what single texts do.
    """

    def __init__(self, inner: Embedder, *, max_batch_size: int = 32, max_wait_ms: float = 2.0,
                 encode_batch_size: int = 4, workers: int = 1) -> None:
        self.inner = inner
        self.encode_batch_size = encode_batch_size
        self._batcher: MicroBatcher[str, Matrix] = MicroBatcher(
            self._encode_rows, max_batch_size=max_batch_size, max_wait_ms=max_wait_ms, workers=workers,
            name=f"embed-batcher[{inner.model_id}]")

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    @property
    def stats(self) -> BatchStats:
        return self._batcher.stats

    def load(self) -> None:
        self.inner.load()

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if show_progress or len(texts) > self._batcher.max_batch_size:
            return self.inner.encode(texts, batch_size=batch_size, show_progress=show_progress)
        return np.stack(self._batcher.submit(texts))

    def _encode_rows(self, texts: list[str]) -> list[Matrix]:
        return list(self.inner.encode(texts, batch_size=self.encode_batch_size))

    def close(self) -> None:
        self._batcher.close()


def close_embedder(embedder: Embedder) -> None:
    """Stop the worker of a `BatchingEmbedder`; other embedders hold no threads, so this does nothing for them."""
    if isinstance(embedder, BatchingEmbedder):
        embedder.close()
