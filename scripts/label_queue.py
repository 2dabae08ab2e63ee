"""`deskmate label-queue`: the unlabelled or triaged tickets agents should label first (docs/cold-start.md).

Tickets come from a JSONL/CSV file (`--input`: id, subject/body or text; rows that already carry a topic label
are skipped) or, by default, from the feedback store: routed tickets with no agent feedback yet, and tickets the
model handed to a human that no agent has given a corrected topic. They are ranked by the served model's
uncertainty with diversity (`models.active_learning`).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import and_, exists, or_, select

from models.active_learning import STRATEGIES, QueueRow, QueueTicket, rank_tickets
from models.data import get_field, iter_records
from models.embedding.base import Embedder
from models.errors import DeskmateError
from models.routing_heads import RoutingModel
from models.text import ticket_text
from service.components import build_embedder
from service.settings import Settings
from service.store import db
from service.store.tables import FeedbackEventRow, RoutingDecisionRow, TicketRow


def tickets_from_file(path: Path, *, id_field: str = "id", topic_field: str = "topic") -> list[QueueTicket]:
    """Unlabelled tickets of a file (rows with a non-empty `topic_field` are labelled already and skipped)."""
    out: list[QueueTicket] = []
    for number, row in enumerate(iter_records(path), start=1):
        if str(get_field(row, topic_field) or "").strip():
            continue
        text = ticket_text(str(get_field(row, "subject") or ""),
                           str(get_field(row, "body") or get_field(row, "text") or ""))
        if text:
            out.append(QueueTicket(id=str(get_field(row, id_field) or f"row-{number}"), text=text))
    return out


def tickets_from_store(url: str, *, limit: int = 5000) -> list[QueueTicket]:
    """Routed tickets without feedback, and tickets handed to a human without a corrected topic (newest first)."""
    decided = exists().where(RoutingDecisionRow.ticket_id == TicketRow.ticket_id)
    feedback = (select(FeedbackEventRow.id)
                .join(RoutingDecisionRow, RoutingDecisionRow.suggestion_id == FeedbackEventRow.suggestion_id)
                .where(RoutingDecisionRow.ticket_id == TicketRow.ticket_id))
    corrected = feedback.where(FeedbackEventRow.corrected_topic.is_not(None))
    triaged = exists().where(and_(RoutingDecisionRow.ticket_id == TicketRow.ticket_id,
                                  RoutingDecisionRow.needs_human.is_(True)))
    query = (select(TicketRow.ticket_id, TicketRow.subject, TicketRow.body)
             .where(decided, or_(~feedback.exists(), and_(triaged, ~corrected.exists())))
             .order_by(TicketRow.last_seen_at.desc()).limit(limit))
    engine = db.open_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(query).all()
    finally:
        engine.dispose()
    return [QueueTicket(id=r.ticket_id, text=text) for r in rows if (text := ticket_text(r.subject, r.body))]


def label_queue(*, settings: Settings, model_dir: Path | None = None, input_path: Path | None = None,
                limit: int = 20, strategy: str = "uncertainty+diversity", seed: int = 13,
                embedder: Embedder | None = None) -> list[QueueRow]:
    """The ranked queue for the given (or the registry's active) model."""
    model_dir = model_dir or settings.resolved_model_dir
    embedder = embedder or build_embedder(settings)
    embedder.load()
    model = RoutingModel.load(model_dir, embedder=embedder)
    model.load_aux()
    tickets = (tickets_from_file(input_path) if input_path is not None
               else tickets_from_store(settings.resolved_store_url))
    return rank_tickets(model=model, embedder=embedder, tickets=tickets, limit=limit, strategy=strategy,
                        seed=seed, batch_size=settings.embedder.batch_size)


def label_queue_command(
    model: Annotated[Path | None, typer.Option("--model", help="Model directory (default: the active model).")] = None,
    input_path: Annotated[Path | None, typer.Option(
        "--input", help="JSONL/CSV of tickets (id, subject, body or text); default: the feedback store.")] = None,
    limit: Annotated[int, typer.Option(help="Tickets to list.")] = 20,
    strategy: Annotated[str, typer.Option(help=f"One of {', '.join(STRATEGIES)}.")] = "uncertainty+diversity",
    seed: Annotated[int, typer.Option(help="Seed of the k-means grouping.")] = 13,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List the tickets whose labels would teach the routing model most, with the reason for each."""
    try:
        rows = label_queue(settings=Settings(), model_dir=model, input_path=input_path, limit=limit,
                           strategy=strategy, seed=seed)
    except DeskmateError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    if not rows:
        typer.echo("no unlabelled tickets to rank", err=True)
        return
    for row in rows:
        if json_out:
            typer.echo(json.dumps(asdict(row)))
        else:
            typer.echo(f"{row.rank:3d}. {row.id}  {row.predicted} {row.confidence:.0%}  {row.reason}")
