"""Durable jobs (outbox) in the store's database and the worker that runs them (docs/jobs.md).

`JobQueue(engine)` enqueues (deduplicated), claims with a lease, completes and fails jobs; `Worker` runs the
handlers registered for their kinds (`service.jobs.registry`) with backoff, Retry-After and dead letters.
"""

from service.jobs.base import STATES, Handler, Job, JobInfo, PermanentFailure, RetryLater
from service.jobs.queue import JobQueue
from service.jobs.worker import Worker

__all__ = ["STATES", "Handler", "Job", "JobInfo", "JobQueue", "PermanentFailure", "RetryLater", "Worker"]
