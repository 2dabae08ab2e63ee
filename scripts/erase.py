"""`deskmate erase`: erase a customer or a ticket from the store and the index directory, with the service stopped.

A running service holds the index in memory and would write its copy back on its next save, so the command
refuses to run while one holds `<data_dir>/service.lock` (every worker of `deskmate serve` does); a running
service erases through `POST /v1/admin/erasures` instead. The command calls nothing over HTTP.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from index.holder import IndexHolder
from models.errors import DeskmateError, InvalidInputError
from service import components
from service.settings import Settings
from service.store.erasure import Eraser, ErasureReport, ServiceLock

console = Console(stderr=True)


class ServiceRunning(DeskmateError):
    """A service holds the data directory: erase through its endpoint instead."""


def erase(*, settings: Settings, customer: str | None = None, tenant: str | None = None,
          ticket: str | None = None, index_dir: Path | None = None, key_name: str = "cli") -> ErasureReport | None:
    """Erase `customer` (of `tenant`; None: every tenant) or `ticket` from the configured store and the index
    directory (default: the one the service opens). None when the ticket was found nowhere (nothing changed)."""
    if (customer is None) == (ticket is None):
        raise InvalidInputError("give exactly one of --customer or --ticket")
    lock = ServiceLock(settings.data_dir)
    if not lock.acquire(exclusive=True):
        raise ServiceRunning(f"a Deskmate service is running on {settings.data_dir} (it holds {lock.path}): erase "
                             "through POST /v1/admin/erasures, or stop the service first")
    try:
        store = components.open_store(settings)
        try:
            directory = index_dir or components.active_index_dir(settings)
            holder = IndexHolder.open(directory, embedder=components.build_embedder(settings)) \
                if (directory / "manifest.json").is_file() else IndexHolder(reason=f"no index at {directory}")
            assert store.customer_refs is not None  # open_store always sets them
            eraser = Eraser(store, holder, store.customer_refs)
            if ticket is not None:
                return eraser.erase_ticket(ticket, tenant=tenant, key_name=key_name)
            assert customer is not None
            return eraser.erase_customer(customer, tenant=tenant, key_name=key_name)
        finally:
            store.close()
    finally:
        lock.release()


def erase_command(
    customer: Annotated[str | None, typer.Option(help="The desk's customer id (as sent in `customer.id`).")] = None,
    tenant: Annotated[str | None, typer.Option(help="The customer's tenant (default: every tenant).")] = None,
    ticket: Annotated[str | None, typer.Option(help="One ticket id (and the index case of that id).")] = None,
    index_dir: Annotated[Path | None, typer.Option(
        "--index", help="Index directory (default: the one the service opens).")] = None,
) -> None:
    """Erase a customer's (or a ticket's) tickets, suggestions, feedback, resolutions and index cases for good,
    with an audit row; with the service stopped (a running one: POST /v1/admin/erasures)."""
    try:
        report = erase(settings=Settings(), customer=customer, tenant=tenant, ticket=ticket, index_dir=index_dir)
    except DeskmateError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from exc
    if report is None:
        console.print(f"no ticket or case {ticket!r}: nothing was changed")
        raise typer.Exit(code=1)
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    console.print(f"erasure {report.erasure_id} ({report.kind}): {report.total} rows and index entries removed")
    scrub = report.scrub
    typer.echo(json.dumps({"erasure_id": report.erasure_id, "kind": report.kind, "counts": report.counts,
                           "index_version": report.index_version, "warnings": report.warnings,
                           "scrub": None if scrub is None else {"action": scrub.action, "complete": scrub.complete,
                                                                "seconds": scrub.seconds}}))
