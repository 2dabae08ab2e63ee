"""`deskmate fit-retrieval`: fit the learned query adapter on an index's resolved cases (index/adapter.py) and
activate it only when hit@1 / hit@5 on the gate set do not drop (docs/retrieval-learning.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from models.errors import DeskmateError
from models.registry import ModelRegistry
from service.components import build_embedder
from service.logging import configure_logging
from service.settings import Settings

console = Console()


def fit_retrieval(*, settings: Settings, index_dir: Path, models_dir: Path | None = None, frozen: bool = True,
                  seed: int = 13, tolerance: float = 0.0, dry_run: bool = False) -> dict[str, Any]:
    """Fit and gate the adapter of `index_dir`; the gate uses the registry's frozen evaluation set when it has
    one (and `frozen`), else the adapter's own seeded held-out split. Returns the fit's summary."""
    from index.adapter import fit_index_adapter

    rows: list[dict[str, Any]] | None = None
    if frozen:
        eval_set = ModelRegistry(models_dir or settings.model_registry_dir).eval_set()
        rows = eval_set.rows if eval_set is not None else None
    fit = fit_index_adapter(index_dir=index_dir, embedder=build_embedder(settings), eval_rows=rows, seed=seed,
                            tolerance=tolerance, dry_run=dry_run)
    return {**fit.to_dict(), "index": str(index_dir), "written": fit.activate and not dry_run}


def fit_retrieval_command(
    index_dir: Annotated[Path | None, typer.Option("--index", help="Index directory (default: the served one).")]
    = None,
    models_dir: Annotated[Path | None, typer.Option(
        "--models-dir", help="Model registry whose frozen evaluation set gates (default: <data_dir>/models).")] = None,
    frozen: Annotated[bool, typer.Option(
        help="Gate on the registry's frozen evaluation set when it has one; --no-frozen: a seeded held-out split of "
             "the cases (stored with the adapter).")] = True,
    seed: Annotated[int, typer.Option(help="Seed of the held-out and validation splits.")] = 13,
    tolerance: Annotated[float, typer.Option(help="Largest allowed drop of hit@1 / hit@5.")] = 0.0,
    dry_run: Annotated[bool, typer.Option(help="Fit and gate, but do not activate.")] = False,
) -> None:
    """Fit the retrieval adapter on the index's resolved cases; activate it only if the gate passes."""
    settings = Settings()
    configure_logging(settings.log_level, json_lines=False)
    try:
        result = fit_retrieval(settings=settings, index_dir=index_dir or settings.resolved_index_dir,
                               models_dir=models_dir, frozen=frozen, seed=seed, tolerance=tolerance, dry_run=dry_run)
    except DeskmateError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    typer.echo(json.dumps(print_fit(result, dry_run=dry_run)))


def print_fit(result: dict[str, Any], *, dry_run: bool, label: str = "") -> dict[str, Any]:
    """Print a fit's gate metrics and decision (each line after `label`); returns its summary for the JSON line."""
    for name, metrics in result["gate"].items():
        console.print(f"  {label}{name:<9} hit@1 {metrics['hit@1']:.4f}  hit@5 {metrics['hit@5']:.4f}")
    colour = "green" if result["activate"] else "red"
    console.print(f"{label}[{colour}]{result['reason']}[/{colour}]" + (" (dry run: not written)" if dry_run else ""))
    return {k: result[k] for k in ("index", "activate", "written", "gate_source", "gate_rows")}
