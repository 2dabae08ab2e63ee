"""Labels accepted as new (`new_label: true`): written beside the request that brought them, summed up for reports.

The service checks labels at the edge (service/labels.py); this module only writes and reads the `new_labels`
table (kind, label, source, ref, key name, time), inside a session the caller opens (`FeedbackStore.session`),
so a label is stored in the same transaction as the feedback or resolution that used it. `deskmate models`
reports the summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.records import NewLabel
from service.store.tables import NewLabelRow

Source = Literal["feedback", "resolution", "case"]


@dataclass(frozen=True, slots=True)
class NewLabelUse:
    """One label, summed over the requests that used it."""

    kind: str
    label: str
    uses: int
    sources: tuple[str, ...]
    first_seen: datetime
    last_seen: datetime


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)  # SQLite: naive UTC


def add(session: Session, labels: Sequence[NewLabel], *, source: Source, ref: str, key_name: str | None,
        now: datetime | None = None) -> None:
    """One row per label, in the caller's transaction."""
    at = now or datetime.now(UTC)
    for item in labels:
        session.add(NewLabelRow(kind=item.kind, label=item.label, source=source, ref=ref, key_name=key_name,
                                created_at=at))


def summary(session: Session) -> list[NewLabelUse]:
    """Every new label with how often, from where and when it was used; by kind, then most used first."""
    statement = (select(NewLabelRow.kind, NewLabelRow.label, NewLabelRow.source, func.count(),
                        func.min(NewLabelRow.created_at), func.max(NewLabelRow.created_at))
                 .group_by(NewLabelRow.kind, NewLabelRow.label, NewLabelRow.source))
    merged: dict[tuple[str, str], NewLabelUse] = {}
    for kind, label, source, count, first, last in session.execute(statement):
        seen = merged.get((kind, label))
        use = NewLabelUse(kind, label, int(count), (source,), _utc(first), _utc(last))
        if seen is not None:
            use = NewLabelUse(kind, label, seen.uses + use.uses, tuple(sorted({*seen.sources, source})),
                              min(seen.first_seen, use.first_seen), max(seen.last_seen, use.last_seen))
        merged[(kind, label)] = use
    return sorted(merged.values(), key=lambda use: (use.kind, -use.uses, use.label))
