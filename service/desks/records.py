"""The `desk_suggestions` table: which suggestion a desk event made, the write-back planned and done, staleness."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from service.store.repository import FeedbackStore
from service.store.tables import DeskSuggestionRow, SuggestionRow


@dataclass(frozen=True, slots=True)
class DeskSuggestion:
    suggestion_id: str
    ticket_id: str  # as stored (the service's ticket id, guarded)
    desk: str
    event: str
    job_id: int | None
    write_back: dict[str, Any] | None
    stale_at: datetime | None
    superseded_by: str | None


def _record(row: DeskSuggestionRow) -> DeskSuggestion:
    return DeskSuggestion(suggestion_id=row.suggestion_id, ticket_id=row.ticket_id, desk=row.desk, event=row.event,
                          job_id=row.job_id, write_back=row.write_back, stale_at=row.stale_at,
                          superseded_by=row.superseded_by)


class DeskRecords:
    """Reads and writes `desk_suggestions` through the feedback store's engine (ticket ids guarded as it does)."""

    def __init__(self, store: FeedbackStore) -> None:
        self.store = store

    def for_job(self, job_id: int) -> DeskSuggestion | None:
        """The suggestion an earlier attempt of this job made (a retried job reuses it, and its planned write)."""
        with self.store.session() as session:
            row = session.scalars(select(DeskSuggestionRow).where(DeskSuggestionRow.job_id == job_id)
                                  .order_by(DeskSuggestionRow.created_at.desc()).limit(1)).first()
            return None if row is None else _record(row)

    def active(self, ticket_id: str) -> list[str]:
        """The ticket's suggestions made for desk events and not stale yet."""
        with self.store.session() as session:
            return list(session.scalars(select(DeskSuggestionRow.suggestion_id).where(
                DeskSuggestionRow.ticket_id == self.store.ids.stored(ticket_id), DeskSuggestionRow.stale_at.is_(None))))

    def add(self, *, suggestion_id: str, ticket_id: str, desk: str, event: str, job_id: int | None,
            planned: dict[str, Any], stale: list[str]) -> None:
        """Record a new suggestion of a desk ticket with its planned write-back; `stale` (the ticket's earlier ones,
        from `active`) become stale, superseded by it. The suggestion itself must be stored already."""
        now = datetime.now(UTC)
        with self.store.session() as session:
            if stale:
                session.execute(update(DeskSuggestionRow).where(DeskSuggestionRow.suggestion_id.in_(stale),
                                                                DeskSuggestionRow.stale_at.is_(None))
                                .values(stale_at=now, superseded_by=suggestion_id))
            session.add(DeskSuggestionRow(suggestion_id=suggestion_id, ticket_id=self.store.ids.stored(ticket_id),
                                          desk=desk, event=event, job_id=job_id,
                                          write_back={"planned": planned, "written": None}, created_at=now))

    def written(self, suggestion_id: str, written: dict[str, Any]) -> None:
        with self.store.session() as session:
            row = session.get(DeskSuggestionRow, suggestion_id)
            if row is not None:
                row.write_back = {**(row.write_back or {}), "written": written}

    def get(self, suggestion_id: str) -> DeskSuggestion | None:
        with self.store.session() as session:
            row = session.get(DeskSuggestionRow, suggestion_id)
            return None if row is None else _record(row)

    def latest_suggestion(self, ticket_id: str) -> SuggestionRow | None:
        """The ticket's newest suggestion (any door), for the topic and queue of its resolution."""
        with self.store.session() as session:
            return session.scalars(select(SuggestionRow).where(SuggestionRow.ticket_id == self.store.ids.stored(
                ticket_id)).order_by(SuggestionRow.created_at.desc()).limit(1)).first()
