"""`Worker`: claims due jobs of the kinds it has handlers for and runs them one at a time.

A handler's return value is the job's result. `RetryLater` and any unexpected exception queue the job again after
an exponential backoff with jitter (`base_delay * 2**(attempt-1)`, capped at `max_delay`, times a random factor in
[0.5, 1]), or after the handler's `after_seconds` (a desk's 429 `Retry-After`); after `max_attempts` tries the job
is a dead letter. `PermanentFailure` makes it a dead letter at once. While a handler runs, a heartbeat renews the
lease every third of `lease_seconds`, so only a dead or frozen worker loses its job to another.
"""

from __future__ import annotations

import json
import logging
import os
import random
import secrets
import socket
import threading
import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from service.jobs.base import Handler, Job, PermanentFailure, RetryLater
from service.jobs.queue import JobQueue
from service.settings import JobsSettings

logger = logging.getLogger(__name__)

MAX_RETRY_AFTER = 86_400.0  # a desk's Retry-After is honoured up to a day


def default_worker_id() -> str:
    """host:pid:random, unique per Worker (leases are checked by worker id)."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}:{secrets.token_hex(3)}"


def backoff_delay(attempts: int, *, base_delay: float, max_delay: float, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt number `attempts` (1-based): exponential, capped, with jitter."""
    ceiling = min(max_delay, base_delay * 2.0 ** max(0, min(attempts - 1, 60)))
    return ceiling * (rng or random).uniform(0.5, 1.0)


class Worker:
    """Runs jobs from `queue` with `handlers` (kind -> handler); `run(stop)` until the event is set."""

    def __init__(self, queue: JobQueue, handlers: Mapping[str, Handler], *, worker_id: str | None = None,
                 max_attempts: int = 8, base_delay: float = 2.0, max_delay: float = 900.0,
                 poll_seconds: float = 0.5, lease_seconds: float = 120.0, rng: random.Random | None = None) -> None:
        if max_attempts < 1 or base_delay < 0 or max_delay < 0 or poll_seconds <= 0 or lease_seconds <= 0:
            raise ValueError("max_attempts >= 1, delays >= 0, poll_seconds and lease_seconds > 0")
        self.queue = queue
        self.handlers = dict(handlers)
        self.worker_id = worker_id or default_worker_id()
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.poll_seconds = poll_seconds
        self.lease_seconds = lease_seconds
        self._rng = rng or random.Random()

    @classmethod
    def from_settings(cls, jobs: JobsSettings, queue: JobQueue, handlers: Mapping[str, Handler], *,
                      worker_id: str | None = None) -> Worker:
        return cls(queue, handlers, worker_id=worker_id, max_attempts=jobs.max_attempts,
                   base_delay=jobs.base_delay_seconds, max_delay=jobs.max_delay_seconds,
                   poll_seconds=jobs.poll_seconds, lease_seconds=jobs.lease_seconds)

    def run_once(self) -> bool:
        """Claim one due job and run it; False when none was due."""
        job = self.queue.claim(worker_id=self.worker_id, kinds=list(self.handlers), lease_seconds=self.lease_seconds)
        if job is None:
            return False
        log: dict[str, Any] = {"job_id": job.id, "kind": job.kind, "attempt": job.attempts}
        if job.reclaimed and job.attempts > self.max_attempts:
            # Its workers keep dying on it (killed, out of memory): stop before it takes down another.
            self.queue.fail(job.id, worker_id=self.worker_id, dead=True, retry_in=None,
                            reason=f"gave up: the worker running it was lost {job.attempts - 1} times "
                                   "(killed or stalled past its lease)")
            logger.error("job dead: its workers kept dying", extra=log)
            return True
        started = time.perf_counter()
        try:
            with _Heartbeat(self.queue, job.id, self.worker_id, self.lease_seconds):
                result = self.handlers[job.kind](job)
        except PermanentFailure as exc:
            self.queue.fail(job.id, worker_id=self.worker_id, reason=exc.reason, retry_in=None, dead=True)
            logger.error("job dead: permanent failure", extra={**log, "reason": exc.reason})
        except RetryLater as exc:
            self._retry(job, exc.reason, exc.after_seconds, log)
        except Exception as exc:  # any other failure of a handler is transient: retried, then dead
            logger.exception("job failed", extra=log)
            self._retry(job, f"{exc.__class__.__name__}: {exc}", None, log)
        else:
            problem = _result_problem(result)
            if problem is not None:  # a handler bug: retrying would redo its work and fail the same way
                self.queue.fail(job.id, worker_id=self.worker_id, reason=problem, retry_in=None, dead=True)
                logger.error("job dead: bad result", extra={**log, "reason": problem})
                return True
            self.queue.complete(job.id, worker_id=self.worker_id, result=result)
            logger.info("job done", extra={**log, "ms": round((time.perf_counter() - started) * 1000, 2)})
        return True

    def _retry(self, job: Job, reason: str, after_seconds: float | None, log: dict[str, Any]) -> None:
        if job.attempts >= self.max_attempts:
            self.queue.fail(job.id, worker_id=self.worker_id, dead=True, retry_in=None,
                            reason=f"gave up after {job.attempts} attempts: {reason}")
            logger.error("job dead: out of attempts", extra={**log, "reason": reason})
            return
        if after_seconds is not None:
            delay = min(max(0.0, after_seconds), MAX_RETRY_AFTER)
        else:
            delay = backoff_delay(job.attempts, base_delay=self.base_delay, max_delay=self.max_delay, rng=self._rng)
        self.queue.fail(job.id, worker_id=self.worker_id, reason=reason, retry_in=delay, dead=False)
        logger.warning("job retried later", extra={**log, "reason": reason, "retry_in": round(delay, 3)})

    def run(self, stop: threading.Event) -> None:
        """Run due jobs until `stop` is set (the job in hand finishes first); wait `poll_seconds` when none is due.
        A store that fails (down, locked) is logged and tried again after a growing pause."""
        failures = 0
        logger.info("job worker started", extra={"worker_id": self.worker_id, "kinds": sorted(self.handlers)})
        while not stop.is_set():
            try:
                ran = self.run_once()
            except SQLAlchemyError as exc:
                failures += 1
                logger.error("job worker: store error", extra={"error": f"{exc.__class__.__name__}: "
                                                                        f"{str(exc).splitlines()[0]}"})
                stop.wait(min(30.0, self.poll_seconds * 2 ** min(failures, 6)))
                continue
            except Exception:  # a bug must not stop the thread for good: the job's lease expires, it runs again
                failures += 1
                logger.exception("job worker: unexpected error")
                stop.wait(min(30.0, self.poll_seconds * 2 ** min(failures, 6)))
                continue
            failures = 0
            if not ran:
                stop.wait(self.poll_seconds)
        logger.info("job worker stopped", extra={"worker_id": self.worker_id})


def _result_problem(result: object) -> str | None:
    if result is not None and not isinstance(result, dict):
        return f"the handler returned {type(result).__name__}, not a dict or None"
    try:
        json.dumps(result)
    except (TypeError, ValueError) as exc:
        return f"the handler's result is not JSON: {exc}"
    return None


class _Heartbeat:
    """Renews the lease of the job in hand every third of the lease, in a daemon thread, while the handler runs."""

    def __init__(self, queue: JobQueue, job_id: int, worker_id: str, lease_seconds: float) -> None:
        self._queue, self._job_id, self._worker_id, self._lease = queue, job_id, worker_id, lease_seconds
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._done.wait(self._lease / 3):
            try:
                if not self._queue.extend(self._job_id, worker_id=self._worker_id, lease_seconds=self._lease):
                    return  # taken over: the handler's outcome will be ignored
            except SQLAlchemyError:
                logger.warning("job heartbeat failed", extra={"job_id": self._job_id})
