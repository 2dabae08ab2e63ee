"""JobQueue on SQLite and PostgreSQL: dedup, claims and leases, stale workers, dead letters and retries."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from models.errors import InvalidInputError
from service.jobs import JobQueue
from service.jobs.queue import utcnow
from service.store.tables import JobRow


def expire_leases(queue: JobQueue) -> None:
    """Time passes: every lease runs out (deterministic, rather than sleeping past a short lease)."""
    with queue.engine.begin() as connection:
        connection.execute(update(JobRow).where(JobRow.state == "running")
                           .values(locked_until=utcnow() - timedelta(seconds=1)))


def test_enqueue_dedups_on_the_key(queue: JobQueue) -> None:
    first = queue.enqueue("desk.event", {"ticket": "ZD-1"}, dedup_key="zendesk:inv-1")
    again = queue.enqueue("desk.event", {"ticket": "ZD-1", "other": True}, dedup_key="zendesk:inv-1")
    other = queue.enqueue("desk.event", {"ticket": "ZD-1"}, dedup_key="zendesk:inv-2")
    plain = [queue.enqueue("desk.event", {}) for _ in range(2)]
    assert first[1] is True and again == (first[0], False)
    assert other[1] and other[0] != first[0]
    assert all(created for _, created in plain) and plain[0][0] != plain[1][0]  # no key: never deduplicated
    info = queue.get(first[0])
    assert info is not None and info.payload == {"ticket": "ZD-1"} and info.state == "queued"
    assert queue.counts() == {"queued": 4, "running": 0, "done": 0, "dead": 0}


def test_concurrent_redeliveries_make_one_job(queue: JobQueue) -> None:
    barrier = threading.Barrier(6)
    results: list[tuple[int, bool]] = []

    def deliver() -> None:
        barrier.wait(10)
        results.append(queue.enqueue("desk.event", {"ticket": "ZD-9"}, dedup_key="zendesk:inv-9"))

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 6 and len({job_id for job_id, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * 5 + [True]
    assert queue.counts()["queued"] == 1


def test_enqueue_in_follows_the_callers_transaction(queue: JobQueue) -> None:
    with pytest.raises(RuntimeError), queue.engine.begin() as connection:
        queue.enqueue_in(connection, "desk.event", {"n": 1}, dedup_key="k1")
        raise RuntimeError("the caller's write failed")
    assert queue.list() == []  # rolled back with the caller's writes
    job_id, _ = queue.enqueue("desk.event", {"n": 1}, dedup_key="k1")
    with queue.engine.begin() as connection:
        # A duplicate does not abort the transaction (PostgreSQL would refuse every later statement).
        assert queue.enqueue_in(connection, "desk.event", {"n": 2}, dedup_key="k1") == (job_id, False)
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
        new_id, created = queue.enqueue_in(connection, "desk.event", {"n": 3})
    assert created and queue.get(new_id) is not None


def test_bad_input_is_refused(queue: JobQueue) -> None:
    with pytest.raises(InvalidInputError, match="JSON"):
        queue.enqueue("k", {"when": object()})
    with pytest.raises(InvalidInputError, match="kind"):
        queue.enqueue("", {})
    with pytest.raises(InvalidInputError, match="state"):
        queue.list(state="failed")


def test_claim_complete_and_delay(queue: JobQueue) -> None:
    later, _ = queue.enqueue("a", {}, delay_seconds=60)
    job_id, _ = queue.enqueue("a", {"x": 1})
    job = queue.claim(worker_id="w1")
    assert job is not None and (job.id, job.kind, job.payload, job.attempts) == (job_id, "a", {"x": 1}, 1)
    assert queue.claim(worker_id="w2") is None  # the other one is not due yet, this one is leased
    info = queue.get(job_id)
    assert info is not None and info.state == "running" and info.worker_id == "w1" and info.locked_until is not None
    assert queue.complete(job_id, worker_id="w1", result={"note_id": 7}) is True
    done = queue.get(job_id)
    assert done is not None and done.state == "done" and done.result == {"note_id": 7}
    assert done.finished_at is not None and done.locked_until is None
    assert queue.complete(job_id, worker_id="w1") is False  # once only
    assert queue.get(later) is not None and queue.counts()["queued"] == 1


def test_claim_only_the_kinds_asked_for(queue: JobQueue) -> None:
    queue.enqueue("other", {})
    mine, _ = queue.enqueue("mine", {})
    assert queue.claim(worker_id="w", kinds=[]) is None
    job = queue.claim(worker_id="w", kinds=["mine"])
    assert job is not None and job.id == mine
    assert queue.claim(worker_id="w", kinds=["mine"]) is None


def test_an_expired_lease_is_claimed_again_and_the_stale_worker_is_ignored(queue: JobQueue) -> None:
    job_id, _ = queue.enqueue("a", {})
    lost = queue.claim(worker_id="killed", lease_seconds=60)
    assert lost is not None and not lost.reclaimed
    assert queue.claim(worker_id="w2") is None  # leased
    expire_leases(queue)  # the worker was SIGKILLed: nobody renews or releases the lease
    again = queue.claim(worker_id="w2")
    assert again is not None and again.id == job_id and again.attempts == 2 and again.reclaimed
    info = queue.get(job_id)
    assert info is not None and info.last_error is not None and "lease expired" in info.last_error
    # The first worker comes back late: neither its result nor its failure overwrites the newer attempt.
    assert queue.complete(job_id, worker_id="killed", result={"stale": True}) is False
    assert queue.fail(job_id, worker_id="killed", reason="late", retry_in=None, dead=True) is False
    assert queue.extend(job_id, worker_id="killed", lease_seconds=60) is False
    assert queue.complete(job_id, worker_id="w2", result={"fresh": True}) is True
    final = queue.get(job_id)
    assert final is not None and final.state == "done" and final.result == {"fresh": True}


def test_fail_requeues_with_a_delay_or_makes_a_dead_letter(queue: JobQueue) -> None:
    job_id, _ = queue.enqueue("a", {})
    assert (job := queue.claim(worker_id="w")) is not None
    before = utcnow()
    assert queue.fail(job.id, worker_id="w", reason="desk answered 503", retry_in=30, dead=False)
    info = queue.get(job_id)
    assert info is not None and info.state == "queued" and info.last_error == "desk answered 503"
    assert before + timedelta(seconds=29) < info.run_after < utcnow() + timedelta(seconds=31)
    assert queue.claim(worker_id="w") is None  # not before run_after
    assert queue.retry(job_id) is True  # a job waiting after a failure can be run now by hand
    assert (job := queue.claim(worker_id="w")) is not None and job.attempts == 2
    assert queue.fail(job.id, worker_id="w", reason="desk answered 401", retry_in=None, dead=True)
    dead = queue.get(job_id)
    assert dead is not None and dead.state == "dead" and dead.finished_at is not None
    assert [j.id for j in queue.list(state="dead")] == [job_id]


def test_retry_brings_dead_letters_back_with_their_attempts(queue: JobQueue) -> None:
    ids = [queue.enqueue(kind, {})[0] for kind in ("a", "a", "b")]
    for _ in ids:
        job = queue.claim(worker_id="w")
        assert job is not None
        queue.fail(job.id, worker_id="w", reason="gone", retry_in=None, dead=True)
    done_id, _ = queue.enqueue("a", {})
    job = queue.claim(worker_id="w")
    assert job is not None and queue.complete(job.id, worker_id="w")
    assert queue.retry(done_id) is False and queue.retry(10_000) is False  # done, unknown: nothing to retry
    assert queue.retry(ids[0]) is True
    assert queue.retry_dead(kind="b") == 1 and queue.retry_dead() == 1
    assert queue.counts() == {"queued": 3, "running": 0, "done": 1, "dead": 0}
    job = queue.claim(worker_id="w")
    assert job is not None and job.attempts == 2 and not job.reclaimed  # kept: one more try


def test_last_error_is_redacted_and_short(queue: JobQueue) -> None:
    job_id, _ = queue.enqueue("a", {})
    assert queue.claim(worker_id="w") is not None
    queue.fail(job_id, worker_id="w", reason="mail ana.souza@example.com failed: " + "x" * 2000, retry_in=1,
               dead=False)
    info = queue.get(job_id)
    assert info is not None and info.last_error is not None
    assert "ana.souza@example.com" not in info.last_error and len(info.last_error) <= 500


def test_purge_deletes_old_finished_jobs(queue: JobQueue) -> None:
    done_id, _ = queue.enqueue("a", {}, dedup_key="d1")
    dead_id, _ = queue.enqueue("a", {})
    waiting, _ = queue.enqueue("a", {})
    job = queue.claim(worker_id="w")
    assert job is not None and queue.complete(job.id, worker_id="w")
    job = queue.claim(worker_id="w")
    assert job is not None and queue.fail(job.id, worker_id="w", reason="x", retry_in=None, dead=True)
    assert queue.purge(finished_before=utcnow() - timedelta(hours=1), dead=True) == 0  # too recent
    assert queue.purge(finished_before=utcnow() + timedelta(seconds=1)) == 1
    assert queue.get(done_id) is None and queue.get(dead_id) is not None and queue.get(waiting) is not None
    assert queue.purge(finished_before=utcnow() + timedelta(seconds=1), dead=True) == 1
    assert queue.enqueue("a", {}, dedup_key="d1")[1] is True  # the key is free again


def test_list_is_newest_first_and_filtered(queue: JobQueue) -> None:
    ids = [queue.enqueue(kind, {"i": i})[0] for i, kind in enumerate(["a", "b", "a"])]
    assert [j.id for j in queue.list()] == ids[::-1]
    assert [j.id for j in queue.list(kind="a", limit=1)] == [ids[2]]
    assert queue.list(state="done") == []
    with queue.engine.connect() as connection:  # stored as the table says
        assert connection.execute(select(JobRow.kind).order_by(JobRow.id)).scalars().all() == ["a", "b", "a"]
