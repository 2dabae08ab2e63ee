"""`deskmate redact-existing`: redact data stored before redaction (or before a detector was added), in place.

The store: every text column redacted again, ids holding personal data replaced by their keyed hashes (pages
of short transactions: safe beside a running service). The index: every case redacted and the index rebuilt
from the redacted cases (re-embedded) with the redaction recorded in its manifest; in place only with the
service stopped, otherwise `--out` a new directory and swap it in (`POST /v1/admin/index/swap`). Both are
idempotent: a second run changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from index.build import RedactionReport, redact_index
from models.errors import DeskmateError
from service.components import build_embedder
from service.privacy import CaseRedactor, build_case_redactor
from service.settings import Settings
from service.store.redact_existing import Progress, redact_store
from service.store.repository import FeedbackStore

console = Console(stderr=True)


def redact_existing_store(*, store_url: str, privacy: CaseRedactor, progress: Progress | None = None) -> dict[str, int]:
    """Redact the store at `store_url` in place; rows changed per table back."""
    store = FeedbackStore.open(store_url, redactor=privacy.redactor, ids=privacy.ids, migrate=False)
    try:
        return redact_store(store, redactor=privacy.redactor, ids=privacy.ids, progress=progress)
    finally:
        store.close()


def redact_existing_index(*, settings: Settings, index_dir: Path, privacy: CaseRedactor, out: Path | None = None,
                          show_progress: bool = False) -> RedactionReport:
    """Redact the index directory `index_dir` (into `out` when given) with the configured embedder."""
    return redact_index(index_dir=index_dir, embedder=build_embedder(settings), redact_case=privacy,
                        redaction=privacy.info(), redact_id=privacy.ids.stored,
                        redact_article=privacy.article if privacy.articles else None, out_dir=out,
                        show_progress=show_progress)


def _print_progress(table: str, seen: int, changed: int) -> None:
    console.print(f"  {table}: {seen} rows read, {changed} changed")


def redact_existing_command(
    store: Annotated[bool, typer.Option("--store", help="Redact the feedback store.")] = False,
    index: Annotated[bool, typer.Option("--index", help="Redact the retrieval index directory.")] = False,
    index_dir: Annotated[Path | None, typer.Option(help="Index directory (default: the active one).")] = None,
    out: Annotated[Path | None, typer.Option(
        help="Write the redacted index here instead of in place (then swap it in while the service runs).")] = None,
    articles: Annotated[bool, typer.Option(help="Also redact knowledge-base articles.")] = False,
    store_url: Annotated[str | None, typer.Option(help="Store URL (default: settings).")] = None,
) -> None:
    """Redact personal data stored before redaction covered it: the store and/or the index, in place."""
    from service.components import active_index_dir

    if not store and not index:
        raise typer.BadParameter("say what to redact: --store, --index or both")
    settings = Settings()
    if not settings.pii.enabled:
        console.print("[red]error:[/red] PII redaction is off (DESKMATE_PII__ENABLED=false): nothing to do")
        raise typer.Exit(code=2)
    summary: dict[str, Any] = {}
    try:
        privacy = build_case_redactor(settings, articles=articles)
        if store:
            console.print("redacting the store…")
            summary["store"] = redact_existing_store(store_url=store_url or settings.resolved_store_url,
                                                     privacy=privacy, progress=_print_progress)
        if index:
            directory = index_dir or active_index_dir(settings)
            console.print(f"redacting the index in {directory}…")
            report = redact_existing_index(settings=settings, index_dir=directory, privacy=privacy, out=out,
                                           show_progress=True)
            summary["index"] = {"path": str(report.path), "cases": report.cases,
                                "cases_changed": report.cases_changed, "written": report.written,
                                "version": report.version}
    except DeskmateError as exc:  # StoreError too
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(code=2) from exc
    for part, values in summary.items():
        console.print(f"{part}: " + ", ".join(f"{k}={v}" for k, v in values.items()))
