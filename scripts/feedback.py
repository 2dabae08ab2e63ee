"""`deskmate export-feedback` and `deskmate db-upgrade`: plain functions plus their typer commands."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from models.atomic import atomic_path
from models.errors import DeskmateError
from models.pii import Redactor
from service.privacy import IdGuard, build_case_redactor
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


def redact_row(row: dict[str, Any], *, redactor: Redactor, ids: IdGuard | None) -> dict[str, Any]:
    """An export row with subject and body redacted again and its id as stored (a keyed hash when it holds
    personal data; without an id guard, the id redacted like text)."""
    out = dict(row)
    for field in ("subject", "body"):
        if isinstance(out.get(field), str):
            out[field] = redactor.redact(out[field])
    if isinstance(out.get("id"), str):
        out["id"] = ids.stored(out["id"]) if ids is not None else redactor.redact(out["id"])
    return out


def export_feedback(*, store_url: str, out: Path, since: datetime, until: datetime, include_confirmed: bool = True,
                    redactor: Redactor | None = None, ids: IdGuard | None = None) -> dict[str, int]:
    """Write training rows (JSONL, `deskmate train` fields) from agents' feedback and resolutions; counts back.

    Defense in depth: every row is redacted again on the way out (`redactor`, default the regex path), so rows
    stored before redaction existed, or before a detector was added, leave redacted; `re_redacted` counts the
    rows that changed (when above 0, run `deskmate redact-existing --store`)."""
    redactor = redactor if redactor is not None else Redactor()
    # The store only reads here; its own redactor (for writes) stays off.
    store = FeedbackStore.open(store_url, redactor=Redactor(enabled=False), migrate=False)
    counts = {"rows": 0, "corrected": 0, "confirmed": 0, "re_redacted": 0}
    try:
        with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8") as handle:
            for stored in export_rows(store, since=since, until=until, include_confirmed=include_confirmed):
                row = redact_row(stored, redactor=redactor, ids=ids)
                counts["re_redacted"] += row != stored
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
        privacy = build_case_redactor(settings)
        counts = export_feedback(store_url=store_url or settings.resolved_store_url, out=out, since=start,
                                 until=end, include_confirmed=confirmed, redactor=privacy.redactor, ids=privacy.ids)
    except DeskmateError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=1) from exc
    console.print(f"wrote {counts['rows']} rows to {out} ({counts['corrected']} corrected by agents, "
                  f"{counts['confirmed']} confirmed) for {start.isoformat()} .. {end.isoformat()}")
    if counts["re_redacted"]:
        console.print(f"[yellow]{counts['re_redacted']} rows held personal data in the store and were redacted on "
                      "the way out: run `deskmate redact-existing --store`[/yellow]")


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
