"""`JobQueue`: a durable job table (outbox) in the store's database, SQLite or PostgreSQL.

Claiming is one statement, `UPDATE jobs SET state='running', ... WHERE id = (SELECT id ... LIMIT 1 FOR UPDATE SKIP
LOCKED) RETURNING ...`: on PostgreSQL several workers (threads, processes, machines) claim at once and never the same
job (a row another transaction has locked is skipped, not waited for); on SQLite the statement runs under the
database's single write lock, so claims are atomic too, though one worker process is the supported shape there.

A claim leases the job until `locked_until`; a job whose lease ran out (its worker was killed) is claimable again,
so delivery is at-least-once. `complete` and `fail` apply only while the caller still holds the lease: a slow
worker whose job was taken over cannot overwrite the newer attempt. Time is the workers' UTC clock.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, case, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from models.errors import InvalidInputError
from models.pii import Redactor
from service.jobs.base import STATES, Job, JobInfo
from service.store.tables import JobRow

logger = logging.getLogger(__name__)

MAX_ERROR_CHARS = 500
MAX_KIND_CHARS = 100
MAX_DEDUP_CHARS = 300


def utcnow() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes (written in UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else _utc(value)


def _info(row: Any) -> JobInfo:
    return JobInfo(id=row.id, kind=row.kind, state=row.state, attempts=row.attempts, dedup_key=row.dedup_key,
                   payload=dict(row.payload or {}), result=row.result, last_error=row.last_error,
                   worker_id=row.worker_id, run_after=_utc(row.run_after), locked_until=_utc_or_none(row.locked_until),
                   created_at=_utc(row.created_at), updated_at=_utc(row.updated_at),
                   finished_at=_utc_or_none(row.finished_at))


class JobQueue:
    """Enqueue, claim, complete and fail jobs in the `jobs` table of `engine` (migrated by the store: 0005)."""

    def __init__(self, engine: Engine, *, redactor: Redactor | None = None) -> None:
        self.engine = engine
        # `last_error` is kept and shown: reasons pass the regex redactor (no NER) and are cut short.
        self._redactor = redactor if redactor is not None else Redactor(enabled=True, names=False)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    # -- enqueue ---------------------------------------------------------------------------------------------
    def enqueue(self, kind: str, payload: dict[str, Any], *, dedup_key: str | None = None,
                delay_seconds: float = 0.0) -> tuple[int, bool]:
        """Store a job in its own transaction: (job id, True), or (the existing job's id, False) when a job with
        the same `dedup_key` exists already (a redelivered event makes one job)."""
        with self.engine.begin() as connection:
            return self.enqueue_in(connection, kind, payload, dedup_key=dedup_key, delay_seconds=delay_seconds)

    def enqueue_in(self, connection: Connection, kind: str, payload: dict[str, Any], *, dedup_key: str | None = None,
                   delay_seconds: float = 0.0) -> tuple[int, bool]:
        """`enqueue` inside the caller's transaction: the job exists exactly when the caller's writes commit.
        A duplicate `dedup_key` does not abort the transaction (INSERT ... ON CONFLICT DO NOTHING)."""
        if not kind or len(kind) > MAX_KIND_CHARS:
            raise InvalidInputError(f"a job kind is 1-{MAX_KIND_CHARS} characters; got {kind!r}")
        if dedup_key is not None and not 0 < len(dedup_key) <= MAX_DEDUP_CHARS:
            raise InvalidInputError(f"a dedup key is 1-{MAX_DEDUP_CHARS} characters")
        if delay_seconds < 0:
            raise InvalidInputError("delay_seconds must be >= 0")
        try:
            json.dumps(payload)
        except (TypeError, ValueError) as exc:
            raise InvalidInputError(f"a job payload must be JSON: {exc}") from exc
        now = utcnow()
        values = {"kind": kind, "state": "queued", "payload": payload, "dedup_key": dedup_key, "attempts": 0,
                  "run_after": now + timedelta(seconds=delay_seconds), "created_at": now, "updated_at": now}
        insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(JobRow)
        statement = insert.values(**values).on_conflict_do_nothing(index_elements=["dedup_key"]).returning(JobRow.id)
        new_id = connection.execute(statement).scalar_one_or_none()
        if new_id is not None:
            return int(new_id), True
        existing = connection.execute(select(JobRow.id).where(JobRow.dedup_key == dedup_key)).scalar_one()
        return int(existing), False

    # -- worker side -----------------------------------------------------------------------------------------
    def claim(self, *, worker_id: str, kinds: Sequence[str] | None = None, lease_seconds: float = 120.0) -> Job | None:
        """Lease the next due job (oldest `run_after` first) to `worker_id`, or None when none is due. Due: queued
        with `run_after` passed, or running with its lease expired (its worker died). `kinds` limits the kinds
        (an empty list claims nothing)."""
        if kinds is not None and not kinds:
            return None
        now = utcnow()
        due = or_(and_(JobRow.state == "queued", JobRow.run_after <= now),
                  and_(JobRow.state == "running", JobRow.locked_until < now))
        candidate = select(JobRow.id).where(due)
        if kinds is not None:
            candidate = candidate.where(JobRow.kind.in_(list(kinds)))
        candidate = candidate.order_by(JobRow.run_after, JobRow.id).limit(1).with_for_update(skip_locked=True)
        # A re-claim (the lease ran out) leaves a note unique to this claim, so the worker can tell it from a retry.
        expired = f"lease expired (worker killed or stalled); re-claimed at {now.isoformat()} by {worker_id}"
        statement = (update(JobRow).where(JobRow.id == candidate.scalar_subquery())
                     .values(state="running", attempts=JobRow.attempts + 1, worker_id=worker_id, updated_at=now,
                             locked_until=now + timedelta(seconds=lease_seconds),
                             last_error=case((JobRow.state == "running", expired), else_=JobRow.last_error))
                     .returning(JobRow.id, JobRow.kind, JobRow.payload, JobRow.attempts, JobRow.dedup_key,
                                JobRow.created_at, JobRow.last_error))
        with self.engine.begin() as connection:
            row = connection.execute(statement).one_or_none()
        if row is None:
            return None
        return Job(id=row.id, kind=row.kind, payload=dict(row.payload or {}), attempts=row.attempts,
                   dedup_key=row.dedup_key, created_at=_utc(row.created_at), reclaimed=row.last_error == expired)

    def complete(self, job_id: int, *, worker_id: str, result: dict[str, Any] | None = None) -> bool:
        """Mark the job done with `result`; ignored (False) unless `worker_id` still holds it."""
        now = utcnow()
        return self._update_held(job_id, worker_id, state="done", result=result, locked_until=None,
                                 finished_at=now, updated_at=now)

    def fail(self, job_id: int, *, worker_id: str, reason: str, retry_in: float | None, dead: bool) -> bool:
        """A failed attempt: `dead` makes it a dead letter; otherwise it is queued again to run after `retry_in`
        seconds (None: at once). `reason` is redacted and cut to a short `last_error`. Ignored (False) unless
        `worker_id` still holds the job."""
        now = utcnow()
        error = self.short_reason(reason)
        if dead:
            return self._update_held(job_id, worker_id, state="dead", last_error=error, locked_until=None,
                                     finished_at=now, updated_at=now)
        return self._update_held(job_id, worker_id, state="queued", last_error=error, locked_until=None,
                                 run_after=now + timedelta(seconds=max(0.0, retry_in or 0.0)), updated_at=now)

    def extend(self, job_id: int, *, worker_id: str, lease_seconds: float) -> bool:
        """Push the lease of a job `worker_id` holds `lease_seconds` from now (a heartbeat for long handlers)."""
        now = utcnow()
        return self._update_held(job_id, worker_id, locked_until=now + timedelta(seconds=lease_seconds),
                                 updated_at=now)

    def _update_held(self, job_id: int, worker_id: str, **values: Any) -> bool:
        statement = (update(JobRow).where(JobRow.id == job_id, JobRow.state == "running",
                                          JobRow.worker_id == worker_id).values(**values))
        with self.engine.begin() as connection:
            applied = connection.execute(statement).rowcount == 1
        if not applied:
            logger.warning("job update ignored: the lease is no longer held",
                           extra={"job_id": job_id, "worker_id": worker_id, "state": values.get("state")})
        return applied

    def short_reason(self, reason: str) -> str:
        text = self._redactor.redact(" ".join(reason.split()))
        return text if len(text) <= MAX_ERROR_CHARS else text[:MAX_ERROR_CHARS - 1] + "…"

    # -- operators -------------------------------------------------------------------------------------------
    def get(self, job_id: int) -> JobInfo | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(JobRow.__table__).where(JobRow.id == job_id)).one_or_none()
        return None if row is None else _info(row)

    def list(self, *, state: str | None = None, kind: str | None = None, limit: int = 50) -> list[JobInfo]:
        """Jobs, newest first, optionally of one state and kind."""
        if state is not None and state not in STATES:
            raise InvalidInputError(f"a job state is one of {list(STATES)}; got {state!r}")
        query = select(JobRow.__table__).order_by(JobRow.id.desc()).limit(max(1, limit))
        if state is not None:
            query = query.where(JobRow.state == state)
        if kind is not None:
            query = query.where(JobRow.kind == kind)
        with self.engine.connect() as connection:
            return [_info(row) for row in connection.execute(query)]

    def retry(self, job_id: int) -> bool:
        """Queue a dead letter (or a queued job waiting after a failure) to run now; attempts are kept, so a job
        retried by hand gets one more try before it is dead again. False when the job is not in such a state."""
        return self._retry(JobRow.id == job_id) == 1

    def retry_dead(self, *, kind: str | None = None) -> int:
        """`retry` every dead letter (of `kind`); how many."""
        return self._retry(JobRow.state == "dead", *([JobRow.kind == kind] if kind is not None else []))

    def _retry(self, *where: Any) -> int:
        now = utcnow()
        retryable = or_(JobRow.state == "dead", and_(JobRow.state == "queued", JobRow.last_error.is_not(None)))
        statement = (update(JobRow).where(retryable, *where)
                     .values(state="queued", run_after=now, locked_until=None, finished_at=None, updated_at=now))
        with self.engine.begin() as connection:
            return int(connection.execute(statement).rowcount)

    def purge(self, *, finished_before: datetime, dead: bool = False) -> int:
        """Delete done jobs (and dead letters with `dead`) finished before `finished_before`; how many."""
        states = ["done", "dead"] if dead else ["done"]
        statement = delete(JobRow).where(JobRow.state.in_(states), JobRow.finished_at < finished_before)
        with self.engine.begin() as connection:
            return int(connection.execute(statement).rowcount)

    def counts(self) -> dict[str, int]:
        """Jobs by state, every state present (what a metrics collector reads)."""
        counts = dict.fromkeys(STATES, 0)
        with self.engine.connect() as connection:
            for state, count in connection.execute(select(JobRow.state, func.count()).group_by(JobRow.state)):
                counts[state] = int(count)
        return counts
