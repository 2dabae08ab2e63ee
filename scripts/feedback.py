"""`deskmate export-feedback` and `deskmate db-upgrade`: plain functions plus their typer commands."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from models.atomic import atomic_path
from models.errors import DeskmateError
from models.pii import Redactor
from service.settings import Settings
from service.store import db
from service.store.quality import export_rows
from service.store.repository import FeedbackStore, as_utc

console = Console(stderr=True)


def _instant(value: str | None, default: datetime) -> datetime:
    if value is None:
        return default
    try:
        return as_utc(datetime.fromisoformat(value))  # a bare date parses as its midnight
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not an ISO date or datetime") from exc


def export_feedback(*, store_url: str, out: Path, since: datetime, until: datetime,
                    include_confirmed: bool = True) -> dict[str, int]:
    """Write training rows (JSONL, `deskmate train` fields) from agents' feedback and resolutions; counts back."""
    store = FeedbackStore.open(store_url, redactor=Redactor(enabled=False), migrate=False)
    counts = {"rows": 0, "corrected": 0, "confirmed": 0}
    try:
        with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8") as handle:
            for row in export_rows(store, since=since, until=until, include_confirmed=include_confirmed):
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                counts["rows"] += 1
                counts["corrected" if row["corrected"] else "confirmed"] += 1
    finally:
        store.close()
    return counts


def export_feedback_command(
    out: Annotated[Path, typer.Option("--out", help="JSONL file to write (subject, body, topic, urgency, ...).")],
    since: Annotated[str | None, typer.Option(help="Start, ISO date or datetime (UTC); default: 90 days ago.")] = None,
    until: Annotated[str | None, typer.Option(help="End, exclusive; default: now.")] = None,
    confirmed: Annotated[bool, typer.Option(
        help="Also export suggestions agents accepted or edited without correcting the routing.")] = True,
    store_url: Annotated[str | None, typer.Option(help="Store URL (default: settings).")] = None,
) -> None:
    """Export what agents decided as training rows; the agent's label wins over the model's."""
    settings = Settings()
    end = _instant(until, datetime.now(UTC))
    start = _instant(since, end - timedelta(days=90))
    try:
        counts = export_feedback(store_url=store_url or settings.resolved_store_url, out=out, since=start,
                                 until=end, include_confirmed=confirmed)
    except DeskmateError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=1) from exc
    console.print(f"wrote {counts['rows']} rows to {out} ({counts['corrected']} corrected by agents, "
                  f"{counts['confirmed']} confirmed) for {start.isoformat()} .. {end.isoformat()}")


def db_upgrade_command(
    store_url: Annotated[str | None, typer.Option(help="Store URL (default: settings).")] = None,
) -> None:
    """Apply the store's database migrations (Alembic) up to the code's schema."""
    url = store_url or Settings().resolved_store_url
    try:
        engine = db.open_engine(url)
        before = db.current_revision(engine)
        db.upgrade(engine)
        after = db.current_revision(engine)
        engine.dispose()
    except DeskmateError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=1) from exc
    console.print(f"store schema: {before or 'empty'} -> {after}")
