"""One retraining round with simulated agent feedback on labelled tickets (the demo data by default).

    python -m scripts.simulate_feedback --cache-dir var/cache

The tickets are split, seeded and stratified by topic, into base (60 %), feedback (20 %) and held-out (20 %).
The current model is trained on base only. Agents then see the current model's routing of the feedback tickets:
where its topic or urgency is wrong (or it abstained on an in-scope ticket, or did not abstain on an
out-of-scope one) they correct it, otherwise they confirm it; either way the export holds one row with the
true labels, as `deskmate export-feedback` writes it. `retrain` then trains on base + feedback and gates the
candidate against the current model on the held-out tickets, which neither model has seen. With
`--adversarial` a second round retrains on feedback that rotates the topic labels of a share of the base and
feedback tickets (a broken export), which the gate should reject.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from models.data import get_field, iter_records, stratified_split
from models.embedding.base import Embedder
from models.embedding.hashing import HashingEmbedder
from models.registry import ModelRegistry
from models.retraining import RetrainReport, retrain
from models.routing_heads import RoutingModel
from models.text import ticket_text
from models.training import TrainOptions
from service.components import build_embedder
from service.logging import configure_logging
from service.settings import REPO_ROOT, Settings

logger = logging.getLogger(__name__)
console = Console(stderr=True)
app = typer.Typer(add_completion=False)

DEMO_TICKETS = REPO_ROOT / "data" / "demo" / "tickets.jsonl"
TRAIN_FIELDS = ("id", "subject", "body", "topic", "urgency")


def _write_jsonl(rows: list[dict[str, Any]], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def split_tickets(records: list[dict[str, Any]], *, seed: int, feedback_share: float = 0.2,
                  heldout_share: float = 0.2) -> tuple[list[dict[str, Any]], ...]:
    """Seeded topic-stratified base / feedback / held-out parts."""
    topics = [str(r["topic"]) for r in records]
    rest_idx, held_idx = stratified_split(topics, test_size=heldout_share, seed=seed)
    rest = [records[i] for i in rest_idx]
    base_idx, fb_idx = stratified_split([str(r["topic"]) for r in rest],
                                        test_size=feedback_share / (1.0 - heldout_share), seed=seed + 1)
    return [rest[i] for i in base_idx], [rest[i] for i in fb_idx], [records[i] for i in held_idx]


def agent_feedback(model: RoutingModel, embedder: Embedder, tickets: list[dict[str, Any]], *,
                   oos_label: str, batch_size: int) -> list[dict[str, Any]]:
    """Feedback rows as agents would leave them: the true labels, `corrected` where the model was wrong."""
    texts = [ticket_text(t.get("subject"), t.get("body")) for t in tickets]
    predictions = model.predict(texts, embedder.encode(texts, batch_size=batch_size, show_progress=True))
    rows = []
    for ticket, prediction in zip(tickets, predictions, strict=True):
        abstained = prediction.abstain_reason is not None
        if ticket["topic"] == oos_label:
            wrong = not abstained
        else:
            wrong = abstained or prediction.topic.label != ticket["topic"] or (
                prediction.urgency is not None and prediction.urgency.label != ticket["urgency"])
        rows.append({**{k: ticket.get(k) for k in TRAIN_FIELDS}, "source": "feedback",
                     "suggestion_id": f"S-{ticket['id']}", "corrected": wrong})
    return rows


def broken_feedback(tickets: list[dict[str, Any]], *, share: float, seed: int) -> list[dict[str, Any]]:
    """A broken export: the topic of a seeded `share` of each topic's tickets rotated to the next topic."""
    topics = sorted({str(t["topic"]) for t in tickets})
    _, flip_idx = stratified_split([str(t["topic"]) for t in tickets], test_size=share, seed=seed)
    rows = []
    for i in flip_idx:
        ticket = tickets[int(i)]
        wrong = topics[(topics.index(str(ticket["topic"])) + 1) % len(topics)]
        rows.append({**{k: ticket.get(k) for k in TRAIN_FIELDS}, "topic": wrong, "source": "feedback",
                     "suggestion_id": f"S-{ticket['id']}", "corrected": True})
    return rows


def _headline(metrics: dict[str, Any]) -> dict[str, float]:
    out = {"topic accuracy": metrics["topic"]["accuracy"], "topic macro-F1": metrics["topic"]["macro_f1"]}
    if "urgency" in metrics:
        out["urgency accuracy"] = metrics["urgency"]["accuracy"]
    if metrics["abstain"]["n_oos"]:
        out["out-of-scope recall"] = metrics["abstain"]["oos_recall"]
        out["in-scope false-reject rate"] = metrics["abstain"]["false_reject_rate"]
    return {k: float(v) for k, v in out.items()}


def _round_summary(report: RetrainReport) -> dict[str, Any]:
    return {"candidate": report.candidate_version, "current": report.current_version, "decision": report.decision,
            "reason": report.reason, "before": _headline(report.current_metrics) if report.current_metrics else None,
            "after": _headline(report.candidate_metrics), "counts": report.counts,
            "seconds": round(report.seconds, 1)}


def simulate(*, data: Path, out: Path, embedder: Embedder, seed: int = 13, tolerance: float = 0.01,
             options: TrainOptions | None = None, adversarial: float = 0.0, oos_label: str = "oos",
             batch_size: int = 64, cache_dir: Path | None = None, redact: Callable[[str], str] | None = None,
             redaction: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run the rounds into `out` (its `models/` registry is recreated) and return a summary. `redact`: applied to
    every subject and body as the tickets are read, so the files written to `out` and the models hold no personal
    data (as `deskmate retrain` does; `redaction` goes into the manifests)."""
    records = [{k: get_field(r, k) for k in TRAIN_FIELDS} for r in iter_records(data)]
    if redact is not None:
        records = [{**r, **{k: redact(str(r[k])) for k in ("subject", "body") if r.get(k)}} for r in records]
    base, feedback_tickets, heldout = split_tickets(records, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    registry = ModelRegistry(out / "models")
    shutil.rmtree(registry.root, ignore_errors=True)
    base_file = _write_jsonl(base, out / "base.jsonl")
    held_file = _write_jsonl(heldout, out / "heldout.jsonl")
    common: dict[str, Any] = {"registry": registry, "embedder": embedder, "eval_data": [held_file],
                              "tolerance": tolerance, "oos_label": oos_label, "batch_size": batch_size,
                              "cache_dir": cache_dir, "show_progress": True, "redact": redact,
                              "redaction": redaction}

    console.rule("round 0: the current model, trained on base only")
    first = retrain(data=[base_file], options=options, command="simulate_feedback round 0", **common)
    current = RoutingModel.load(first.candidate_dir, embedder=embedder)
    console.rule("agents review the current model's routing of the feedback tickets")
    rows = agent_feedback(current, embedder, feedback_tickets, oos_label=oos_label, batch_size=batch_size)
    feedback_file = _write_jsonl(rows, out / "feedback.jsonl")
    console.rule("round 1: retrain on base + feedback, gate on held-out")
    second = retrain(data=[base_file], feedback=[feedback_file], command="simulate_feedback round 1", **common)
    summary: dict[str, Any] = {
        "data": str(data), "seed": seed, "tolerance": tolerance, "embedder": embedder.model_id,
        "split": {"base": len(base), "feedback": len(feedback_tickets), "heldout": len(heldout)},
        "feedback": {"rows": len(rows), "corrected": sum(1 for r in rows if r["corrected"]),
                     "confirmed": sum(1 for r in rows if not r["corrected"])},
        "round0": _round_summary(first), "round1": _round_summary(second),
    }
    if adversarial > 0:
        console.rule(f"round 2: a broken export rotates {adversarial:.0%} of the topic labels")
        broken = broken_feedback(base + feedback_tickets, share=adversarial, seed=seed + 2)
        broken_file = _write_jsonl(rows + broken, out / "feedback_broken.jsonl")
        third = retrain(data=[base_file], feedback=[broken_file], command="simulate_feedback round 2", **common)
        summary["round2"] = {**_round_summary(third), "flipped_rows": len(broken)}
    summary["active_version"] = registry.active_version()
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


@app.command()
def main(
    data: Annotated[Path, typer.Option(help="Labelled tickets (JSONL with id, subject, body, topic, urgency).")] = (
        DEMO_TICKETS),
    out: Annotated[Path, typer.Option(help="Working folder (its models/ registry is recreated).")] = (
        REPO_ROOT / "var" / "simulate-feedback"),
    seed: Annotated[int, typer.Option(help="Seed of the splits.")] = 13,
    tolerance: Annotated[float, typer.Option(help="Largest allowed drop of a gated metric.")] = 0.01,
    adversarial: Annotated[float, typer.Option(
        help="Also retrain on a broken export rotating this share of topic labels (0 = skip).")] = 0.0,
    cache_dir: Annotated[Path | None, typer.Option(help="Reuse embeddings across runs.")] = None,
    fast: Annotated[bool, typer.Option(help="Hashing embedder and no auxiliary embedder (a quick smoke run).")] = False,
    redact: Annotated[bool, typer.Option(help="Redact personal data in the tickets first (as `retrain`).")] = True,
) -> None:
    """Measure a retraining round with simulated agent corrections."""
    from service.privacy import training_redactor

    settings = Settings()
    configure_logging("WARNING", json_lines=False)
    cfg = settings.embedder
    embedder: Embedder = HashingEmbedder(256) if fast else build_embedder(settings)
    options = TrainOptions(oos_label=settings.oos_label, aux_embedders=()) if fast else None
    redactor, redaction = training_redactor(settings, enabled=redact)
    summary = simulate(data=data, out=out, embedder=embedder, seed=seed, tolerance=tolerance, options=options,
                       adversarial=adversarial, oos_label=settings.oos_label, batch_size=cfg.batch_size,
                       cache_dir=cache_dir, redact=redactor, redaction=redaction)
    for name in ("round1", "round2"):
        if name not in summary:
            continue
        result = summary[name]
        table = Table(title=f"{name}: {result['decision']} ({result['current']} -> {result['candidate']})")
        for column in ("held-out metric", "current (base only)", "candidate", "change"):
            table.add_column(column, justify="left" if column == "held-out metric" else "right")
        for metric, after in result["after"].items():
            before = result["before"][metric]
            table.add_row(metric, f"{before:.4f}", f"{after:.4f}", f"{after - before:+.4f}")
        console.print(table)
        console.print(f"reason: {result['reason']}")
    console.print(f"feedback rows: {summary['feedback']}; summary in {out / 'summary.json'}")
    typer.echo(json.dumps({k: summary[k] for k in ("split", "feedback", "active_version")}))


if __name__ == "__main__":
    app()
