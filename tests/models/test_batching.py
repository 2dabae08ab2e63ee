"""Micro-batching: coalescing under concurrency, per-caller results and errors, size bound, no lone wait, close."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from models.batching import BatcherClosedError, BatchingEmbedder, MicroBatcher
from models.embedder import HashingEmbedder, Matrix
from models.routing_model import RoutingModel


class RecordingEmbedder:
    """HashingEmbedder that records each encode call's texts, can sleep per call, hold on a gate, or fail."""

    def __init__(self, *, delay: float = 0.0) -> None:
        self.inner = HashingEmbedder(64)
        self.delay = delay
        self.calls: list[list[str]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def load(self) -> None:
        return None

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        with self._lock:
            self.calls.append(list(texts))
        self.entered.set()
        self.gate.wait(10)
        if self.delay:
            time.sleep(self.delay)
        if any("boom" in t for t in texts):
            raise ValueError("cannot embed boom")
        return self.inner.encode(texts)


@pytest.fixture()
def recording() -> RecordingEmbedder:
    return RecordingEmbedder(delay=0.02)


@pytest.fixture()
def batching(recording: RecordingEmbedder) -> Iterator[BatchingEmbedder]:
    embedder = BatchingEmbedder(recording, max_batch_size=8, max_wait_ms=5)
    yield embedder
    embedder.close()


def run_concurrently(fn: Callable[[str], Matrix], texts: list[str]) -> list[Matrix | BaseException]:
    """Call fn(text) from one thread per text, all released together; results (or errors) in input order."""
    barrier = threading.Barrier(len(texts))

    def call(text: str) -> Matrix | BaseException:
        barrier.wait()
        try:
            return fn(text)
        except Exception as exc:  # returned for the test to inspect
            return exc

    with ThreadPoolExecutor(len(texts)) as pool:
        return list(pool.map(call, texts))


def hold_worker(recording: RecordingEmbedder, batching: BatchingEmbedder) -> threading.Thread:
    """Occupy the worker with one request stuck in encode, so the next requests queue up together."""
    recording.gate.clear()
    recording.entered.clear()
    thread = threading.Thread(target=batching.encode, args=(["blocker"],))
    thread.start()
    assert recording.entered.wait(5)
    return thread


def wait_queued(batcher: MicroBatcher[str, Matrix], n: int) -> None:
    deadline = time.monotonic() + 5
    while len(batcher._queue) < n:  # the test waits until its callers are queued
        assert time.monotonic() < deadline, "callers did not queue"
        time.sleep(0.001)


def test_concurrent_calls_share_encode_batches(recording: RecordingEmbedder, batching: BatchingEmbedder) -> None:
    texts = [f"ticket number {i} about invoices and passwords" for i in range(24)]
    results = run_concurrently(lambda t: batching.encode([t]), texts)
    assert sum(len(c) for c in recording.calls) == 24
    assert len(recording.calls) < 24 / 2, recording.calls  # coalesced, not one call per request
    assert max(len(c) for c in recording.calls) > 1
    reference = HashingEmbedder(64)
    for text, got in zip(texts, results, strict=True):
        assert isinstance(got, np.ndarray) and got.shape == (1, 64) and got.dtype == np.float32
        np.testing.assert_allclose(got, reference.encode([text]), rtol=0, atol=1e-6)  # the caller's own row
    assert batching.stats.requests == 24 and batching.stats.items == 24


def test_multi_text_requests_keep_order_and_batches_stay_bounded(recording: RecordingEmbedder) -> None:
    embedder = BatchingEmbedder(recording, max_batch_size=5, max_wait_ms=5)
    try:
        requests = [[f"r{i} a", f"r{i} b", f"r{i} c"] if i % 2 else [f"r{i} only"] for i in range(20)]
        with ThreadPoolExecutor(20) as pool:
            results = list(pool.map(embedder.encode, requests))
        assert max(len(c) for c in recording.calls) <= 5
        assert any(len(c) > 3 for c in recording.calls)  # several requests did share a batch
        reference = HashingEmbedder(64)
        for texts, got in zip(requests, results, strict=True):
            np.testing.assert_allclose(got, reference.encode(texts), rtol=0, atol=1e-6)
        assert all(texts in [c[i:i + len(texts)] for c in recording.calls for i in range(len(c))]
                   for texts in requests)  # a request's texts are never split across batches
    finally:
        embedder.close()


def test_request_larger_than_batch_bound_goes_straight_through(recording: RecordingEmbedder,
                                                              batching: BatchingEmbedder) -> None:
    texts = [f"text {i}" for i in range(20)]
    out = batching.encode(texts)
    assert out.shape == (20, 64)
    assert recording.calls == [texts] and batching.stats.batches == 0


def test_exception_reaches_only_the_caller_that_caused_it(recording: RecordingEmbedder,
                                                          batching: BatchingEmbedder) -> None:
    blocker = hold_worker(recording, batching)
    texts = ["fine one", "boom here", "fine two", "fine three"]
    with ThreadPoolExecutor(len(texts)) as pool:
        futures = [pool.submit(batching.encode, [t]) for t in texts]
        wait_queued(batching._batcher, len(texts))
        recording.gate.set()
        outcomes = [f.exception() or f.result() for f in futures]
    blocker.join(5)
    assert sorted(recording.calls[1]) == sorted(texts)  # they really shared the failing batch
    assert isinstance(outcomes[1], ValueError) and "boom" in str(outcomes[1])
    reference = HashingEmbedder(64)
    for i in (0, 2, 3):
        outcome = outcomes[i]
        assert isinstance(outcome, np.ndarray)
        np.testing.assert_allclose(outcome, reference.encode([texts[i]]), rtol=0, atol=1e-6)
    assert batching.encode(["still serving"]).shape == (1, 64)  # the worker survived the failure


def test_lone_calls_do_not_wait_for_max_wait(recording: RecordingEmbedder) -> None:
    recording.delay = 0.0
    embedder = BatchingEmbedder(recording, max_batch_size=32, max_wait_ms=100)
    try:
        embedder.encode(["warm the worker"])
        took = []
        for i in range(20):
            start = time.perf_counter()
            embedder.encode([f"lone request {i}"])
            took.append(time.perf_counter() - start)
        assert max(took) < 0.05, took  # far below the 100 ms a lingering worker would add
    finally:
        embedder.close()


def test_worker_lingers_to_fill_batches_while_traffic_is_concurrent(recording: RecordingEmbedder) -> None:
    embedder = BatchingEmbedder(recording, max_batch_size=32, max_wait_ms=400)
    try:
        blocker = hold_worker(recording, embedder)
        with ThreadPoolExecutor(4) as pool:
            first = [pool.submit(embedder.encode, [f"burst {i}"]) for i in range(2)]
            wait_queued(embedder._batcher, 2)
            recording.gate.set()
            late = pool.submit(embedder.encode, ["late arrival"])  # arrives while the worker lingers
            for future in [*first, late]:
                future.result(5)
        blocker.join(5)
        assert sorted(recording.calls[1]) == ["burst 0", "burst 1", "late arrival"]
    finally:
        embedder.close()


def test_close_finishes_queued_work_then_stops_the_worker(recording: RecordingEmbedder,
                                                          batching: BatchingEmbedder) -> None:
    blocker = hold_worker(recording, batching)
    with ThreadPoolExecutor(1) as pool:
        queued = pool.submit(batching.encode, ["queued before close"])
        wait_queued(batching._batcher, 1)
        closer = threading.Thread(target=batching.close)
        closer.start()
        recording.gate.set()
        closer.join(5)
        assert queued.result(5).shape == (1, 64)
    blocker.join(5)
    assert not any(w.is_alive() for w in batching._batcher._workers)
    with pytest.raises(BatcherClosedError, match="closed"):
        batching.encode(["after close"])
    batching.close()  # idempotent


def test_submit_refuses_to_block_an_event_loop(batching: BatchingEmbedder) -> None:
    async def inside_loop() -> None:
        batching.encode(["from async code"])

    with pytest.raises(RuntimeError, match="not inside async code"):
        asyncio.run(inside_loop())


def test_batcher_checks_result_count() -> None:
    batcher: MicroBatcher[int, int] = MicroBatcher(lambda items: items[:-1], max_batch_size=4, max_wait_ms=0)
    try:
        with pytest.raises(RuntimeError, match="returned 1 results for 2 items"):
            batcher.submit([1, 2])
        assert batcher.submit([]) == []
    finally:
        batcher.close()


def test_wrapper_passes_artifact_embedder_checks(trained_model_dir: Path, embedder: HashingEmbedder) -> None:
    wrapped = BatchingEmbedder(embedder, max_batch_size=4, max_wait_ms=1)
    try:
        assert wrapped.model_id == embedder.model_id and wrapped.dim == embedder.dim
        model = RoutingModel.load(trained_model_dir, embedder=wrapped)
        texts = ["charged twice on my invoice"]
        assert model.predict(texts, wrapped.encode(texts))[0].topic.label == "billing"
        assert wrapped.encode([]).shape == (0, embedder.dim)
    finally:
        wrapped.close()


def test_several_workers_encode_batches_at_once(recording: RecordingEmbedder) -> None:
    recording.gate.clear()
    recording.entered.clear()
    embedder = BatchingEmbedder(recording, max_batch_size=8, max_wait_ms=0, workers=2)
    try:
        with ThreadPoolExecutor(2) as pool:
            futures = [pool.submit(embedder.encode, ["first request"])]
            assert recording.entered.wait(5)  # one worker is held inside encode
            futures.append(pool.submit(embedder.encode, ["second request"]))
            deadline = time.monotonic() + 5
            while len(recording.calls) < 2:  # the other worker took the second request meanwhile
                assert time.monotonic() < deadline, recording.calls
                time.sleep(0.001)
            recording.gate.set()
            assert all(f.result(5).shape == (1, 64) for f in futures)
    finally:
        embedder.close()
