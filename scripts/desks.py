"""`deskmate desks list|check`: the configured help desks, and a read-only call to each desk's API."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from models.errors import DeskmateError
from service.desks.clients import DeskClient, client_for
from service.desks.config import DeskConfig, load_desks
from service.settings import Settings

console = Console(stderr=True)
app = typer.Typer(help="Help-desk connectors (Zendesk, Freshdesk, Zammad): see docs/desks.md.", no_args_is_help=True)

ConfigDir = Annotated[Path | None, typer.Option(help="Desk YAML directory (default: DESKMATE_DESKS__CONFIG_DIR).")]


def describe(desk: DeskConfig) -> dict[str, Any]:
    """What a desk is configured to do (no secrets)."""
    return {"desk": desk.name, "kind": desk.kind, "base_url": desk.base_url,
            "webhook": f"POST /v1/desks/{desk.name}/events", "webhook_auth": desk.scheme,
            "events": list(desk.events), "groups": len(desk.groups), "tenant": desk.tenant,
            "dry_run": desk.write_back.dry_run}


def list_desks(*, config_dir: Path) -> list[dict[str, Any]]:
    return [describe(desk) for desk in load_desks(config_dir).values()]


def check_desks(*, config_dir: Path, only: str | None = None,
                clients: Callable[[DeskConfig], DeskClient] = client_for) -> list[dict[str, Any]]:
    """Each configured desk (or `only`): its configuration and whether a read-only API call with its credentials
    works. Raises `DeskConfigError` for a bad YAML file, `KeyError` for an unknown `only`."""
    desks = load_desks(config_dir)
    if only is not None and only not in desks:
        raise KeyError(f"no desk {only!r} in {config_dir} (configured: {', '.join(sorted(desks)) or 'none'})")
    results = []
    for name, desk in desks.items():
        if only is not None and name != only:
            continue
        client = clients(desk)
        try:
            check = client.check().to_dict()
        finally:
            client.close()
        results.append({**describe(desk), **check})
    return results


def _directory(config_dir: Path | None) -> Path:
    return config_dir if config_dir is not None else Settings().desks.config_dir


@app.command("list")
def list_command(config_dir: ConfigDir = None) -> None:
    """The configured desks, one JSON object per line; validates every file (exit 2 on the first problem)."""
    try:
        rows = list_desks(config_dir=_directory(config_dir))
    except DeskmateError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(code=2) from exc
    for row in rows:
        typer.echo(json.dumps(row))
    if not rows:
        console.print(f"no desks configured in {escape(str(_directory(config_dir)))} (*.example.yaml are skipped)")


@app.command("check")
def check_command(desk: Annotated[str | None, typer.Argument(help="One desk by name (default: all).")] = None,
                  config_dir: ConfigDir = None) -> None:
    """Call each desk's API read-only (who am I) with its credentials and say what works; exit 1 if one fails."""
    directory = _directory(config_dir)
    try:
        results = check_desks(config_dir=directory, only=desk)
    except (DeskmateError, KeyError) as exc:
        console.print(f"[red]error:[/red] {escape(str(exc).strip(chr(39)))}")
        raise typer.Exit(code=2) from exc
    if not results:
        console.print(f"no desks configured in {escape(str(directory))} (*.example.yaml are skipped)")
        raise typer.Exit(code=1)
    for result in results:
        typer.echo(json.dumps(result))
        mark = "[green]ok[/green]" if result["ok"] else "[red]FAILED[/red]"
        console.print(f"{mark} {escape(result['desk'])} ({result['kind']}): {escape(result['message'])}"
                      + (f" as {escape(str(result['identity']))}" if result.get("identity") else "")
                      + (" [dry run: nothing is written]" if result["dry_run"] else ""))
    if not all(result["ok"] for result in results):
        raise typer.Exit(code=1)
