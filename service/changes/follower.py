"""The follower: applies the change log, in order, to this process's live index (its local read-optimized copy).

Every change goes through here, the writer's own included: a request appends its change, then calls
`wait(appended)`, which applies everything up to it in log order and returns what its change did. So every
process applies the same changes in the same order and ends in the same state. Applying is idempotent (an add
of an existing id replaces it, a delete of an unknown id changes nothing), so a change applied twice, e.g.
one already in a snapshot the process started from, does no harm.

Nothing here saves the index: live changes stay in memory and in the log; a restart opens the snapshot and
replays the log after the sequence recorded in its manifest (`options.change_seq`, see snapshot.py).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path

from index.documents import Case
from index.holder import IndexHolder
from index.search_index import AddReport
from models.errors import ArtifactError, DeskmateError
from service.changes.log import Appended, Change, ChangeLog

logger = logging.getLogger(__name__)

CHANGE_SEQ = "change_seq"  # the manifest option naming the last change an index directory holds
_KEEP_OUTCOMES = 2048


@dataclass(slots=True)
class Outcome:
    """What one write (a log transaction) did to this process's index."""

    report: AddReport | None = None
    deleted: list[str] = field(default_factory=list)
    error: str | None = None


def index_change_seq(holder: IndexHolder) -> int:
    index = holder.snapshot()
    return 0 if index is None else int(index.manifest.options.get(CHANGE_SEQ, 0))


class ChangeFollower:
    """Applies `log` to `holder`. `on_swap(path)` is called when a swap made `path` live; `on_model()` when a
    model was promoted or rolled back. `applied_seq` and `lag_seconds()` are what metrics read."""

    def __init__(self, log: ChangeLog, holder: IndexHolder, *, on_swap: Callable[[Path], None] | None = None,
                 on_model: Callable[[], None] | None = None) -> None:
        self.log = log
        self.holder = holder
        self.on_swap = on_swap
        self.on_model = on_model
        self.applied_seq = 0
        self.swap_floor = 0  # swaps at or before this seq made the directory we serve: never reapplied
        self.last_apply_lag_s: float | None = None  # commit to applied, for the last change of another process
        self._pending_since: datetime | None = None  # created_at of the oldest change seen but not applied
        self._lock = threading.RLock()
        self._outcomes: OrderedDict[str, Outcome] = OrderedDict()
        self._model_changed = False

    # -- start -------------------------------------------------------------------------------------------------
    def start(self, *, open_index: Callable[[Path], None]) -> None:
        """Serve the directory of the last swap in the log (`open_index(path)` loads it when it is not the one
        loaded), then replay every change after the sequence its manifest records."""
        with self._lock:
            last = self.log.last_swap()
            if last is not None:
                self.swap_floor = last.seq
                path = Path(str(last.payload.get("path")))
                live = self.holder.snapshot()
                if live is None or live.path is None or live.path.resolve() != path.resolve():
                    open_index(path)
            self.applied_seq = index_change_seq(self.holder)
            started, before = time.perf_counter(), self.applied_seq
            self.catch_up()
            logger.info("change log replayed", extra={"from_seq": before, "to_seq": self.applied_seq,
                                                       "seconds": round(time.perf_counter() - started, 3),
                                                       "swap_floor": self.swap_floor})

    # -- applying ----------------------------------------------------------------------------------------------
    def catch_up(self) -> int:
        """Apply every committed change not applied yet; returns how many were applied."""
        applied = 0
        with self._lock:
            if not self.holder.ready:  # nothing to apply to: a later load replays from its manifest
                return 0
            while True:
                changes = self.log.since(self.applied_seq)
                if not changes:
                    break
                if self._pending_since is None:
                    self._pending_since = changes[0].created_at
                for _txn, group in groupby(changes, key=lambda c: c.txn):
                    batch = list(group)
                    self._outcomes[batch[0].txn] = self._apply(batch)
                    self.applied_seq = batch[-1].seq
                    applied += len(batch)
                    if batch[-1].origin != self.log.origin:
                        self.last_apply_lag_s = max(0.0, (datetime.now(UTC) - batch[-1].created_at).total_seconds())
                while len(self._outcomes) > _KEEP_OUTCOMES:
                    self._outcomes.popitem(last=False)
            self._pending_since = None
            reload, self._model_changed = self._model_changed, False
        if reload and self.on_model is not None:
            self.on_model()
        return applied

    @contextlib.contextmanager
    def applying(self) -> Iterator[None]:
        """No change is applied here while the block runs (a snapshot being written)."""
        with self._lock:
            yield

    def wait(self, appended: Appended) -> Outcome:
        """Apply the log up to (at least) `appended` and return what that write did here."""
        with self._lock:
            if self.applied_seq < appended.last_seq:
                self.catch_up()
            outcome = self._outcomes.get(appended.txn)
        if outcome is None:  # the index is not loaded (or the outcome aged out): nothing was applied here
            return Outcome(error=f"not applied here: {self.holder.reason or 'unknown outcome'}")
        return outcome

    def _apply(self, batch: Sequence[Change]) -> Outcome:
        op = batch[0].op
        try:
            if op == "add":
                cases = [Case.from_dict(c.payload["case"]) for c in batch if "case" in c.payload]
                if not cases:  # scrubbed by an erasure: a delete follows
                    return Outcome(report=AddReport(version=self.holder.version or ""))
                return Outcome(report=self.holder.add_cases(cases, persist=False))
            if op == "delete":
                ids = [c.case_id for c in batch if c.case_id is not None]
                return Outcome(deleted=self.holder.delete_cases(ids, persist=False))
            if op == "swap":
                return self._swap(batch[-1])
            if op == "model":  # reloaded once the lock is released (a model load takes seconds)
                self._model_changed = True
                return Outcome()
            raise ValueError(f"unknown change operation {op!r}")
        except (DeskmateError, KeyError, TypeError, ValueError) as exc:
            # The change is skipped here (and the process says so); it stays in the log for the others.
            logger.error("change not applied", extra={"seq": batch[-1].seq, "op": op, "error": str(exc)})
            return Outcome(error=str(exc))

    def _swap(self, change: Change) -> Outcome:
        if change.seq <= self.swap_floor:
            return Outcome()
        path = Path(str(change.payload["path"]))
        live = self.holder.snapshot()
        if live is None:
            raise ArtifactError("no index is loaded to swap from")
        self.holder.swap(path, embedder=live.embedder, persist=False, on_commit=self.on_swap)
        self.swap_floor = change.seq
        return Outcome()

    # -- what metrics read -------------------------------------------------------------------------------------
    def lag_seconds(self) -> float:
        """How long the oldest change committed but not yet applied here has been waiting (0 when caught up
        as far as this process knows)."""
        pending = self._pending_since
        return 0.0 if pending is None else max(0.0, (datetime.now(UTC) - pending).total_seconds())
