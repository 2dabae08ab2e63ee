"""`deskmate eval-set show|refresh`: the model registry's frozen evaluation set (the retrain gate's yardstick)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from models.data import FieldMapping
from models.errors import DeskmateError
from models.registry import EvalSet, ModelRegistry
from service.logging import configure_logging
from service.settings import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="The model registry's frozen evaluation set (rows no model version trains on).")
console = Console(stderr=True)

ModelsDir = Annotated[Path | None, typer.Option("--models-dir", help="Model registry folder (default: "
                                                                       "<data_dir>/models).")]


def _print(eval_set: EvalSet) -> None:
    manifest = eval_set.manifest
    table = Table(title=f"frozen evaluation set in {eval_set.path}")
    table.add_column("topic")
    table.add_column("rows", justify="right")
    for topic, count in manifest["counts"].items():
        table.add_row(escape(topic), str(count))
    console.print(table)
    console.print(f"{manifest['rows']} rows, sha256 {manifest['sha256']}, created {manifest['created_at']} from "
                  f"{escape(str(manifest['source']))} (share {manifest['share']}, seed {manifest['seed']}, "
                  f"{manifest['reason']})")


@app.command("show")
def show_command(models_dir: ModelsDir = None) -> None:
    """Print the frozen evaluation set's manifest (rows per topic, hash, source)."""
    settings = Settings()
    configure_logging("WARNING", json_lines=False)
    try:
        eval_set = ModelRegistry(models_dir or settings.model_registry_dir).eval_set()
    except DeskmateError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(code=2) from exc
    if eval_set is None:
        console.print("no frozen evaluation set yet: the first `deskmate retrain` carves one "
                      "(or `deskmate eval-set refresh --data FILE`)")
        typer.echo(json.dumps(None))
        return
    _print(eval_set)
    typer.echo(json.dumps(eval_set.manifest))


@app.command("refresh")
def refresh_command(
    data: Annotated[list[Path], typer.Option("--data", help="Labelled base file (repeatable).")],
    feedback: Annotated[list[Path] | None, typer.Option("--feedback", help="Feedback export (repeatable).")] = None,
    models_dir: ModelsDir = None,
    share: Annotated[float, typer.Option(help="Share of the merged rows carved out (stratified by topic).")] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed of the carve.")] = 13,
    text_field: Annotated[str | None, typer.Option(help="Field with the whole text.")] = None,
    subject_field: Annotated[str | None, typer.Option(help="Subject field.")] = "subject",
    body_field: Annotated[str | None, typer.Option(help="Body field.")] = "body",
    topic_field: Annotated[str, typer.Option(help="Topic label field.")] = "topic",
    urgency_field: Annotated[str | None, typer.Option(help="Urgency label field; '' for none.")] = "urgency",
    id_field: Annotated[str, typer.Option(help="Ticket id field.")] = "id",
    redact: Annotated[bool, typer.Option(help="Redact personal data in the rows first (as `retrain` does).")] = True,
) -> None:
    """Carve a new frozen evaluation set (replaces the old one; the next retrain compares recipes refit without
    it, since every registered model may have trained on its rows)."""
    from models.retraining import refresh_eval_set
    from service.privacy import training_redactor

    settings = Settings()
    configure_logging(settings.log_level, json_lines=False)
    mapping = FieldMapping(text=text_field or None, subject=subject_field or None, body=body_field or None,
                           topic=topic_field, urgency=urgency_field or None)
    try:
        eval_set = refresh_eval_set(registry=ModelRegistry(models_dir or settings.model_registry_dir),
                                    data=list(data), feedback=list(feedback or []), mapping=mapping,
                                    id_field=id_field, share=share, seed=seed,
                                    redact=training_redactor(settings, enabled=redact)[0])
    except DeskmateError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(code=2) from exc
    _print(eval_set)
    typer.echo(json.dumps(eval_set.manifest))
