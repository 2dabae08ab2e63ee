"""`deskmate worker` and `deskmate jobs list|show|retry|counts`: the durable job queue (docs/jobs.md)."""

from __future__ import annotations

import importlib
import json
import logging
import signal
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import anyio
import typer
from rich.console import Console
from rich.markup import escape

from models.errors import DeskmateError
from service.app import close_components, load_components
from service.components import open_store
from service.jobs import JobQueue, Worker
from service.jobs.registry import build_handlers, close_handlers
from service.logging import configure_logging
from service.settings import Settings
from service.state import ServiceState
from service.store.errors import StoreError

console = Console(stderr=True)
logger = logging.getLogger("deskmate.worker")
app = typer.Typer(help="Durable jobs (desk events, write-backs): list, show and retry; dead letters.",
                  no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(code=2)


def run_worker(*, settings: Settings, stop: threading.Event, modules: Sequence[str] = (),
               burst: bool = False, worker_id: str | None = None) -> int:
    """Load the service's components, build the registered handlers (importing `modules` first, which register
    more) and run jobs until `stop` is set, or, with `burst`, until none is due. Returns 0, or 2 when the store is
    unavailable or no job kind has a handler."""
    for name in modules:
        importlib.import_module(name)
    state = ServiceState(settings)
    anyio.run(load_components, state, None)
    try:
        if state.store is None:
            console.print(f"[red]error:[/red] the store is not available: {escape(state.store_reason or '')}")
            return 2
        handlers = build_handlers(settings, state)
        if not handlers:
            console.print("[red]error:[/red] no job kind has a handler (configure a desk: docs/desks.md)")
            return 2
        queue = JobQueue(state.store.engine, redactor=state.store.redactor)
        worker = Worker.from_settings(settings.jobs, queue, handlers, worker_id=worker_id)
        console.print(f"worker {worker.worker_id}: kinds {', '.join(sorted(handlers))}")
        try:
            if burst:
                while not stop.is_set() and worker.run_once():
                    pass
            else:
                worker.run(stop)
        finally:
            close_handlers(handlers)
        return 0
    finally:
        anyio.run(close_components, state)


def worker_command(
    handlers_module: Annotated[list[str] | None, typer.Option(
        "--handlers-module", help="Also import this module, which registers job handlers (repeatable).")] = None,
    burst: Annotated[bool, typer.Option(help="Exit once no job is due (cron, tests) instead of polling.")] = False,
    worker_id: Annotated[str | None, typer.Option(help="Worker id (default host:pid:random; must be unique).")] = None,
) -> None:
    """Run queued jobs (desk events, write-backs) until SIGTERM/SIGINT; the job in hand finishes first. With a
    PostgreSQL store run as many as you like; with SQLite run one (or leave DESKMATE_JOBS__IN_PROCESS on)."""
    settings = Settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    code = run_worker(settings=settings, stop=stop, modules=handlers_module or (), burst=burst, worker_id=worker_id)
    raise typer.Exit(code=code)


def _queue(settings: Settings) -> tuple[JobQueue, Any]:
    try:
        store = open_store(settings)
    except (StoreError, DeskmateError) as exc:
        raise _fail(str(exc)) from exc
    return JobQueue(store.engine, redactor=store.redactor), store


@app.command("list")
def list_command(
    state: Annotated[str | None, typer.Option(help="Only jobs in this state: queued, running, done, dead.")] = None,
    kind: Annotated[str | None, typer.Option(help="Only jobs of this kind.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Most jobs listed, newest first.")] = 50,
) -> None:
    """Jobs, newest first, one JSON object per line (payloads hold ids and redacted text only)."""
    queue, store = _queue(Settings())
    try:
        jobs = queue.list(state=state, kind=kind, limit=limit)
    except DeskmateError as exc:
        raise _fail(str(exc)) from exc
    finally:
        store.close()
    for job in jobs:
        row = job.to_dict()
        row.pop("payload")
        row.pop("result")
        typer.echo(json.dumps(row))


@app.command("show")
def show_command(job_id: Annotated[int, typer.Argument(help="The job's id.")]) -> None:
    """One job with its payload, result and last error (JSON)."""
    queue, store = _queue(Settings())
    try:
        job = queue.get(job_id)
    finally:
        store.close()
    if job is None:
        raise _fail(f"no job {job_id}")
    typer.echo(json.dumps(job.to_dict(), indent=2))


@app.command("retry")
def retry_command(
    job_id: Annotated[int | None, typer.Argument(help="The job to run again (a dead letter, or one waiting after "
                                                      "a failure).")] = None,
    all_dead: Annotated[bool, typer.Option("--all-dead", help="Every dead letter.")] = False,
    kind: Annotated[str | None, typer.Option(help="With --all-dead: only this kind.")] = None,
) -> None:
    """Queue dead letters again to run now; their attempts are kept (each gets one more try)."""
    if (job_id is None) == (not all_dead):
        raise _fail("give a job id or --all-dead (not both)")
    queue, store = _queue(Settings())
    try:
        if job_id is not None:
            if not queue.retry(job_id):
                raise _fail(f"job {job_id} is not a dead letter nor waiting after a failure (see `deskmate jobs show`)")
            count = 1
        else:
            count = queue.retry_dead(kind=kind)
    finally:
        store.close()
    console.print(f"queued {count} job(s) again")
    typer.echo(json.dumps({"retried": count}))


@app.command("purge")
def purge_command(
    days: Annotated[float, typer.Option(min=0.0, help="Delete jobs finished more than this many days ago.")] = 30.0,
    dead: Annotated[bool, typer.Option(help="Dead letters too (default: done jobs only).")] = False,
) -> None:
    """Delete finished jobs (a deduplicated event redelivered after its job is purged makes a new job)."""
    queue, store = _queue(Settings())
    try:
        count = queue.purge(finished_before=datetime.now(UTC) - timedelta(days=days), dead=dead)
    finally:
        store.close()
    typer.echo(json.dumps({"purged": count}))


@app.command("counts")
def counts_command() -> None:
    """Jobs by state (JSON)."""
    queue, store = _queue(Settings())
    try:
        typer.echo(json.dumps(queue.counts()))
    finally:
        store.close()
