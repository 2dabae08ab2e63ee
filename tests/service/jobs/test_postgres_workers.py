"""Several workers on the real PostgreSQL server: each job runs exactly once (FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator

import pytest

from service.jobs import Job, JobQueue, Worker
from service.store import db


@pytest.fixture()
def pg_url(postgres_url: str) -> Iterator[str]:
    with db.scratch_schema(postgres_url, migrate=True) as url:
        yield url


def test_four_workers_run_500_jobs_exactly_once(pg_url: str) -> None:
    setup = db.open_engine(pg_url)
    queue = JobQueue(setup)
    ids = {queue.enqueue("count", {"i": i})[0] for i in range(500)}
    runs: Counter[int] = Counter()
    by_worker: Counter[str] = Counter()
    lock = threading.Lock()
    stop = threading.Event()

    def count(job: Job) -> dict[str, int]:
        with lock:
            runs[job.id] += 1
            by_worker[threading.current_thread().name] += 1
        return {"i": job.payload["i"]}

    engines = [db.open_engine(pg_url, pool_size=2) for _ in range(4)]  # one engine each, as separate processes
    workers = [Worker(JobQueue(engine), {"count": count}, poll_seconds=0.01) for engine in engines]
    threads = [threading.Thread(target=w.run, args=(stop,), name=f"w{n}") for n, w in enumerate(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while queue.counts()["done"] < 500 and time.monotonic() < deadline:
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    stop.set()
    for thread in threads:
        thread.join(10)
    assert set(runs) == ids and set(runs.values()) == {1}  # every job once, none twice
    assert queue.counts() == {"queued": 0, "running": 0, "done": 500, "dead": 0}
    assert len(by_worker) == 4  # all four took part
    print(f"4 workers, 500 jobs: {500 / elapsed:.0f} jobs/s, per worker {dict(by_worker)}")
    for engine in [*engines, setup]:
        engine.dispose()
