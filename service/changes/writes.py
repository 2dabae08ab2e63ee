"""The write side: how a request changes the live index when the change log is on (and when it is off).

With the log on, a change is first committed to the log (what makes it durable and acknowledged), then this
process applies the log up to it (`ChangeFollower.wait`) and answers with what it did; the other processes
apply it when they next follow the log. With it off (`follower` None), the live index is changed and saved
directly, as a single process always did.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from index.documents import Case
from index.holder import IndexHolder
from index.search_index import AddReport, SearchIndex
from models.embedding.base import Embedder
from models.errors import ArtifactError
from service.changes.follower import ChangeFollower, Outcome
from service.changes.log import ChangeLog, NewChange
from service.changes.snapshot import write_snapshot
from service.errors import NotReady
from service.settings import Settings
from service.store import db
from service.store.erasure import scrub
from service.store.errors import StoreError
from service.store.repository import FeedbackStore

logger = logging.getLogger(__name__)


def writer(settings: Settings, follower: ChangeFollower | None) -> ChangeFollower | None:
    """The follower to write through; None when the log is off. With the log on but not followed (the store is
    down), writes are refused (503): a direct change would reach this process only."""
    if settings.changes.enabled and follower is None:
        raise NotReady("index changes go through the change log in the store, which is not available")
    return follower


def _checked(outcome: Outcome) -> Outcome:
    if outcome.error is not None:
        raise ArtifactError(f"the change was logged but not applied here: {outcome.error}")
    return outcome


def add_cases(holder: IndexHolder, follower: ChangeFollower | None, cases: Sequence[Case]) -> AddReport:
    """Add (redacted) cases to the live index: through the log, or directly and saved."""
    if follower is None or not cases:
        return holder.add_cases(cases, persist=True)
    appended = follower.log.append([NewChange("add", case.id, {"case": case.to_dict()}) for case in cases])
    report = _checked(follower.wait(appended)).report
    assert report is not None
    return report


def swap_index(holder: IndexHolder, follower: ChangeFollower, directory: Path, *, embedder: Embedder) -> None:
    """Log a swap to `directory` (checked first: an index of this embedder) and apply it here; every process
    swaps when it reaches it, carrying its live changes over as a single process does."""
    SearchIndex.read_manifest(directory).check_embedder(embedder, where=f"index at {directory}")
    appended = follower.log.append([NewChange("swap", None, {"path": str(directory)})])
    _checked(follower.wait(appended))


def notify_model(follower: ChangeFollower) -> None:
    """Log that the promoted model changed: every process checks the registry now (not at its next poll)."""
    follower.wait(follower.log.append([NewChange("model")]))


class LoggedDeletes:
    """The erasure's index step with the log on (service/store/erasure.py `IndexDeletes`): catch up, log the
    deletions in the erasure's transaction and blank the erased cases' earlier adds in the log; after the
    commit, apply them here and write a snapshot, so the erased text leaves the index files too."""

    def __init__(self, follower: ChangeFollower, store: FeedbackStore, data_dir: Path) -> None:
        self.follower = follower
        self.store = store
        self.data_dir = data_dir

    def before(self) -> None:
        self.follower.catch_up()

    def log(self, session: Session, case_ids: Sequence[str]) -> None:
        self.follower.log.append_in(session, [NewChange("delete", case_id) for case_id in case_ids])
        self.follower.log.scrub_cases(session, case_ids)

    def after_commit(self) -> str | None:
        write_snapshot(self.follower, self.data_dir)
        scrub(self.store, tables=["index_changes"])
        return self.follower.holder.version


def logged_deletes(settings: Settings, follower: ChangeFollower | None,
                   store: FeedbackStore) -> LoggedDeletes | None:
    """The erasure's index step: through the log when it is on (503 when it is on but not followed)."""
    follower = writer(settings, follower)
    return None if follower is None else LoggedDeletes(follower, store, settings.data_dir)


def log_model_change(settings: Settings, *, version: str | None, action: str) -> bool:
    """Log a model promotion or rollback (`deskmate retrain`, `deskmate rollback`) so that every process reloads
    at once; False when the log is off or the store unreachable (processes still see the registry's pointer
    within `model_reload_seconds`)."""
    if not settings.changes.enabled:
        return False
    try:
        engine = db.open_engine(settings.resolved_store_url)
    except StoreError as exc:
        logger.warning("model change not logged: the store is not reachable", extra={"error": str(exc)})
        return False
    try:
        ChangeLog(engine).append([NewChange("model", None, {"version": version, "action": action})])
    finally:
        engine.dispose()
    return True
