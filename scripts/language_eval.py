"""`deskmate evaluate-languages`: routing, retrieval and drafting per ticket language, global vs per-language abstain.

Trains a routing model on the development part of a labelled ticket file that has a `language` field (the demo
data by default), scores its test part per language and writes `languages.json`, `languages.md` and
`command.txt` to `--out`.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from models.errors import DeskmateError
from models.fairness import MIN_LANGUAGE_ROWS
from models.language_eval import evaluate_languages, load_language_tickets, markdown_table
from models.training import DEFAULT_AUX_EMBEDDER, TrainOptions
from service.settings import REPO_ROOT, Settings

console = Console(stderr=True)

DEMO_TICKETS = REPO_ROOT / "data" / "demo" / "tickets.jsonl"


def run_language_eval(*, data: Path, out: Path, settings: Settings, test_size: float = 0.2, val_size: float = 0.1,
                      seed: int = 13, min_language_rows: int = MIN_LANGUAGE_ROWS, aux_embedders: tuple[str, ...] =
                      (DEFAULT_AUX_EMBEDDER,), signals: bool = True, drafts: bool = True,
                      cache_dir: Path | None = None, command: str | None = None) -> dict[str, Any]:
    """Evaluate per language with the configured embedder (and urgency signals, composer drafts); write `out`."""
    from models.routing_policy import RoutingPolicy
    from models.urgency import UrgencySignals
    from service.components import build_composer, build_embedder

    tickets = load_language_tickets(data)
    if not tickets:
        raise DeskmateError(f"{data}: no tickets with a topic and a language field")
    urgency = None
    if signals:
        urgency = UrgencySignals(RoutingPolicy.from_yaml(settings.routing_rules))
        urgency.load()
    options = TrainOptions(oos_label=settings.oos_label, val_size=val_size, seed=seed, aux_embedders=aux_embedders,
                           min_language_rows=min_language_rows, batch_size=settings.embedder.batch_size,
                           cache_dir=cache_dir)
    embedder = build_embedder(settings)
    embedder.load()
    result = evaluate_languages(tickets=tickets, embedder=embedder, options=options, test_size=test_size,
                                oos_label=settings.oos_label, signals=urgency,
                                drafter=build_composer(settings) if drafts else None)
    result["data"] = str(data)
    result["command"] = command
    out.mkdir(parents=True, exist_ok=True)
    (out / "languages.json").write_text(json.dumps(result, indent=2) + "\n")  # English first
    (out / "languages.md").write_text(markdown_table(result))
    if command:
        (out / "command.txt").write_text(command + "\n")
    return result


def evaluate_languages_command(
    data: Annotated[Path, typer.Option(help="Tickets (JSONL/CSV) with subject, body, topic, urgency, language.")]
    = DEMO_TICKETS,
    out: Annotated[Path, typer.Option(help="Folder for languages.json, languages.md, command.txt.")]
    = Path("var/eval/languages"),
    test_size: Annotated[float, typer.Option(help="Share held out for the test part.")] = 0.2,
    val_size: Annotated[float, typer.Option(help="Share of the rest that tunes calibration and abstention.")] = 0.1,
    seed: Annotated[int, typer.Option(help="Seed of the splits.")] = 13,
    min_language_rows: Annotated[int, typer.Option(
        help="In-scope validation rows a language needs for its own abstain thresholds.")] = MIN_LANGUAGE_ROWS,
    aux_embedder: Annotated[list[str] | None, typer.Option(
        help="Extra embedder joined to the features (repeatable); default: multilingual USE; 'none'.")] = None,
    signals: Annotated[bool, typer.Option(help="Also score urgency with the policy's signals.")] = True,
    drafts: Annotated[bool, typer.Option(help="Also compose drafts and check their language.")] = True,
    cache_dir: Annotated[Path | None, typer.Option(help="Reuse embeddings of identical inputs across runs.")] = None,
) -> None:
    """Per-language topic accuracy, false-reject, oos recall, urgency, retrieval hit@5 and draft language."""
    from service.logging import configure_logging

    settings = Settings()
    configure_logging(settings.log_level, json_lines=False)
    aux = (DEFAULT_AUX_EMBEDDER,) if not aux_embedder else tuple(a for a in aux_embedder if a.lower() != "none")
    command = shlex.join(["deskmate", "evaluate-languages", *sys.argv[2:]])
    try:
        result = run_language_eval(data=data, out=out, settings=settings, test_size=test_size, val_size=val_size,
                                   seed=seed, min_language_rows=min_language_rows, aux_embedders=aux,
                                   signals=signals, drafts=drafts, cache_dir=cache_dir, command=command)
    except DeskmateError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(code=2) from exc
    typer.echo(markdown_table(result))
    console.print(f"written to {out}/languages.json and languages.md; goals: {json.dumps(result['goals'])}")
