"""Worker: results, backoff with jitter, Retry-After, dead letters, permanent failures, leases and heartbeats."""

from __future__ import annotations

import random
import threading
import time
from datetime import timedelta
from typing import Any

import pytest

from service.jobs import Job, JobQueue, PermanentFailure, RetryLater, Worker
from service.jobs.queue import utcnow
from service.jobs.worker import backoff_delay
from service.settings import JobsSettings
from tests.service.jobs.test_queue import expire_leases


def test_a_handler_result_is_stored(sqlite_queue: JobQueue) -> None:
    seen: list[Job] = []

    def handler(job: Job) -> dict[str, Any]:
        seen.append(job)
        return {"echo": job.payload["n"]}

    job_id, _ = sqlite_queue.enqueue("echo", {"n": 3})
    worker = Worker(sqlite_queue, {"echo": handler}, worker_id="w")
    assert worker.run_once() is True and worker.run_once() is False
    info = sqlite_queue.get(job_id)
    assert info is not None and info.state == "done" and info.result == {"echo": 3} and seen[0].attempts == 1


def test_a_result_that_is_not_json_is_a_dead_letter(sqlite_queue: JobQueue) -> None:
    bad = [sqlite_queue.enqueue("a", {"r": r})[0] for r in ("object", "list")]
    results: dict[str, Any] = {"object": {"when": object()}, "list": [1, 2]}
    worker = Worker(sqlite_queue, {"a": lambda job: results[job.payload["r"]]})
    while worker.run_once():
        pass
    infos = [info for job_id in bad if (info := sqlite_queue.get(job_id)) is not None]
    assert [(i.state, i.result) for i in infos] == [("dead", None), ("dead", None)]
    assert "not JSON" in (infos[0].last_error or "") and "returned list" in (infos[1].last_error or "")


def test_unknown_kinds_are_left_for_another_worker(sqlite_queue: JobQueue) -> None:
    job_id, _ = sqlite_queue.enqueue("not.mine", {})
    assert Worker(sqlite_queue, {"mine": lambda job: None}).run_once() is False
    assert (info := sqlite_queue.get(job_id)) is not None and info.state == "queued"


def test_backoff_is_exponential_capped_and_jittered() -> None:
    rng = random.Random(7)
    for attempt, ceiling in [(1, 2.0), (2, 4.0), (3, 8.0), (10, 900.0), (500, 900.0)]:
        delays = [backoff_delay(attempt, base_delay=2.0, max_delay=900.0, rng=rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jitter: workers failing together do not retry together


def test_an_exception_is_retried_after_the_backoff(sqlite_queue: JobQueue) -> None:
    def boom(job: Job) -> None:
        raise ConnectionError("desk unreachable")

    job_id, _ = sqlite_queue.enqueue("a", {})
    before = utcnow()
    Worker(sqlite_queue, {"a": boom}, base_delay=10.0, max_delay=100.0).run_once()
    info = sqlite_queue.get(job_id)
    assert info is not None and info.state == "queued" and info.attempts == 1
    assert info.last_error == "ConnectionError: desk unreachable"
    assert before + timedelta(seconds=5) <= info.run_after <= utcnow() + timedelta(seconds=10)


def test_retry_after_overrides_the_backoff(sqlite_queue: JobQueue) -> None:
    def throttled(job: Job) -> None:
        raise RetryLater("desk answered 429", after_seconds=120)

    job_id, _ = sqlite_queue.enqueue("a", {})
    before = utcnow()
    Worker(sqlite_queue, {"a": throttled}, base_delay=1.0, max_delay=5.0).run_once()
    info = sqlite_queue.get(job_id)
    assert info is not None and info.last_error == "desk answered 429"
    assert before + timedelta(seconds=119) <= info.run_after <= utcnow() + timedelta(seconds=120)


def test_dead_letter_after_max_attempts_then_retry_by_hand(sqlite_queue: JobQueue) -> None:
    calls: list[int] = []

    def flaky(job: Job) -> dict[str, Any]:
        calls.append(job.attempts)
        if len(calls) <= 3:
            raise RetryLater("desk answered 500")
        return {"ok": True}

    job_id, _ = sqlite_queue.enqueue("a", {})
    worker = Worker(sqlite_queue, {"a": flaky}, max_attempts=3, base_delay=0.0)
    while worker.run_once():
        pass
    info = sqlite_queue.get(job_id)
    assert calls == [1, 2, 3] and info is not None and info.state == "dead"
    assert info.last_error == "gave up after 3 attempts: desk answered 500"
    assert sqlite_queue.retry(job_id) is True  # `deskmate jobs retry ID`
    assert worker.run_once() is True
    info = sqlite_queue.get(job_id)
    assert info is not None and info.state == "done" and info.attempts == 4 and calls[-1] == 4


def test_a_permanent_failure_is_dead_at_once(sqlite_queue: JobQueue) -> None:
    calls: list[int] = []

    def forbidden(job: Job) -> None:
        calls.append(job.id)
        raise PermanentFailure("desk answered 403: check the API token")

    job_id, _ = sqlite_queue.enqueue("a", {})
    worker = Worker(sqlite_queue, {"a": forbidden}, base_delay=0.0)
    assert worker.run_once() is True and worker.run_once() is False
    info = sqlite_queue.get(job_id)
    assert calls == [job_id] and info is not None and info.state == "dead" and info.attempts == 1
    assert info.last_error == "desk answered 403: check the API token"


def test_a_job_whose_workers_keep_dying_becomes_a_dead_letter(sqlite_queue: JobQueue) -> None:
    job_id, _ = sqlite_queue.enqueue("a", {})
    for _ in range(2):  # two workers killed mid-job
        assert sqlite_queue.claim(worker_id="doomed") is not None
        expire_leases(sqlite_queue)
    ran: list[int] = []
    worker = Worker(sqlite_queue, {"a": lambda job: ran.append(job.id)}, max_attempts=2)
    assert worker.run_once() is True
    info = sqlite_queue.get(job_id)
    assert ran == [] and info is not None and info.state == "dead" and "lost 2 times" in (info.last_error or "")


def test_the_heartbeat_keeps_a_long_job_leased(sqlite_queue: JobQueue) -> None:
    started = threading.Event()
    stolen: list[Job | None] = []

    def slow(job: Job) -> dict[str, Any]:
        started.set()
        time.sleep(2.5)  # twice the lease: renewed every 0.4 s
        return {"slow": True}

    def thief() -> None:
        started.wait(5)
        time.sleep(1.8)  # past the first lease
        stolen.append(sqlite_queue.claim(worker_id="thief"))

    job_id, _ = sqlite_queue.enqueue("a", {})
    other = threading.Thread(target=thief)
    other.start()
    Worker(sqlite_queue, {"a": slow}, lease_seconds=1.2).run_once()
    other.join()
    info = sqlite_queue.get(job_id)
    assert stolen == [None] and info is not None and info.state == "done" and info.attempts == 1


def test_run_until_stopped(sqlite_queue: JobQueue) -> None:
    ids = [sqlite_queue.enqueue("a", {"i": i})[0] for i in range(5)]
    stop = threading.Event()
    worker = Worker(sqlite_queue, {"a": lambda job: {"i": job.payload["i"]}}, poll_seconds=0.02)
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()
    deadline = time.monotonic() + 10
    while sqlite_queue.counts()["done"] < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    late, _ = sqlite_queue.enqueue("a", {"i": 5})  # picked up by polling
    while sqlite_queue.counts()["done"] < 6 and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    thread.join(5)
    assert not thread.is_alive()
    assert [(info := sqlite_queue.get(i)) is not None and info.result for i in [*ids, late]] == [
        {"i": i} for i in range(6)]


def test_worker_from_settings_and_bad_values(sqlite_queue: JobQueue) -> None:
    worker = Worker.from_settings(JobsSettings(max_attempts=3, lease_seconds=30), sqlite_queue, {})
    assert (worker.max_attempts, worker.lease_seconds, worker.base_delay) == (3, 30.0, 2.0)
    assert worker.worker_id.count(":") == 2 and worker.worker_id != Worker(sqlite_queue, {}).worker_id
    with pytest.raises(ValueError, match="max_attempts"):
        Worker(sqlite_queue, {}, max_attempts=0)
