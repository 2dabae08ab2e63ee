"""Erasure that erases: a ticket or a customer removed from the store and the live index, bytes included.

- Customers are found by their pseudonymous reference (service/store/customers.py) in `tickets.customer_ref`
  and in cases' `metadata.customer_ref`, and by the customer id in cases' metadata as built (`customer.id`).
- `Eraser.erase_ticket` / `erase_customer`: in ONE store transaction, every row of the tickets concerned
  (tickets, routing_decisions, suggestions, feedback_events, resolutions, new_labels that name them) is deleted,
  the matching cases are deleted from the live index (persisted: the case files are rewritten and old revisions
  removed) and an `erasures` audit row is written with the kind, the key's name and the counts, never an id.
- `scrub`: after the commit, the deleted bytes leave the database files: SQLite deletes with
  `secure_delete=ON` (service/store/db.py) and its WAL is checkpointed and truncated; PostgreSQL tables are
  rewritten with `VACUUM (FULL)` (a plain VACUUM leaves deleted tuples' bytes in the pages).
- `ServiceLock`: a running service holds a shared lock on `<data_dir>/service.lock`; `deskmate erase` takes it
  exclusively, so the command refuses to edit an index directory that a live service holds in memory.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from index.documents import Case
from index.holder import IndexHolder
from index.search_index import SearchIndex
from models.errors import InvalidInputError
from service.store.customers import METADATA_KEY, CustomerRefs, metadata_customer_id
from service.store.repository import FeedbackStore, utcnow
from service.store.tables import (
    ErasureRow,
    FeedbackEventRow,
    NewLabelRow,
    ResolutionRow,
    RoutingDecisionRow,
    SuggestionRow,
    TicketRow,
)

logger = logging.getLogger(__name__)

Kind = Literal["case", "ticket", "customer"]
# The tables an erasure deletes from, children first (and the ones `scrub` rewrites on PostgreSQL).
ERASED_TABLES = ("feedback_events", "suggestions", "routing_decisions", "resolutions", "new_labels", "tickets")
_CHUNK = 500  # ids per IN (...) list: far below SQLite's variable limit


@dataclass(frozen=True, slots=True)
class Scrub:
    """What happened to the deleted bytes after the commit."""

    backend: str
    action: str  # "wal_checkpoint(TRUNCATE)", "VACUUM (FULL)", or "none"
    complete: bool  # False: a reader or a lock kept part of it from finishing (see `warning`)
    seconds: float
    warning: str | None = None


@dataclass(slots=True)
class ErasureReport:
    """An erasure's outcome. `counts` (rows and index entries removed) is what the audit row holds."""

    erasure_id: int
    kind: Kind
    counts: dict[str, int]
    index_version: str | None
    scrub: Scrub | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class IndexDeletes(Protocol):
    """How the index step goes when index changes go through the change log (service/changes/writes.py):
    `before` brings the live index up to date, `log` records the deletions in the erasure's transaction, and
    `after_commit` applies them here (erasing the bytes from the index files) and returns the index version."""

    def before(self) -> None: ...

    def log(self, session: Session, case_ids: Sequence[str]) -> None: ...

    def after_commit(self) -> str | None: ...


class _Nothing(Exception):
    """Nothing matched and the caller wants no audit row: roll the transaction back."""


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def _tenant_allows(tenant: str | None, owner: str | None) -> bool:
    """A key bound to `tenant` erases only that tenant's tickets and cases; an unbound key (None) any."""
    return tenant is None or owner == tenant


class Eraser:
    """Erases tickets and customers from `store` and from the live index in `index` (None or not loaded: store
    only). Thread-safe: each erasure runs in its own transaction; the index serializes its own updates."""

    def __init__(self, store: FeedbackStore, index: IndexHolder | None, refs: CustomerRefs,
                 deletes: IndexDeletes | None = None) -> None:
        self.store = store
        self.index = index
        self.refs = refs
        self.deletes = deletes  # None: the live index is changed (and saved) directly

    # -- what to erase -------------------------------------------------------------------------------------------
    def erase_ticket(self, ticket_id: str, *, tenant: str | None = None, key_name: str | None = None,
                     kind: Kind = "ticket") -> ErasureReport | None:
        """The ticket `ticket_id` and the index case of that id (ids holding personal data are looked up by their
        pseudonym, as they were stored). None, and nothing written (not even an audit row), when neither the
        store nor the index has it for `tenant`."""
        ticket_id = self.store.ids.stored(ticket_id)

        def tickets(session: Session) -> list[str]:
            row = session.execute(select(TicketRow.ticket_id, TicketRow.tenant).where(
                TicketRow.ticket_id == ticket_id).with_for_update()).one_or_none()
            return [row.ticket_id] if row is not None and _tenant_allows(tenant, row.tenant) else []

        def cases(live: SearchIndex) -> set[str]:
            case = live.case(ticket_id)
            return {ticket_id} if case is not None and _tenant_allows(tenant, case.tenant) else set()

        return self._erase(kind, tickets, cases, key_name=key_name, audit_empty=False)

    def erase_customer(self, customer_id: str, *, tenant: str | None = None,
                       key_name: str | None = None) -> ErasureReport:
        """Every ticket and case of the customer `customer_id` of `tenant`; with tenant None, of every tenant the
        store or the index knows (a customer id means one person across tenants). Always audited."""
        customer_id = customer_id.strip()
        if not customer_id:
            raise InvalidInputError("customer_id is empty")

        def refs(session: Session) -> set[str]:
            if tenant is not None:
                return {self.refs.ref(customer_id, tenant)}
            tenants: set[str | None] = {None, *session.scalars(select(TicketRow.tenant).distinct())}
            live = self._live_index()
            if live is not None:
                tenants |= {c.tenant for c in live.cases_where(lambda c: c.tenant is not None)}
            return {self.refs.ref(customer_id, t) for t in tenants}

        wanted: set[str] = set()

        def tickets(session: Session) -> list[str]:
            wanted.update(refs(session))
            ids: list[str] = []
            for chunk in _chunks(sorted(wanted)):
                ids += session.scalars(select(TicketRow.ticket_id).where(
                    TicketRow.customer_ref.in_(chunk)).with_for_update()).all()
            return ids

        def matches(case: Case) -> bool:
            if case.metadata.get(METADATA_KEY) in wanted:
                return True
            return metadata_customer_id(case.metadata) == customer_id and (tenant is None or case.tenant == tenant)

        def cases(live: SearchIndex) -> set[str]:
            return {case.id for case in live.cases_where(matches)}

        report = self._erase("customer", tickets, cases, key_name=key_name, audit_empty=True)
        assert report is not None  # audited even when nothing matched
        return report

    # -- how -----------------------------------------------------------------------------------------------------
    def _live_index(self) -> SearchIndex | None:
        return self.index.snapshot() if self.index is not None else None

    def _erase(self, kind: Kind, find_tickets: Callable[[Session], list[str]],
               find_cases: Callable[[SearchIndex], set[str]], *, key_name: str | None,
               audit_empty: bool) -> ErasureReport | None:
        started = time.perf_counter()
        if self.deletes is not None:
            self.deletes.before()
        try:
            with self.store.session() as session:
                ticket_ids = sorted(set(find_tickets(session)))
                counts = self._delete_rows(session, ticket_ids)
                # Inside the transaction: if the index cannot be saved, the rows stay and a retry finds them.
                removed, version = self._delete_cases(session, ticket_ids, find_cases)
                counts["index_cases"] = len(removed)
                counts["new_labels"] += _delete_new_labels(session, "case", removed)
                if not audit_empty and not any(counts.values()):
                    raise _Nothing
                audit = ErasureRow(erased_at=utcnow(), kind=kind, key_name=key_name, counts=dict(counts))
                session.add(audit)
                session.flush()
                erasure_id = audit.id
        except _Nothing:
            return None
        if self.deletes is not None and removed:
            version = self.deletes.after_commit()
        report = ErasureReport(erasure_id=erasure_id, kind=kind, counts=counts, index_version=version)
        if self.index is not None and not self.index.ready:
            report.warnings.append(f"the retrieval index is not loaded ({self.index.reason}): its cases were not "
                                   "erased; erase again once it is loaded")
        report.scrub = scrub(self.store, tables=[t for t in ERASED_TABLES if counts.get(t)])
        if report.scrub.warning:
            report.warnings.append(report.scrub.warning)
        # The log line carries what the audit row carries: never an id, a customer reference or a text.
        logger.info("erased", extra={"erasure_id": erasure_id, "kind": kind, "key": key_name, "counts": counts,
                                     "scrub": report.scrub.action, "scrub_complete": report.scrub.complete,
                                     "ms": round((time.perf_counter() - started) * 1000, 1)})
        return report

    @staticmethod
    def _delete_rows(session: Session, ticket_ids: Sequence[str]) -> dict[str, int]:
        counts = dict.fromkeys(ERASED_TABLES, 0)
        for chunk in _chunks(ticket_ids):
            suggestion_ids = list(session.scalars(select(SuggestionRow.suggestion_id).where(
                SuggestionRow.ticket_id.in_(chunk))))
            feedback_ids: list[int] = []
            for part in _chunks(suggestion_ids):
                feedback_ids += session.scalars(select(FeedbackEventRow.id).where(
                    FeedbackEventRow.suggestion_id.in_(part))).all()
            counts["new_labels"] += _delete_new_labels(session, "resolution", chunk)
            counts["new_labels"] += _delete_new_labels(session, "feedback", [str(i) for i in feedback_ids])
            for part in _chunks(feedback_ids):
                counts["feedback_events"] += _rowcount(session.execute(delete(FeedbackEventRow).where(
                    FeedbackEventRow.id.in_(part))))
            for table, column, name in ((SuggestionRow, SuggestionRow.ticket_id, "suggestions"),
                                        (RoutingDecisionRow, RoutingDecisionRow.ticket_id, "routing_decisions"),
                                        (ResolutionRow, ResolutionRow.ticket_id, "resolutions"),
                                        (TicketRow, TicketRow.ticket_id, "tickets")):
                counts[name] += _rowcount(session.execute(delete(table).where(column.in_(chunk))))
        return counts

    def _delete_cases(self, session: Session, ticket_ids: Sequence[str],
                      find_cases: Callable[[SearchIndex], set[str]]) -> tuple[list[str], str | None]:
        """Delete from the live index (persisted) the erased tickets' cases and the cases `find_cases` names."""
        live = self._live_index()
        if live is None or self.index is None:
            return [], None
        wanted = find_cases(live) | {i for i in ticket_ids if i in live}
        if not wanted:
            return [], live.version
        if self.deletes is not None:  # applied (and saved) after the commit, in log order
            self.deletes.log(session, sorted(wanted))
            return sorted(wanted), live.version
        removed = self.index.delete_cases(sorted(wanted), persist=True)
        return removed, self.index.version


def _delete_new_labels(session: Session, source: str, refs: Sequence[str]) -> int:
    """New-label records of the erased resolutions (ref: ticket id), feedback (event id) or cases (case id)."""
    deleted = 0
    for part in _chunks(refs):
        deleted += _rowcount(session.execute(delete(NewLabelRow).where(NewLabelRow.source == source,
                                                                       NewLabelRow.ref.in_(part))))
    return deleted


def _rowcount(result: Any) -> int:
    count = getattr(result, "rowcount", 0)
    return int(count) if count and count > 0 else 0


# -- the bytes ------------------------------------------------------------------------------------------------------
def scrub(store: FeedbackStore, *, tables: Sequence[str] = ERASED_TABLES, attempts: int = 5,
          lock_timeout_s: float = 10.0) -> Scrub:
    """Make deleted rows' bytes leave the database files (see the module docstring). Never raises for a
    database that is busy: the rows are gone either way; an incomplete scrub is reported and logged."""
    started = time.perf_counter()
    backend = store.backend
    if backend == "sqlite":
        # Deleted cells are already zeroed (secure_delete); the WAL still holds the earlier page images until a
        # checkpoint copies the pages back and TRUNCATE empties it. A reader mid-transaction makes it busy.
        busy = 1
        for attempt in range(attempts):
            with store.engine.connect() as connection:
                busy, _log, _done = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
            if not busy:
                break
            time.sleep(0.05 * (attempt + 1))
        warning = None if not busy else "the SQLite WAL could not be truncated now (a reader held it); it is " \
                                        "truncated by the next erasure or checkpoint"
        result = Scrub(backend, "wal_checkpoint(TRUNCATE)", not busy, round(time.perf_counter() - started, 4),
                       warning)
    elif backend == "postgresql" and not tables:
        result = Scrub(backend, "none (no rows were deleted)", True, 0.0)
    elif backend == "postgresql":
        # VACUUM (FULL) rewrites each table, its TOAST table and its indexes into new files and drops the old
        # ones; it takes an ACCESS EXCLUSIVE lock while it runs. It cannot run inside a transaction.
        quote = store.engine.dialect.identifier_preparer.quote
        failed: list[str] = []
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(f"SET lock_timeout = '{int(lock_timeout_s * 1000)}ms'")
            for table in tables:
                try:
                    connection.exec_driver_sql(f"VACUUM (FULL) {quote(table)}")
                except OperationalError as exc:
                    failed.append(table)
                    logger.warning("erasure: VACUUM FULL did not run", extra={"table": table,
                                                                              "error": str(exc).splitlines()[0]})
        warning = None if not failed else f"VACUUM (FULL) of {', '.join(failed)} did not run (lock timeout): " \
                                          "deleted bytes stay in those tables' files until it does"
        result = Scrub(backend, "VACUUM (FULL)", not failed, round(time.perf_counter() - started, 4), warning)
    else:
        result = Scrub(backend, "none", False, 0.0, f"no scrub step for the {backend} backend")
    if result.warning:
        logger.warning("erasure scrub incomplete", extra={"backend": backend, "warning": result.warning})
    return result


# -- the offline command and the running service ----------------------------------------------------------------
class ServiceLock:
    """`<data_dir>/service.lock`: a running service holds it shared (every worker), `deskmate erase` exclusively.

    Advisory (flock), released by the kernel when the process ends, so a crashed service leaves no stale lock.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / "service.lock"
        self._fd: int | None = None

    def acquire(self, *, exclusive: bool) -> bool:
        """Take the lock without waiting; False when the other side holds it."""
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
