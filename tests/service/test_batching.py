"""Request micro-batching: coalescing, mixed route/similar/suggest batches, per-request errors, size bound, no lone
wait, early answers."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import anyio
import pytest

from index.holder import IndexHolder
from models.drafting.types import Draft, DraftRequest
from models.embedding.base import Matrix
from models.embedding.hashing import HashingEmbedder
from models.errors import ArtifactError, InvalidInputError
from models.routing_policy import RoutingPolicy
from service.batching import BatcherClosedError, PipelineBatcher
from service.pipeline import (
    Engine,
    Pipeline,
    RouteJob,
    RouteResult,
    SearchQuery,
    SimilarJob,
    SimilarResult,
    SuggestInput,
    Suggestion,
    SuggestJob,
    TicketInput,
)
from service.settings import REPO_ROOT
from tests.service.test_retrieval_api import make_index

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


@pytest.fixture()
def pipeline(tmp_path: Path, recording: RecordingEmbedder) -> Pipeline:
    return Pipeline(index=IndexHolder.open(make_index(tmp_path, "index", []), embedder=recording), drafter=None,
                    drafter_reason="no drafter in these tests")


def batcher_for(engine: Callable[[], Engine], pipeline: Pipeline, *, max_batch_size: int = 32,
                max_wait_ms: float = 2.0, workers: int = 1) -> PipelineBatcher:
    """A batcher over `pipeline` with the engine `engine()` returns at each batch (as the service wires it)."""
    return PipelineBatcher(lambda jobs, on_done: pipeline.run_batch(engine(), jobs, on_done),
                           max_batch_size=max_batch_size, max_wait_ms=max_wait_ms, workers=workers)


def similar(text: str) -> SimilarJob:
    return SimilarJob(TicketInput(subject="", body=text), SearchQuery(k_cases=1, k_articles=1))


def route(ticket: TicketInput) -> RouteJob:
    return RouteJob(ticket, "generic")


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
    blocker = asyncio.ensure_future(batcher.similar(similar("blocker")))
    await anyio.to_thread.run_sync(recording.entered.wait, 5)
    pending = [asyncio.ensure_future(job) for job in jobs()]
    await asyncio.sleep(0.05)  # every job is queued behind the blocker
    recording.gate.set()
    await blocker
    return list(await asyncio.gather(*pending, return_exceptions=True))


def test_concurrent_requests_share_one_batch_and_get_their_own_results(engine: Engine, pipeline: Pipeline,
                                                                       recording: RecordingEmbedder) -> None:
    expected = engine.route(list(TICKETS), desk="generic")
    recording.calls.clear()
    batcher = batcher_for(lambda: engine, pipeline, max_batch_size=32, max_wait_ms=0)

    async def scenario(b: PipelineBatcher) -> list[object]:
        return await held(recording, b, lambda: [b.route(route(t)) for t in TICKETS])

    got = run_with_batcher(batcher, scenario)
    assert recording.calls[1] == [f"ticket {i}\n{t.body}" for i, t in enumerate(TICKETS)]  # one encode for all 12
    assert len(recording.calls) == 2
    for want, result in zip(expected, got, strict=True):
        assert isinstance(result, RouteResult)
        assert (result.topic.label, result.decision.queue) == (want.topic.label, want.decision.queue)
        assert result.topic.confidence == pytest.approx(want.topic.confidence, abs=1e-6)
    assert batcher.stats.batches == 2 and batcher.stats.jobs == 13 and batcher.stats.largest == 12


def test_route_and_similar_jobs_share_one_encode_call(engine: Engine, pipeline: Pipeline,
                                                      recording: RecordingEmbedder) -> None:
    batcher = batcher_for(lambda: engine, pipeline, max_batch_size=32, max_wait_ms=0)

    async def scenario(b: PipelineBatcher) -> list[object]:
        return await held(recording, b, lambda: [b.route(route(TICKETS[0])),
                                                 b.similar(similar("similar cases to this")),
                                                 b.route(route(TICKETS[1])), b.similar(similar("and to this"))])

    routed_a, vector_a, routed_b, vector_b = run_with_batcher(batcher, scenario)
    assert recording.calls[1] == ["ticket 0\n" + TICKETS[0].body, "ticket 1\n" + TICKETS[1].body,
                                  "similar cases to this", "and to this"]
    assert isinstance(vector_a, SimilarResult) and isinstance(vector_b, SimilarResult)
    assert vector_a.search.articles and vector_b.search.articles  # searched with the batch's vectors
    assert isinstance(routed_a, RouteResult) and isinstance(routed_b, RouteResult)
    assert routed_a.text.startswith("ticket 0") and routed_b.text.startswith("ticket 1")


def test_batches_respect_the_size_bound(engine: Engine, pipeline: Pipeline, recording: RecordingEmbedder) -> None:
    batcher = batcher_for(lambda: engine, pipeline, max_batch_size=5, max_wait_ms=0)

    async def scenario(b: PipelineBatcher) -> list[object]:
        return await held(recording, b, lambda: [b.route(route(t)) for t in TICKETS])

    results = run_with_batcher(batcher, scenario)
    assert all(isinstance(r, RouteResult) for r in results)
    assert [len(call) for call in recording.calls[1:]] == [5, 5, 2]


def test_a_worker_takes_its_share_of_the_queue(engine: Engine, pipeline: Pipeline,
                                              recording: RecordingEmbedder) -> None:
    batcher = batcher_for(lambda: engine, pipeline, max_batch_size=32, max_wait_ms=0, workers=2)

    async def scenario(b: PipelineBatcher) -> list[RouteResult]:
        return list(await asyncio.gather(*(b.route(route(t)) for t in TICKETS[:5])))

    results = run_with_batcher(batcher, scenario)
    assert [r.text for r in results] == [f"ticket {i}\n{t.body}" for i, t in enumerate(TICKETS[:5])]
    # 3 of 5 to the first worker, 1 of the 2 left to the second, the last to whichever is free first: both cores
    # work, and no job waits for four others on one core
    assert sorted(len(call) for call in recording.calls) == [1, 1, 3]


def test_a_busy_worker_is_left_its_share(engine: Engine, pipeline: Pipeline, recording: RecordingEmbedder) -> None:
    batcher = batcher_for(lambda: engine, pipeline, max_batch_size=32, max_wait_ms=0, workers=2)

    async def scenario(b: PipelineBatcher) -> list[object]:  # one worker held by the blocker, the other free
        return await held(recording, b, lambda: [b.route(route(t)) for t in TICKETS[:4]])

    results = run_with_batcher(batcher, scenario)
    assert all(isinstance(r, RouteResult) for r in results)
    # the free worker takes 2 of the 4 and leaves 2, which the next free workers share
    assert [len(call) for call in recording.calls] == [1, 2, 1, 1]


def test_a_bad_ticket_fails_alone(engine: Engine, pipeline: Pipeline, recording: RecordingEmbedder) -> None:
    empty = TicketInput(subject="<p></p>", body="<br/>")  # no text once HTML is removed
    batcher = batcher_for(lambda: engine, pipeline, max_batch_size=32, max_wait_ms=0)

    async def scenario(b: PipelineBatcher) -> list[object]:
        return await held(recording, b, lambda: [b.route(route(TICKETS[0])), b.route(route(empty)),
                                                 b.similar(similar("fine")), b.route(route(TICKETS[1]))])

    ok_a, bad, vector, ok_b = run_with_batcher(batcher, scenario)
    assert isinstance(bad, InvalidInputError)
    assert isinstance(ok_a, RouteResult) and isinstance(ok_b, RouteResult) and isinstance(vector, SimilarResult)
    assert batcher.stats.retried_alone == 4


def test_a_lone_request_does_not_wait_for_company(engine: Engine, pipeline: Pipeline) -> None:
    batcher = batcher_for(lambda: engine, pipeline, max_batch_size=32, max_wait_ms=500, workers=2)

    async def scenario(b: PipelineBatcher) -> list[float]:
        await b.route(route(TICKETS[0]))  # warm
        spent = []
        for ticket in TICKETS[:5]:
            started = time.perf_counter()
            await b.route(route(ticket))
            spent.append(time.perf_counter() - started)
        return spent

    spent = run_with_batcher(batcher, scenario)
    assert max(spent) < 0.25, spent  # a 500 ms linger would show


def test_under_concurrency_a_worker_lingers_to_fill_its_batch(engine: Engine, pipeline: Pipeline,
                                                              recording: RecordingEmbedder) -> None:
    batcher = batcher_for(lambda: engine, pipeline, max_batch_size=32, max_wait_ms=300)

    async def scenario(b: PipelineBatcher) -> None:
        # concurrent traffic: lingering is on
        await asyncio.gather(b.similar(similar("one")), b.similar(similar("two")))
        recording.calls.clear()
        first = asyncio.ensure_future(b.similar(similar("three")))
        await asyncio.sleep(0.05)  # arrives while the worker lingers
        await asyncio.gather(first, b.similar(similar("four")))

    run_with_batcher(batcher, scenario)
    assert recording.calls == [["three", "four"]]


def test_a_hot_swapped_engine_serves_the_next_batch(engine: Engine, pipeline: Pipeline,
                                                    trained_model_dir: Path) -> None:
    other = Engine.load(embedder=HashingEmbedder(256), model_dir=trained_model_dir, policy=engine.policy)
    other.model.manifest = {**other.model.manifest, "version": "swapped-in"}
    live = [engine]
    batcher = batcher_for(lambda: live[0], pipeline, max_wait_ms=0)

    async def scenario(b: PipelineBatcher) -> tuple[str, str]:
        before = (await b.route(route(TICKETS[0]))).model_version
        live[0] = other
        return before, (await b.route(route(TICKETS[0]))).model_version

    before, after = run_with_batcher(batcher, scenario)
    assert before == engine.model.version and after == "swapped-in"


def test_shutdown_drains_queued_jobs_then_refuses_new_ones(engine: Engine, pipeline: Pipeline,
                                                           recording: RecordingEmbedder) -> None:
    batcher = batcher_for(lambda: engine, pipeline, max_wait_ms=0)

    async def main() -> BaseException | None:
        queued: asyncio.Future[SimilarResult] | None = None
        async with anyio.create_task_group() as tasks:
            await tasks.start(batcher.serve)
            recording.gate.clear()
            recording.entered.clear()
            blocker = asyncio.ensure_future(batcher.similar(similar("blocker")))
            await anyio.to_thread.run_sync(recording.entered.wait, 5)
            queued = asyncio.ensure_future(batcher.similar(similar("queued")))
            await asyncio.sleep(0.02)
            tasks.cancel_scope.cancel()
            recording.gate.set()  # the batch in flight and the queued job are still answered
        assert queued is not None
        assert isinstance(await blocker, SimilarResult) and isinstance(await queued, SimilarResult)
        try:
            await batcher.similar(similar("after shutdown"))
        except BatcherClosedError as exc:
            return exc
        return None

    assert isinstance(asyncio.run(main()), BatcherClosedError)
    assert batcher.closed


def test_shutdown_drains_every_share_of_the_queue(engine: Engine, pipeline: Pipeline,
                                                  recording: RecordingEmbedder) -> None:
    batcher = batcher_for(lambda: engine, pipeline, max_wait_ms=0, workers=2)

    async def main() -> list[object]:
        async with anyio.create_task_group() as tasks:
            await tasks.start(batcher.serve)
            recording.gate.clear()
            blockers = [asyncio.ensure_future(batcher.similar(similar(f"blocker {i}"))) for i in range(2)]
            while len(recording.calls) < 2:  # both workers held in encode
                await asyncio.sleep(0.01)
            queued = [asyncio.ensure_future(batcher.similar(similar(f"queued {i}"))) for i in range(5)]
            await asyncio.sleep(0.02)
            tasks.cancel_scope.cancel()
            recording.gate.set()  # each worker takes its share, then the rest: none is refused
        return list(await asyncio.gather(*blockers, *queued, return_exceptions=True))

    results = asyncio.run(main())
    assert all(isinstance(r, SimilarResult) for r in results), results
    assert sorted(len(call) for call in recording.calls) == [1, 1, 1, 1, 3]


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="max_batch_size"):
        PipelineBatcher(lambda jobs, on_done: None, max_batch_size=0)
    with pytest.raises(ValueError, match="max_wait_ms"):
        PipelineBatcher(lambda jobs, on_done: None, max_wait_ms=-1)
    with pytest.raises(ValueError, match="workers"):
        PipelineBatcher(lambda jobs, on_done: None, workers=0)


class SlowDrafter:
    """A drafter that waits on a gate, to show that route jobs are answered before a batch-mate's draft."""

    def __init__(self) -> None:
        self.gate = threading.Event()

    @property
    def name(self) -> str:
        return "slow"

    def stream(self, request: DraftRequest) -> Iterator[str | Draft]:
        assert self.gate.wait(10)
        yield Draft(text="Hello.", sentences=[], citations=[], language=request.language, tone="neutral",
                    drafter="slow", confidence=0.5)

    def draft(self, request: DraftRequest) -> Draft:
        *_, last = self.stream(request)
        assert isinstance(last, Draft)
        return last


def test_route_jobs_are_answered_before_a_batch_mates_draft(engine: Engine, pipeline: Pipeline,
                                                            recording: RecordingEmbedder) -> None:
    drafter = SlowDrafter()
    pipeline.drafter = drafter
    batcher = batcher_for(lambda: engine, pipeline, max_wait_ms=0)

    async def scenario(b: PipelineBatcher) -> tuple[RouteResult, bool, Suggestion]:
        suggestion = asyncio.ensure_future(b.suggest(SuggestJob(SuggestInput(TICKETS[0], "generic"))))
        await asyncio.sleep(0)
        routed = await b.route(route(TICKETS[1]))  # same batch or the next: answered while the draft waits
        waiting = not suggestion.done()
        drafter.gate.set()
        return routed, waiting, await suggestion

    routed, waiting, suggestion = run_with_batcher(batcher, scenario)
    assert isinstance(routed, RouteResult) and waiting
    assert suggestion.draft is not None and suggestion.draft.text == "Hello."
    assert "suggestion was not stored" in " ".join(suggestion.warnings)  # no sink: flagged, not lost


def test_a_job_failing_after_routing_fails_alone_without_a_retry(engine: Engine, recording: RecordingEmbedder) -> None:
    empty = Pipeline(index=IndexHolder(reason="no index in this test"), drafter=None)
    batcher = batcher_for(lambda: engine, empty, max_wait_ms=0)

    async def scenario(b: PipelineBatcher) -> list[object]:
        return list(await asyncio.gather(b.route(route(TICKETS[0])), b.similar(similar("no index")),
                                         return_exceptions=True))

    routed, failed = run_with_batcher(batcher, scenario)
    assert isinstance(routed, RouteResult)
    assert isinstance(failed, ArtifactError) and "no index in this test" in str(failed)
    assert batcher.stats.retried_alone == 0
