"""Retrain with agent feedback, gate the candidate against the active model, promote or keep.

`retrain()` merges base training files with feedback exports (a feedback row for a ticket id replaces that
ticket's labels: the agent's correction wins), trains a candidate with the active model's recipe, evaluates
candidate and active model on the same held-out rows, and promotes the candidate only when no gated metric
drops by more than the tolerance. The report (JSON + Markdown) is written into the candidate's directory.
`deskmate retrain` (scripts/cli.py) and `scripts/simulate_feedback.py` are the commands over it.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from models.atomic import atomic_write_json, atomic_write_text
from models.classifier import HeadConfig
from models.data import FieldMapping, LabelledText, get_field, iter_records, label_counts, stratified_split
from models.embedding.base import Embedder
from models.errors import InvalidInputError
from models.evaluation import evaluate_rows
from models.registry import ModelRegistry
from models.routing_heads import RoutingModel, read_manifest
from models.text import ticket_text
from models.training import TrainOptions, files_sha256, train_routing_model

logger = logging.getLogger(__name__)

REPORT_JSON = "retrain_report.json"
REPORT_MD = "retrain_report.md"
SPLIT_BIAS_NOTE = (
    "The held-out rows were split from the merged data; the current model may have been trained on some of "
    "them, which biases the gate towards keeping it. Pass --eval-data with tickets neither model saw for an "
    "unbiased comparison."
)


@dataclass(frozen=True, slots=True)
class TicketRow:
    """A labelled ticket with its id and raw subject/body (cleaned into `text` the same way training does)."""

    id: str | None
    subject: str | None
    body: str
    topic: str
    urgency: str | None
    source: str  # "base" or "feedback"
    corrected: bool | None = None

    @property
    def text(self) -> str:
        return ticket_text(self.subject, self.body)

    def labelled(self) -> LabelledText:
        return LabelledText(text=self.text, topic=self.topic, urgency=self.urgency)


@dataclass(frozen=True, slots=True)
class MergeStats:
    base_rows: int
    feedback_rows: int
    overridden: int  # base tickets whose row a feedback row replaced
    relabelled: int  # ... of which the topic or urgency changed
    added: int  # feedback tickets not in the base data
    corrected: int  # feedback rows flagged corrected=true by the export


@dataclass(frozen=True, slots=True)
class GateCheck:
    metric: str
    current: float
    candidate: float
    higher_is_better: bool
    allowed_drop: float
    passed: bool

    @property
    def change(self) -> float:
        return self.candidate - self.current


@dataclass(slots=True)
class RetrainReport:
    candidate_version: str
    candidate_dir: Path
    current_version: str | None
    decision: str  # "promoted", "rejected" or "dry-run"
    reason: str
    promoted: bool
    tolerance: float
    eval_source: str  # "file" or "split"
    checks: list[GateCheck]
    candidate_metrics: dict[str, Any]
    current_metrics: dict[str, Any] | None
    counts: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    command: str | None = None
    seconds: float = 0.0

    def per_class_f1(self) -> dict[str, tuple[float | None, float]]:
        """Held-out F1 per topic: (current, candidate)."""
        cand = self.candidate_metrics["topic"]["per_class"]
        cur = (self.current_metrics or {}).get("topic", {}).get("per_class", {})
        return {label: (cur[label]["f1-score"] if label in cur else None, float(row["f1-score"]))
                for label, row in sorted(cand.items())}

    def to_dict(self) -> dict[str, Any]:
        def slim(metrics: dict[str, Any] | None) -> dict[str, Any] | None:
            if metrics is None:
                return None
            return {k: v for k, v in metrics.items() if k not in {"reliability", "confusion"}}

        return {
            "candidate_version": self.candidate_version, "candidate_dir": str(self.candidate_dir),
            "current_version": self.current_version, "decision": self.decision, "reason": self.reason,
            "promoted": self.promoted, "tolerance": self.tolerance, "eval_source": self.eval_source,
            "checks": [{**asdict(c), "change": c.change} for c in self.checks],
            "per_class_f1": {k: {"current": v[0], "candidate": v[1]} for k, v in self.per_class_f1().items()},
            "candidate": slim(self.candidate_metrics), "current": slim(self.current_metrics),
            "counts": self.counts, "notes": self.notes, "command": self.command, "seconds": round(self.seconds, 2),
        }

    def to_markdown(self) -> str:
        lines = [f"# Retrain report: candidate {self.candidate_version}", "",
                 f"- Decision: **{self.decision}** ({self.reason})",
                 f"- Current model: {self.current_version or 'none'}",
                 f"- Held-out rows: {self.counts.get('eval_rows')} ({self.eval_source}); tolerance {self.tolerance}",
                 f"- Training rows: {self.counts.get('train_rows')} (base {self.counts.get('base_rows')}, "
                 f"feedback {self.counts.get('feedback_rows')}, relabelled {self.counts.get('relabelled')})"]
        if self.command:
            lines.append(f"- Command: `{self.command}`")
        lines += ["", "| metric | current | candidate | change | allowed drop | pass |", "|---|---|---|---|---|---|"]
        for c in self.checks:
            lines.append(f"| {c.metric} | {c.current:.4f} | {c.candidate:.4f} | {c.change:+.4f} | "
                         f"{c.allowed_drop:.4f} | {'yes' if c.passed else 'NO'} |")
        lines += ["", "| topic | current F1 | candidate F1 | change |", "|---|---|---|---|"]
        for label, (cur, cand) in self.per_class_f1().items():
            change = "" if cur is None else f"{cand - cur:+.4f}"
            lines.append(f"| {label} | {'' if cur is None else f'{cur:.4f}'} | {cand:.4f} | {change} |")
        lines += ["", *(f"> {note}" for note in self.notes), ""]
        return "\n".join(lines)


# -- reading and merging --------------------------------------------------------------------------
def _text_value(row: dict[str, Any], path: str | None) -> str:
    if not path:
        return ""
    value = get_field(row, path)
    return "" if value is None else str(value)


def read_ticket_rows(path: Path, mapping: FieldMapping, *, id_field: str, source: str) -> list[TicketRow]:
    """Labelled rows of a CSV/JSONL/JSON file with their ticket ids; rows without a topic are skipped."""
    rows: list[TicketRow] = []
    for record in iter_records(path):
        if mapping.text:
            subject, body = None, _text_value(record, mapping.text)
        else:
            subject, body = _text_value(record, mapping.subject), _text_value(record, mapping.body)
        topic = _text_value(record, mapping.topic).strip()
        if not topic:
            continue
        urgency = _text_value(record, mapping.urgency).strip() if mapping.urgency else ""
        raw_id = get_field(record, id_field)
        corrected = record.get("corrected")
        rows.append(TicketRow(id=None if raw_id in (None, "") else str(raw_id), subject=subject or None, body=body,
                              topic=topic, urgency=urgency or None, source=source,
                              corrected=corrected if isinstance(corrected, bool) else None))
    return rows


def merge_feedback(base: Sequence[TicketRow], feedback: Sequence[TicketRow]) -> tuple[list[TicketRow], MergeStats]:
    """Base rows with feedback applied: a feedback row replaces the base row of the same ticket id (its labels
    win; its text too, unless it has none). Later feedback for the same ticket wins over earlier feedback."""
    merged: dict[str, TicketRow] = {}
    for i, row in enumerate(base):
        merged[row.id if row.id is not None else f"\x00base-{i}"] = row
    base_by_id = {row.id: row for row in base if row.id is not None}
    overridden: set[str] = set()
    added = 0
    for i, row in enumerate(feedback):
        key = row.id if row.id is not None else f"\x00feedback-{i}"
        earlier = merged.get(key)
        if earlier is not None and not row.text:
            row = replace(row, subject=earlier.subject, body=earlier.body)
        if not row.text:
            continue
        if row.id is not None and row.id in base_by_id:
            overridden.add(row.id)
        elif earlier is None:
            added += 1
        merged[key] = row
    relabelled = sum(1 for key in overridden
                     if (merged[key].topic, merged[key].urgency) != (base_by_id[key].topic, base_by_id[key].urgency))
    stats = MergeStats(base_rows=len(base), feedback_rows=len(feedback), overridden=len(overridden),
                       relabelled=relabelled, added=added, corrected=sum(1 for r in feedback if r.corrected))
    return [row for row in merged.values() if row.text], stats


def options_from_manifest(manifest: dict[str, Any], defaults: TrainOptions) -> TrainOptions:
    """The training recipe recorded in a model's manifest (heads, auxiliary embedders, abstain tuning)."""
    training = manifest.get("training") or {}
    urgency = manifest.get("urgency") or {}
    return replace(
        defaults,
        oos_label=str(manifest.get("oos_label") or defaults.oos_label),
        seed=int(training.get("seed", defaults.seed)),
        val_size=float(training.get("val_size", defaults.val_size)),
        max_false_reject=float(training.get("max_false_reject", defaults.max_false_reject)),
        target_accuracy=float(training.get("target_accuracy", defaults.target_accuracy)),
        head=HeadConfig.from_dict(manifest["topic"]["config"]) if manifest.get("topic", {}).get("config")
        else defaults.head,
        urgency_head=HeadConfig.from_dict(urgency["config"]) if urgency.get("config") else defaults.urgency_head,
        aux_embedders=tuple(str(a["id"]) for a in manifest.get("aux_embedders", [])),
    )


# -- the gate -------------------------------------------------------------------------------------
def abstention_cost(metrics: dict[str, Any], *, oos_miss_weight: float) -> float:
    """(weight x out-of-scope tickets let through + in-scope tickets sent to triage) / held-out tickets.

    One number for the abstain rule, so that a model that only moves along the trade-off (catching fewer
    out-of-scope tickets but sending far fewer good ones to triage) is judged by what both cost.
    """
    abstain = metrics["abstain"]
    n_oos, n_in = int(abstain["n_oos"]), int(abstain["n_in_scope"])
    missed = (1.0 - float(abstain["oos_recall"])) * n_oos
    false_rejects = float(abstain["false_reject_rate"]) * n_in
    return (oos_miss_weight * missed + false_rejects) / max(1, n_oos + n_in)


def gate(current: dict[str, Any], candidate: dict[str, Any], *, tolerance: float,
         oos_miss_weight: float = 3.0) -> list[GateCheck]:
    """Compare two `evaluate_model` results on the same rows.

    Gated: topic accuracy and macro-F1; urgency accuracy when both models have an urgency head; with
    out-of-scope rows, the abstention cost (`abstention_cost`: a missed out-of-scope ticket counts
    `oos_miss_weight` times a false reject). A metric may get worse by at most `tolerance`, or by one row's
    worth (1/n) where that is larger: smaller differences cannot be told apart.
    """
    specs: list[tuple[str, float, float, bool, int]] = [
        ("topic accuracy", current["topic"]["accuracy"], candidate["topic"]["accuracy"], True,
         candidate["topic"]["n"]),
        ("topic macro-F1", current["topic"]["macro_f1"], candidate["topic"]["macro_f1"], True,
         candidate["topic"]["n"]),
    ]
    if "urgency" in current and "urgency" in candidate:
        specs.append(("urgency accuracy", current["urgency"]["accuracy"], candidate["urgency"]["accuracy"], True,
                      candidate["urgency"]["n"]))
    n_oos = int(candidate["abstain"]["n_oos"])
    if n_oos:
        n_all = n_oos + int(candidate["abstain"]["n_in_scope"])
        specs.append((f"abstention cost (oos miss x{oos_miss_weight:g} + false reject)",
                      abstention_cost(current, oos_miss_weight=oos_miss_weight),
                      abstention_cost(candidate, oos_miss_weight=oos_miss_weight), False, n_all))
    checks = []
    for name, cur, cand, higher, n in specs:
        allowed = max(tolerance, 1.0 / max(1, n))
        worse = (cur - cand) if higher else (cand - cur)
        checks.append(GateCheck(metric=name, current=float(cur), candidate=float(cand), higher_is_better=higher,
                                allowed_drop=allowed, passed=worse <= allowed + 1e-12))
    return checks


def _split(rows: list[TicketRow], *, holdout: float, seed: int) -> tuple[list[TicketRow], list[TicketRow]]:
    train_idx, eval_idx = stratified_split([r.topic for r in rows], test_size=holdout, seed=seed)
    return [rows[i] for i in train_idx], [rows[i] for i in eval_idx]


# -- the whole round ------------------------------------------------------------------------------
def retrain(
    *,
    registry: ModelRegistry,
    embedder: Embedder,
    data: Sequence[Path],
    feedback: Sequence[Path] = (),
    eval_data: Sequence[Path] = (),
    mapping: FieldMapping = FieldMapping(),
    id_field: str = "id",
    oos_label: str = "oos",
    holdout: float = 0.2,
    seed: int = 13,
    tolerance: float = 0.01,
    oos_miss_weight: float = 3.0,
    dry_run: bool = False,
    options: TrainOptions | None = None,
    cache_dir: Path | None = None,
    batch_size: int = 64,
    command: str | None = None,
    show_progress: bool = False,
) -> RetrainReport:
    """Train a candidate on base + feedback, gate it against the active model, promote it if it passes.

    `options` None reuses the active model's recipe (defaults when there is none). The candidate is always
    registered (so a rejected one can be inspected); it becomes active only when the gate passes and not
    `dry_run`. Held-out rows come from `eval_data`, else a seeded stratified `holdout` share of the merged
    rows that the candidate does not train on.
    """
    started = time.perf_counter()
    if not data:
        raise InvalidInputError("retrain needs at least one --data file")
    if not 0.0 <= tolerance < 1.0:
        raise InvalidInputError("tolerance must be in [0, 1)")
    base = [r for path in data for r in read_ticket_rows(path, mapping, id_field=id_field, source="base")]
    fb = [r for path in feedback for r in read_ticket_rows(path, mapping, id_field=id_field, source="feedback")]
    merged, stats = merge_feedback(base, fb)
    logger.info("retrain data merged", extra=asdict(stats))

    current_dir = registry.active_dir()
    current: RoutingModel | None = None
    if current_dir is not None:
        current = RoutingModel.load(current_dir, embedder=embedder)
    if options is None:
        defaults = TrainOptions(oos_label=oos_label)
        options = options_from_manifest(current.manifest, defaults) if current is not None else defaults
    options = replace(options, test_size=0.0, cache_dir=cache_dir, batch_size=batch_size)

    notes: list[str] = []
    if eval_data:
        eval_rows = [r for path in eval_data for r in read_ticket_rows(path, mapping, id_field=id_field,
                                                                        source="eval")]
        held_ids = {r.id for r in eval_rows if r.id is not None}
        held_texts = {r.text for r in eval_rows}
        train_rows = [r for r in merged if r.id not in held_ids and r.text not in held_texts]
        eval_source = "file"
    else:
        train_rows, eval_rows = _split(merged, holdout=holdout, seed=seed)
        eval_source = "split"
        if current is not None:
            notes.append(SPLIT_BIAS_NOTE)
    if not eval_rows:
        raise InvalidInputError("no held-out rows to evaluate on (check --eval-data or --holdout)")

    model, train_metrics = train_routing_model(rows=[r.labelled() for r in train_rows], embedder=embedder,
                                               options=options, show_progress=show_progress)
    inputs = [*data, *feedback]
    extra = {
        "metrics": train_metrics,
        "oos_label": options.oos_label,
        "data": {"path": ", ".join(str(p) for p in inputs), "sha256": files_sha256(list(inputs)),
                 "rows": len(train_rows), "mapping": {k: getattr(mapping, k) for k in mapping.__slots__}},
        "training": {"seed": options.seed, "val_size": options.val_size, "test_size": options.test_size,
                     "max_false_reject": options.max_false_reject, "target_accuracy": options.target_accuracy},
        "retrain": {"parent": current.version if current is not None else None,
                    "base": [str(p) for p in data], "feedback": [str(p) for p in feedback],
                    "eval": [str(p) for p in eval_data] or f"split {holdout} seed {seed}",
                    "merge": asdict(stats), "topics": label_counts([r.topic for r in train_rows])},
        "command": command,
    }
    staging_root = registry.root / "staging"
    staging_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="candidate-", dir=staging_root))
    try:
        model.save(staging / "model", extra_manifest=extra)
        if command:
            (staging / "model" / "command.txt").write_text(command + "\n")
        version = registry.register(staging / "model", move=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    candidate_dir = registry.version_dir(version)
    model.manifest = read_manifest(candidate_dir)
    if current is not None:  # the auxiliary embedders loaded for training serve the current model too
        loaded = {aux.model_id: aux for aux in model.aux_embedders}
        current.aux_embedders = [loaded.get(aux.model_id, aux) for aux in current.aux_embedders]

    held = [r.labelled() for r in eval_rows]
    texts = [r.text for r in held]
    primary = embedder.encode(texts, batch_size=batch_size, show_progress=show_progress)  # once for both models
    where = "held-out split of the merged rows" if eval_source == "split" else ", ".join(map(str, eval_data))
    dense = model.dense_features(texts, primary)
    candidate_metrics = evaluate_rows(model=model, embedder=embedder, rows=held, oos_label=options.oos_label,
                                      data=where, dense=dense)
    current_metrics = None
    if current is not None:
        same_features = [a.model_id for a in current.aux_embedders] == [a.model_id for a in model.aux_embedders]
        current_metrics = evaluate_rows(
            model=current, embedder=embedder, rows=held, oos_label=options.oos_label, data=where,
            dense=dense if same_features else current.dense_features(texts, primary))

    if current_metrics is None:
        checks: list[GateCheck] = []
        passed, reason = True, "no current model to compare with"
    else:
        checks = gate(current_metrics, candidate_metrics, tolerance=tolerance, oos_miss_weight=oos_miss_weight)
        failed = [c for c in checks if not c.passed]
        passed = not failed
        reason = ("no gated metric is worse than the current model by more than the tolerance" if passed else
                  "; ".join(f"{c.metric} {c.current:.4f} -> {c.candidate:.4f} (allowed drop {c.allowed_drop:.4f})"
                            for c in failed))
    decision = "dry-run" if dry_run else ("promoted" if passed else "rejected")
    if dry_run:
        reason = f"dry run, not promoted; the gate {'passes' if passed else 'fails'}: {reason}"
    counts = {**asdict(stats), "merged_rows": len(merged), "train_rows": len(train_rows),
              "eval_rows": len(eval_rows), "eval_oos_rows": int(candidate_metrics["abstain"]["n_oos"])}
    report = RetrainReport(
        candidate_version=version, candidate_dir=candidate_dir,
        current_version=current.version if current is not None else None, decision=decision, reason=reason,
        promoted=passed and not dry_run, tolerance=tolerance, eval_source=eval_source, checks=checks,
        candidate_metrics=candidate_metrics, current_metrics=current_metrics, counts=counts, notes=notes,
        command=command, seconds=time.perf_counter() - started)
    atomic_write_json(candidate_dir / REPORT_JSON, report.to_dict(), indent=2)
    atomic_write_text(candidate_dir / REPORT_MD, report.to_markdown())
    if report.promoted:
        registry.promote(version, reason=f"retrain gate passed: {reason}")
    registry.prune()
    logger.info("retrain finished", extra={"candidate": version, "decision": decision, "reason": reason})
    return report


def read_report(model_dir: Path) -> dict[str, Any] | None:
    """The retrain report stored beside a registered model, if it has one."""
    path = model_dir / REPORT_JSON
    if not path.is_file():
        return None
    report: dict[str, Any] = json.loads(path.read_text())
    return report
