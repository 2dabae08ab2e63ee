"""Request micro-batching: coalescing, mixed route/embed batches, per-request errors, size bound, no lone wait."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

import anyio
import numpy as np
import pytest

from models.embedder import HashingEmbedder, Matrix
from models.errors import InvalidInputError
from models.routing_policy import RoutingPolicy
from service.batching import BatcherClosedError, PipelineBatcher
from service.pipeline import Engine, RouteResult, TicketInput
from service.settings import REPO_ROOT

T = TypeVar("T")


class RecordingEmbedder:
    """HashingEmbedder that records each encode call's texts and can hold calls on a gate."""

    def __init__(self) -> None:
        self.inner = HashingEmbedder(256)
        self.calls: list[list[str]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def load(self) -> None:
        return None

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        self.calls.append(list(texts))
        self.entered.set()
        assert self.gate.wait(10)
        return self.inner.encode(texts)


@pytest.fixture()
def recording() -> RecordingEmbedder:
    return RecordingEmbedder()


@pytest.fixture()
def engine(trained_model_dir: Path, recording: RecordingEmbedder) -> Engine:
    policy = RoutingPolicy.from_yaml(REPO_ROOT / "config" / "routing.yaml")
    engine = Engine.load(embedder=recording, model_dir=trained_model_dir, policy=policy)
    recording.calls.clear()
    return engine


TICKETS = [TicketInput(subject=f"ticket {i}", body=body) for i, body in enumerate([
    "my credit card invoice was charged twice", "password reset link fails, locked out",
    "502 error, the whole team is offline", "please add dark mode, a feature idea"] * 3)]


def run_with_batcher(batcher: PipelineBatcher, scenario: Callable[[PipelineBatcher], Awaitable[T]]) -> T:
    """Run `scenario` while the batcher serves, then stop it (as the lifespan does)."""

    async def main() -> T:
        async with anyio.create_task_group() as tasks:
            await tasks.start(batcher.serve)
            try:
                result = await scenario(batcher)
            finally:
                tasks.cancel_scope.cancel()
        return result

    return asyncio.run(main())


async def held(recording: RecordingEmbedder, batcher: PipelineBatcher,
               jobs: Callable[[], list[Awaitable[object]]]) -> list[object]:
    """Occupy the (single) worker with a blocker stuck in encode, queue `jobs` meanwhile, then release."""
    recording.gate.clear()
    recording.entered.clear()
    blocker = asyncio.ensure_future(batcher.embed("blocker"))
    await anyio.to_thread.run_sync(recording.entered.wait, 5)
    pending = [asyncio.ensure_future(job) for job in jobs()]
    await asyncio.sleep(0.05)  # every job is queued behind the blocker
    recording.gate.set()
    await blocker
    return list(await asyncio.gather(*pending, return_exceptions=True))


def test_concurrent_requests_share_one_batch_and_get_their_own_results(engine: Engine,
                                                                       recording: RecordingEmbedder) -> None:
    expected = engine.route(list(TICKETS), desk="generic")
    recording.calls.clear()
    batcher = PipelineBatcher(lambda: engine, max_batch_size=32, max_wait_ms=0)

    async def scenario(b: PipelineBatcher) -> list[object]:
        return await held(recording, b, lambda: [b.route(t, "generic") for t in TICKETS])

    got = run_with_batcher(batcher, scenario)
    assert recording.calls[1] == [f"ticket {i}\n{t.body}" for i, t in enumerate(TICKETS)]  # one encode for all 12
    assert len(recording.calls) == 2
    for want, result in zip(expected, got, strict=True):
        assert isinstance(result, RouteResult)
        assert (result.topic.label, result.decision.queue) == (want.topic.label, want.decision.queue)
        assert result.topic.confidence == pytest.approx(want.topic.confidence, abs=1e-6)
    assert batcher.stats.batches == 2 and batcher.stats.jobs == 13 and batcher.stats.largest == 12


def test_route_and_embed_jobs_share_one_encode_call(engine: Engine, recording: RecordingEmbedder) -> None:
    batcher = PipelineBatcher(lambda: engine, max_batch_size=32, max_wait_ms=0)

    async def scenario(b: PipelineBatcher) -> list[object]:
        return await held(recording, b, lambda: [b.route(TICKETS[0], "generic"), b.embed("similar cases to this"),
                                                 b.route(TICKETS[1], "generic"), b.embed("and to this")])

    routed_a, vector_a, routed_b, vector_b = run_with_batcher(batcher, scenario)
    assert recording.calls[1] == ["ticket 0\n" + TICKETS[0].body, "ticket 1\n" + TICKETS[1].body,
                                  "similar cases to this", "and to this"]
    assert isinstance(vector_a, np.ndarray) and isinstance(vector_b, np.ndarray)
    np.testing.assert_allclose(vector_a, recording.inner.encode(["similar cases to this"]), atol=1e-6)
    np.testing.assert_allclose(vector_b, recording.inner.encode(["and to this"]), atol=1e-6)
    assert isinstance(routed_a, RouteResult) and isinstance(routed_b, RouteResult)
    assert routed_a.text.startswith("ticket 0") and routed_b.text.startswith("ticket 1")


def test_batches_respect_the_size_bound(engine: Engine, recording: RecordingEmbedder) -> None:
    batcher = PipelineBatcher(lambda: engine, max_batch_size=5, max_wait_ms=0)

    async def scenario(b: PipelineBatcher) -> list[object]:
        return await held(recording, b, lambda: [b.route(t, "generic") for t in TICKETS])

    results = run_with_batcher(batcher, scenario)
    assert all(isinstance(r, RouteResult) for r in results)
    assert [len(call) for call in recording.calls[1:]] == [5, 5, 2]


def test_a_bad_ticket_fails_alone(engine: Engine, recording: RecordingEmbedder) -> None:
    empty = TicketInput(subject="<p></p>", body="<br/>")  # no text once HTML is removed
    batcher = PipelineBatcher(lambda: engine, max_batch_size=32, max_wait_ms=0)

    async def scenario(b: PipelineBatcher) -> list[object]:
        return await held(recording, b, lambda: [b.route(TICKETS[0], "generic"), b.route(empty, "generic"),
                                                 b.embed("fine"), b.route(TICKETS[1], "generic")])

    ok_a, bad, vector, ok_b = run_with_batcher(batcher, scenario)
    assert isinstance(bad, InvalidInputError)
    assert isinstance(ok_a, RouteResult) and isinstance(ok_b, RouteResult) and isinstance(vector, np.ndarray)
    assert batcher.stats.retried_alone == 4


def test_a_lone_request_does_not_wait_for_company(engine: Engine) -> None:
    batcher = PipelineBatcher(lambda: engine, max_batch_size=32, max_wait_ms=500, workers=2)

    async def scenario(b: PipelineBatcher) -> list[float]:
        await b.route(TICKETS[0], "generic")  # warm
        spent = []
        for ticket in TICKETS[:5]:
            started = time.perf_counter()
            await b.route(ticket, "generic")
            spent.append(time.perf_counter() - started)
        return spent

    spent = run_with_batcher(batcher, scenario)
    assert max(spent) < 0.25, spent  # a 500 ms linger would show


def test_under_concurrency_a_worker_lingers_to_fill_its_batch(engine: Engine, recording: RecordingEmbedder) -> None:
    batcher = PipelineBatcher(lambda: engine, max_batch_size=32, max_wait_ms=300)

    async def scenario(b: PipelineBatcher) -> None:
        await asyncio.gather(b.embed("one"), b.embed("two"))  # concurrent traffic: lingering is on
        recording.calls.clear()
        first = asyncio.ensure_future(b.embed("three"))
        await asyncio.sleep(0.05)  # arrives while the worker lingers
        await asyncio.gather(first, b.embed("four"))

    run_with_batcher(batcher, scenario)
    assert recording.calls == [["three", "four"]]


def test_a_hot_swapped_engine_serves_the_next_batch(engine: Engine, trained_model_dir: Path) -> None:
    other = Engine.load(embedder=HashingEmbedder(256), model_dir=trained_model_dir, policy=engine.policy)
    other.model.manifest = {**other.model.manifest, "version": "swapped-in"}
    live = [engine]
    batcher = PipelineBatcher(lambda: live[0], max_wait_ms=0)

    async def scenario(b: PipelineBatcher) -> tuple[str, str]:
        before = (await b.route(TICKETS[0], "generic")).model_version
        live[0] = other
        return before, (await b.route(TICKETS[0], "generic")).model_version

    before, after = run_with_batcher(batcher, scenario)
    assert before == engine.model.version and after == "swapped-in"


def test_shutdown_drains_queued_jobs_then_refuses_new_ones(engine: Engine, recording: RecordingEmbedder) -> None:
    batcher = PipelineBatcher(lambda: engine, max_wait_ms=0)

    async def main() -> BaseException | None:
        queued: asyncio.Future[Matrix] | None = None
        async with anyio.create_task_group() as tasks:
            await tasks.start(batcher.serve)
            recording.gate.clear()
            recording.entered.clear()
            blocker = asyncio.ensure_future(batcher.embed("blocker"))
            await anyio.to_thread.run_sync(recording.entered.wait, 5)
            queued = asyncio.ensure_future(batcher.embed("queued"))
            await asyncio.sleep(0.02)
            tasks.cancel_scope.cancel()
            recording.gate.set()  # the batch in flight and the queued job are still answered
        assert queued is not None
        assert (await blocker).shape == (1, 256) and (await queued).shape == (1, 256)
        try:
            await batcher.embed("after shutdown")
        except BatcherClosedError as exc:
            return exc
        return None

    assert isinstance(asyncio.run(main()), BatcherClosedError)
    assert batcher.closed


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="max_batch_size"):
        PipelineBatcher(lambda: None, max_batch_size=0)  # type: ignore[arg-type,return-value]
    with pytest.raises(ValueError, match="max_wait_ms"):
        PipelineBatcher(lambda: None, max_wait_ms=-1)  # type: ignore[arg-type,return-value]
    with pytest.raises(ValueError, match="workers"):
        PipelineBatcher(lambda: None, workers=0)  # type: ignore[arg-type,return-value]
