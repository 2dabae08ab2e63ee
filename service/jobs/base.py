"""What the job queue hands around: a claimed `Job`, a listed `JobInfo`, and the two ways a handler fails."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

STATES = ("queued", "running", "done", "dead")
"""queued: waiting for `run_after`; running: claimed, leased until `locked_until`; done: the handler returned;
dead: a dead letter (tried `max_attempts` times, or a `PermanentFailure`), kept until retried by command."""


@dataclass(frozen=True)
class Job:
    """A claimed job as its handler sees it. `attempts` counts this one (1 on the first run)."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    dedup_key: str | None
    created_at: datetime
    # True when an earlier attempt's lease ran out (its worker was killed or stalled) and this claim took it over.
    reclaimed: bool = False


@dataclass(frozen=True)
class JobInfo:
    """A job as listed by `deskmate jobs` and `JobQueue.get/list` (everything but nothing secret: payloads hold ids
    and redacted text only, by the callers' contract)."""

    id: int
    kind: str
    state: str
    attempts: int
    dedup_key: str | None
    payload: dict[str, Any]
    result: dict[str, Any] | None
    last_error: str | None
    worker_id: str | None
    run_after: datetime
    locked_until: datetime | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        def when(value: datetime | None) -> str | None:
            return value.isoformat(timespec="seconds") if value is not None else None

        return {"id": self.id, "kind": self.kind, "state": self.state, "attempts": self.attempts,
                "dedup_key": self.dedup_key, "payload": self.payload, "result": self.result,
                "last_error": self.last_error, "worker_id": self.worker_id, "run_after": when(self.run_after),
                "locked_until": when(self.locked_until), "created_at": when(self.created_at),
                "updated_at": when(self.updated_at), "finished_at": when(self.finished_at)}


class RetryLater(Exception):
    """A transient failure (timeout, 5xx, 429): the job runs again later. `after_seconds` replaces the backoff
    (e.g. the desk's `Retry-After`). After `max_attempts` tries the job becomes a dead letter anyway."""

    def __init__(self, reason: str, *, after_seconds: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.after_seconds = after_seconds


class PermanentFailure(Exception):
    """A failure that retrying cannot fix (the desk answered 401/403, the ticket is gone): a dead letter at once."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


Handler = Callable[[Job], dict[str, Any] | None]
"""Runs one job; the dict it returns (JSON) is stored as the job's result. Raise RetryLater or PermanentFailure
to fail on purpose; any other exception counts as transient (retried with backoff). Handlers must be idempotent:
delivery is at-least-once (a worker killed mid-job leaves its lease to expire, and the job runs again)."""
