"""Redact what the store holds from before redaction (or before a detector was added): `redact_store`.

Every text column (ticket subject and body, drafts, sources, warnings, feedback texts, replies) goes through
the redactor again, and ids that hold personal data are replaced by their keyed hashes (service/privacy.py):
a ticket id is re-keyed together with its routing decisions, suggestions and resolution (merged into the
pseudonymized ticket if the service has stored that one since). Works in pages, one short transaction each, so
it can run beside the service; running it again changes nothing (redacted text redacts to itself).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from models.pii import Redactor
from service.privacy import IdGuard
from service.store.repository import FeedbackStore
from service.store.tables import Base

_TABLES = Base.metadata.tables

Progress = Callable[[str, int, int], None]  # (table, rows seen so far, rows changed so far)

# (table, primary key column, columns redacted as text, JSON columns redacted item by item, id columns)
_PLAN: tuple[tuple[Table, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (_TABLES["tickets"], "ticket_id", ("subject", "body"), (), ()),
    (_TABLES["routing_decisions"], "id", (), ("signals",), ()),  # the urgency signals' evidence (ticket words)
    (_TABLES["suggestions"], "suggestion_id", ("draft_text", "draft_error"), ("draft", "sources", "warnings"), ()),
    (_TABLES["feedback_events"], "id", ("final_text", "reason_text"), (), ("agent_id",)),
    (_TABLES["resolutions"], "ticket_id", ("reply",), (), ("agent_id",)),
    (_TABLES["new_labels"], "id", (), (), ("ref",)),
)


def _redacted_values(row: Any, *, texts: Sequence[str], jsons: Sequence[str], id_columns: Sequence[str],
                     redactor: Redactor, ids: IdGuard) -> dict[str, Any]:
    """The columns of `row` whose redacted value differs from the stored one."""
    changes: dict[str, Any] = {}
    for column in texts:
        value = getattr(row, column)
        if isinstance(value, str) and (new := redactor.redact(value)) != value:
            changes[column] = new
    for column in jsons:
        value = getattr(row, column)
        if value is not None and (new := redactor.redact_mapping(value)) != value:
            changes[column] = new
    for column in id_columns:
        value = getattr(row, column)
        if isinstance(value, str) and (new := ids.stored(value)) != value:
            changes[column] = new
    return changes


def _rekey_ticket(session: Session, old: str, new: str) -> None:
    """Move ticket `old` (and everything pointing at it) to id `new`; merge into `new` when it exists."""
    tickets = _TABLES["tickets"]
    row = session.execute(select(tickets).where(tickets.c.ticket_id == old)).mappings().one()
    existing = session.execute(select(tickets.c.ticket_id).where(tickets.c.ticket_id == new)).scalar()
    if existing is None:
        session.execute(insert(tickets).values({**row, "ticket_id": new}))
    for child in (_TABLES["routing_decisions"], _TABLES["suggestions"]):
        session.execute(update(child).where(child.c.ticket_id == old).values(ticket_id=new))
    resolutions = _TABLES["resolutions"]
    mine = session.execute(select(resolutions.c.resolved_at).where(resolutions.c.ticket_id == old)).scalar()
    if mine is not None:
        theirs = session.execute(select(resolutions.c.resolved_at).where(resolutions.c.ticket_id == new)).scalar()
        if theirs is None:
            session.execute(update(resolutions).where(resolutions.c.ticket_id == old).values(ticket_id=new))
        elif theirs >= mine:  # the latest resolution of a ticket wins, as when it is recorded
            session.execute(delete(resolutions).where(resolutions.c.ticket_id == old))
        else:
            session.execute(delete(resolutions).where(resolutions.c.ticket_id == new))
            session.execute(update(resolutions).where(resolutions.c.ticket_id == old).values(ticket_id=new))
    session.execute(delete(tickets).where(tickets.c.ticket_id == old))


def redact_store(store: FeedbackStore, *, redactor: Redactor, ids: IdGuard, page_size: int = 500,
                 progress: Progress | None = None, reclaim: bool = True) -> dict[str, int]:
    """Redact every stored text and pseudonymize every stored id that holds personal data; rows changed per
    table (`tickets_rekeyed`: ticket ids replaced by keyed hashes) back. With `reclaim` (and any change), the
    database files are rewritten afterwards (`reclaim_space`) so the old values leave the disk files too."""
    counts: dict[str, int] = {}
    for table, key, texts, jsons, id_columns in _PLAN:
        changed = seen = 0
        last: Any = None
        while True:
            with store.session() as session:
                query = select(table).order_by(table.c[key]).limit(page_size)
                if last is not None:
                    query = query.where(table.c[key] > last)
                rows = session.execute(query).all()
                for row in rows:
                    changes = _redacted_values(row, texts=texts, jsons=jsons, id_columns=id_columns,
                                               redactor=redactor, ids=ids)
                    if changes:
                        session.execute(update(table).where(table.c[key] == getattr(row, key)).values(changes))
                        changed += 1
            seen += len(rows)
            if progress is not None:
                progress(table.name, seen, changed)
            if len(rows) < page_size:
                break
            last = getattr(rows[-1], key)
        counts[table.name] = changed
    counts["tickets_rekeyed"] = _rekey_tickets(store, ids, page_size=page_size, progress=progress)
    if reclaim and any(counts.values()):
        reclaim_space(store)
    return counts


def reclaim_space(store: FeedbackStore) -> None:
    """Rewrite the storage so that replaced values are gone from the database files, not just unreferenced:
    SQLite VACUUM between WAL checkpoints; PostgreSQL VACUUM FULL of the redacted tables (each is locked while
    it is rewritten: seconds for a help desk's store)."""
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if store.backend == "sqlite":
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.exec_driver_sql("VACUUM")
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        elif store.backend == "postgresql":
            for table, *_ in _PLAN:
                connection.exec_driver_sql(f'VACUUM FULL "{table.name}"')
            connection.exec_driver_sql('VACUUM FULL "routing_decisions"')


def _rekey_tickets(store: FeedbackStore, ids: IdGuard, *, page_size: int, progress: Progress | None) -> int:
    tickets = _TABLES["tickets"]
    with store.session() as session:
        all_ids = list(session.execute(select(tickets.c.ticket_id).order_by(tickets.c.ticket_id)).scalars())
    moves = [(old, new) for old in all_ids if (new := ids.stored(old)) != old]
    for start in range(0, len(moves), page_size):
        with store.session() as session:
            for old, new in moves[start : start + page_size]:
                _rekey_ticket(session, old, new)
        if progress is not None:
            progress("tickets (ids)", min(start + page_size, len(moves)), min(start + page_size, len(moves)))
    return len(moves)
