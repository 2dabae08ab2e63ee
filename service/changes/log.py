"""The change log: the ordered list of live index changes in the store, written by whoever changes the index.

Writers append in their own transaction (`append`) or in the caller's (`append_in`, e.g. an erasure's) and
take a lock first, so rows commit in `seq` order and a follower that has read up to `seq` never finds an older
row later: PostgreSQL `pg_advisory_xact_lock` (then `pg_notify` wakes the followers when the transaction
commits); SQLite serializes writers by itself. Rows of one write share a `txn` and are applied together.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from service.store.tables import IndexChangeRow

Op = Literal["add", "delete", "swap", "model"]
CHANNEL = "deskmate_index_changes"  # PostgreSQL NOTIFY channel
WRITE_LOCK = 0x6465736B  # pg_advisory_xact_lock key of the log's writers ("desk")
SCRUBBED: dict[str, Any] = {"scrubbed": True}  # what an erased case's add keeps
_CHUNK = 500


def process_origin() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True, slots=True)
class Change:
    seq: int
    txn: str
    op: str
    case_id: str | None
    payload: dict[str, Any]
    created_at: datetime
    origin: str


@dataclass(frozen=True, slots=True)
class NewChange:
    op: Op
    case_id: str | None = None
    payload: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Appended:
    """What `append` wrote: the rows' shared transaction id and the last sequence number."""

    txn: str
    last_seq: int


def _as_change(row: IndexChangeRow) -> Change:
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)  # SQLite: naive
    return Change(row.seq, row.txn, row.op, row.case_id, dict(row.payload or {}), created, row.origin)


class ChangeLog:
    """Reads and writes the `index_changes` table of the store behind `engine`. Thread-safe."""

    def __init__(self, engine: Engine, *, origin: str | None = None) -> None:
        self.engine = engine
        self.origin = origin or process_origin()
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    # -- writing -------------------------------------------------------------------------------------------------
    def append(self, changes: Sequence[NewChange]) -> Appended:
        """Write `changes` in one transaction of their own (committed when this returns)."""
        with self._sessions() as session, session.begin():
            return self.append_in(session, changes)

    def append_in(self, session: Session, changes: Sequence[NewChange]) -> Appended:
        """Write `changes` in the caller's transaction: they exist (and wake followers) when it commits."""
        if not changes:
            raise ValueError("no changes to append")
        postgres = session.get_bind().dialect.name == "postgresql"
        if postgres:  # held to the commit: seqs commit in order
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
        txn, now = uuid.uuid4().hex, datetime.now(UTC)
        rows = [IndexChangeRow(txn=txn, op=c.op, case_id=c.case_id, payload=dict(c.payload or {}), created_at=now,
                               origin=self.origin) for c in changes]
        session.add_all(rows)
        session.flush()
        last = max(row.seq for row in rows)
        if postgres:
            session.execute(text("SELECT pg_notify(:channel, :seq)"), {"channel": CHANNEL, "seq": str(last)})
        return Appended(txn, last)

    def scrub_cases(self, session: Session, case_ids: Iterable[str]) -> int:
        """Blank the payloads (the case text) of every add of `case_ids`, in the caller's transaction."""
        ids, changed = sorted(set(case_ids)), 0
        for start in range(0, len(ids), _CHUNK):
            result = session.execute(update(IndexChangeRow).where(
                IndexChangeRow.op == "add", IndexChangeRow.case_id.in_(ids[start:start + _CHUNK])).values(
                payload=SCRUBBED))
            changed += int(getattr(result, "rowcount", 0) or 0)
        return changed

    # -- reading -------------------------------------------------------------------------------------------------
    def since(self, seq: int, *, limit: int = 1000) -> list[Change]:
        """Changes after `seq`, oldest first, whole transactions only (at most `limit` rows unless one
        transaction alone is longer)."""
        with self._sessions() as session:
            rows = [_as_change(r) for r in session.scalars(
                select(IndexChangeRow).where(IndexChangeRow.seq > seq).order_by(IndexChangeRow.seq).limit(limit))]
            if len(rows) == limit:
                last_txn = rows[-1].txn
                whole = [r for r in rows if r.txn != last_txn]
                if whole:
                    return whole
                return [_as_change(r) for r in session.scalars(select(IndexChangeRow).where(
                    IndexChangeRow.seq > seq, IndexChangeRow.txn == last_txn).order_by(IndexChangeRow.seq))]
            return rows

    def head(self) -> int:
        """The last sequence number written (0 for an empty log)."""
        with self._sessions() as session:
            return int(session.scalar(select(func.max(IndexChangeRow.seq))) or 0)

    def last_swap(self) -> Change | None:
        """The latest index swap: the directory every process should serve."""
        with self._sessions() as session:
            row = session.scalars(select(IndexChangeRow).where(IndexChangeRow.op == "swap").order_by(
                IndexChangeRow.seq.desc()).limit(1)).first()
            return _as_change(row) if row is not None else None
