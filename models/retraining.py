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
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from models.atomic import atomic_write_json, atomic_write_text
from models.background import BACKGROUND_NOTE
from models.classifier import HeadConfig
from models.data import (
    FieldMapping,
    LabelledText,
    check_fields,
    get_field,
    iter_records,
    label_counts,
    stratified_split,
)
from models.embedding.base import Embedder
from models.errors import InvalidInputError
from models.evaluation import ScoredRows, score_rows, summarize
from models.registry import EvalSet, ModelRegistry
from models.routing_heads import RoutingModel, read_manifest
from models.routing_policy import RoutingPolicy
from models.text import ticket_text
from models.training import TrainOptions, apply_urgency_vocabulary, files_sha256, train_routing_model

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
    eval_source: str  # "frozen" (the registry's evaluation set), "file" (--eval-data) or "split"
    checks: list[GateCheck]
    candidate_metrics: dict[str, Any]
    current_metrics: dict[str, Any] | None
    counts: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    command: str | None = None
    seconds: float = 0.0
    current_basis: str = "active model"  # or "active recipe refit" (the active model trained on the eval rows)
    eval_set: dict[str, Any] | None = None  # the frozen set's manifest, when the gate used it

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
            "current_basis": self.current_basis, "eval_set": self.eval_set,
        }

    def to_markdown(self) -> str:
        lines = [f"# Retrain report: candidate {self.candidate_version}", "",
                 f"- Decision: **{self.decision}** ({self.reason})",
                 f"- Current model: {self.current_version or 'none'} (compared as: {self.current_basis})",
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
    segment = manifest.get("segment_head")  # a key set to null: trained without one; no key: before segment heads
    return replace(
        defaults,
        oos_label=str(manifest.get("oos_label") or defaults.oos_label),
        seed=int(training.get("seed", defaults.seed)),
        val_size=float(training.get("val_size", defaults.val_size)),
        max_false_reject=float(training.get("max_false_reject", defaults.max_false_reject)),
        target_accuracy=float(training.get("target_accuracy", defaults.target_accuracy)),
        background=bool(training.get("background", defaults.background)),
        head=HeadConfig.from_dict(manifest["topic"]["config"]) if manifest.get("topic", {}).get("config")
        else defaults.head,
        urgency_head=HeadConfig.from_dict(urgency["config"]) if urgency.get("config") else defaults.urgency_head,
        aux_embedders=tuple(str(a["id"]) for a in manifest.get("aux_embedders", [])),
        segment_head=segment is not None if "segment_head" in manifest else defaults.segment_head,
        segment_head_c=float(segment["c"]) if segment else defaults.segment_head_c,
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
         oos_miss_weight: float = 3.0, topic_max_drop: float | None = 0.10,
         topic_min_rows: int = 10, abstention_se: float = 0.0) -> list[GateCheck]:
    """Compare two `evaluate_model` results on the same rows.

    Gated: topic accuracy and macro-F1; urgency accuracy when both models have an urgency head; with
    out-of-scope rows, the abstention cost (`abstention_cost`: a missed out-of-scope ticket counts
    `oos_miss_weight` times a false reject). A metric may get worse by at most `tolerance`, or by one row's
    worth (1/n) where that is larger: smaller differences cannot be told apart. Per topic with at least
    `topic_min_rows` held-out rows, its F1 may drop by at most `topic_max_drop` (or one row's worth); None turns
    the per-topic checks off. The abstention cost may also rise by two paired standard errors (`abstention_se`,
    from the per-row costs of both models, `paired_cost_se`): both models spend the same reject budget through
    quantile thresholds, so its moves within that are noise. Per topic F1, not recall: a model that sends most
    billing tickets to refunds has a high refunds recall; the corrected one gives up a little of it for far
    better precision, which recall ignores.
    """
    specs: list[tuple[str, float, float, bool, int, float]] = [
        ("topic accuracy", current["topic"]["accuracy"], candidate["topic"]["accuracy"], True,
         candidate["topic"]["n"], tolerance),
        ("topic macro-F1", current["topic"]["macro_f1"], candidate["topic"]["macro_f1"], True,
         candidate["topic"]["n"], tolerance),
    ]
    if "urgency" in current and "urgency" in candidate:
        specs.append(("urgency accuracy", current["urgency"]["accuracy"], candidate["urgency"]["accuracy"], True,
                      candidate["urgency"]["n"], tolerance))
    n_oos = int(candidate["abstain"]["n_oos"])
    if n_oos:
        n_all = n_oos + int(candidate["abstain"]["n_in_scope"])
        specs.append((f"abstention cost (oos miss x{oos_miss_weight:g} + false reject)",
                      abstention_cost(current, oos_miss_weight=oos_miss_weight),
                      abstention_cost(candidate, oos_miss_weight=oos_miss_weight), False, n_all,
                      max(tolerance, 2.0 * abstention_se)))
    if topic_max_drop is not None:
        cur_classes = current["topic"].get("per_class", {})
        cand_classes = candidate["topic"].get("per_class", {})
        for label in sorted(cand_classes):
            support = int(cand_classes[label].get("support", 0))
            if support < max(1, topic_min_rows):
                continue
            before = float(cur_classes.get(label, {}).get("f1-score", 0.0))
            specs.append((f"F1 of topic {label} ({support} rows)", before, float(cand_classes[label]["f1-score"]),
                          True, support, topic_max_drop))
    checks = []
    for name, cur, cand, higher, n, limit in specs:
        allowed = max(limit, 1.0 / max(1, n))
        worse = (cur - cand) if higher else (cand - cur)
        checks.append(GateCheck(metric=name, current=float(cur), candidate=float(cand), higher_is_better=higher,
                                allowed_drop=allowed, passed=worse <= allowed + 1e-12))
    return checks


def paired_cost_se(current: ScoredRows, candidate: ScoredRows, *, oos_miss_weight: float) -> float:
    """Standard error of the mean per-row difference in abstention cost (a let-through out-of-scope row costs
    `oos_miss_weight`, an in-scope row sent to triage 1) between two models on the same rows."""
    def cost(scored: ScoredRows) -> np.ndarray:
        return np.where(scored.is_oos, oos_miss_weight * ~scored.abstained, 1.0 * scored.abstained)

    diff = cost(candidate) - cost(current)
    return float(diff.std(ddof=1) / np.sqrt(diff.size)) if diff.size > 1 else 0.0


def _split(rows: list[TicketRow], *, holdout: float, seed: int) -> tuple[list[TicketRow], list[TicketRow]]:
    train_idx, eval_idx = stratified_split([r.topic for r in rows], test_size=holdout, seed=seed)
    return [rows[i] for i in train_idx], [rows[i] for i in eval_idx]


# -- the frozen evaluation set ----------------------------------------------------------------------
def _row_dict(row: TicketRow) -> dict[str, Any]:
    return {"id": row.id, "subject": row.subject, "body": row.body, "topic": row.topic, "urgency": row.urgency}


def eval_set_rows(eval_set: EvalSet) -> list[TicketRow]:
    """The frozen set's rows as tickets."""
    return [TicketRow(id=r.get("id"), subject=r.get("subject"), body=str(r.get("body") or ""),
                      topic=str(r["topic"]), urgency=r.get("urgency"), source="eval-set") for r in eval_set.rows]


def carve_eval_set(registry: ModelRegistry, rows: Sequence[TicketRow], *, share: float, seed: int, source: str,
                   reason: str) -> EvalSet:
    """Carve a seeded, topic-stratified `share` of `rows` and store it as the registry's frozen evaluation set."""
    if not 0.0 < share < 1.0:
        raise InvalidInputError("the evaluation-set share must be between 0 and 1")
    _, held = _split(list(rows), holdout=share, seed=seed)
    if not held:
        raise InvalidInputError("too few rows to carve an evaluation set (each topic needs at least two rows)")
    return registry.write_eval_set([_row_dict(r) for r in held], source=source, seed=seed, share=share,
                                   reason=reason)


def redacted_row(row: TicketRow, redact: Callable[[str], str]) -> TicketRow:
    """The row with its subject and body redacted (ids and labels kept: merging and the gate match on them)."""
    return replace(row, subject=redact(row.subject) if row.subject else row.subject, body=redact(row.body))


def read_merged(*, data: Sequence[Path], feedback: Sequence[Path], mapping: FieldMapping, id_field: str,
                named_fields: Sequence[str] = (), redact: Callable[[str], str] | None = None,
                ) -> tuple[list[TicketRow], list[TicketRow], MergeStats]:
    """Base rows, merged rows (base + feedback) and merge counts; a field named by a flag must exist. `redact`:
    applied to every row's subject and body as it is read, so neither a model nor the frozen evaluation set carved
    from these rows keeps personal data."""
    for path in [*data, *feedback]:
        check_fields(path, mapping, named_fields)
    base = [r for path in data for r in read_ticket_rows(path, mapping, id_field=id_field, source="base")]
    fb = [r for path in feedback for r in read_ticket_rows(path, mapping, id_field=id_field, source="feedback")]
    if redact is not None:
        base, fb = [redacted_row(r, redact) for r in base], [redacted_row(r, redact) for r in fb]
    merged, stats = merge_feedback(base, fb)
    return base, merged, stats


def refresh_eval_set(*, registry: ModelRegistry, data: Sequence[Path], feedback: Sequence[Path] = (),
                     mapping: FieldMapping = FieldMapping(), id_field: str = "id", share: float = 0.2,
                     seed: int = 13, redact: Callable[[str], str] | None = None) -> EvalSet:
    """`deskmate eval-set refresh`: carve a new frozen set from base + feedback rows, replacing the old one.

    Every registered model may have trained on rows of the new set: the next gate compares the candidate with
    the active model's recipe refit without them (see `retrain`)."""
    if not data:
        raise InvalidInputError("carving an evaluation set needs at least one --data file")
    _, merged, _ = read_merged(data=data, feedback=feedback, mapping=mapping, id_field=id_field, redact=redact)
    source = ", ".join(str(p) for p in [*data, *feedback])
    return carve_eval_set(registry, merged, share=share, seed=seed, source=source, reason="explicit refresh")


def _trained_without(manifest: dict[str, Any], eval_set: EvalSet) -> bool:
    return bool((manifest.get("eval_set") or {}).get("sha256") == eval_set.sha256)


def _exclude(rows: Sequence[TicketRow], held: Sequence[TicketRow]) -> list[TicketRow]:
    held_ids = {r.id for r in held if r.id is not None}
    held_texts = {r.text for r in held}
    return [r for r in rows if (r.id is None or r.id not in held_ids) and r.text not in held_texts]


def _labelled(rows: Sequence[TicketRow], policy: RoutingPolicy | None, where: str) -> list[LabelledText]:
    labelled, _ = apply_urgency_vocabulary([r.labelled() for r in rows], policy, where=where)
    return labelled


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
    topic_max_drop: float | None = 0.10,
    topic_min_rows: int = 10,
    frozen: bool = True,
    dry_run: bool = False,
    options: TrainOptions | None = None,
    cache_dir: Path | None = None,
    batch_size: int = 64,
    command: str | None = None,
    show_progress: bool = False,
    policy: RoutingPolicy | None = None,
    named_fields: Sequence[str] = (),
    redact: Callable[[str], str] | None = None,
    redaction: dict[str, Any] | None = None,
) -> RetrainReport:
    """Train a candidate on base + feedback, gate it against the active model, promote it if it passes.

    `options` None reuses the active model's recipe (defaults when there is none). The candidate is always
    registered (so a rejected one can be inspected); it becomes active only when the gate passes and not
    `dry_run`. Held-out rows: `eval_data` when given; else the registry's frozen evaluation set (carved from
    the merged rows, a seeded stratified `holdout` share, on first use), which no candidate trains on; with
    `frozen=False`, a fresh split of the merged rows (biased towards the active model, which may have trained
    on them). When the active model was not trained without the frozen set (its manifest lacks the set's hash:
    trained before the set was carved, or by `deskmate train`), the gate compares the candidate with the active
    model's recipe refit on the base rows without the frozen ones: its scores on rows it trained on say nothing.
    """
    started = time.perf_counter()
    if not data:
        raise InvalidInputError("retrain needs at least one --data file")
    if not 0.0 <= tolerance < 1.0:
        raise InvalidInputError("tolerance must be in [0, 1)")
    base, merged, stats = read_merged(data=data, feedback=feedback, mapping=mapping, id_field=id_field,
                                      named_fields=named_fields, redact=redact)
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
    eval_set: EvalSet | None = None
    if eval_data:
        eval_rows = [r for path in eval_data for r in read_ticket_rows(path, mapping, id_field=id_field,
                                                                        source="eval")]
        eval_rows = [redacted_row(r, redact) for r in eval_rows] if redact is not None else eval_rows
        train_rows = _exclude(merged, eval_rows)
        eval_source = "file"
    elif frozen:
        eval_set = registry.eval_set()
        if eval_set is None:
            eval_set = carve_eval_set(registry, merged, share=holdout, seed=seed,
                                      source=", ".join(str(p) for p in [*data, *feedback]),
                                      reason="first retrain")
            notes.append(f"carved the frozen evaluation set: {eval_set.manifest['rows']} rows "
                         f"({holdout:g} of the merged rows, seed {seed}), stored in {eval_set.path}")
        eval_rows = eval_set_rows(eval_set)
        if redact is not None:  # a set carved before training redacted: the same text as the rows it is matched with
            eval_rows = [redacted_row(r, redact) for r in eval_rows]
        train_rows = _exclude(merged, eval_rows)
        eval_source = "frozen"
    else:
        train_rows, eval_rows = _split(merged, holdout=holdout, seed=seed)
        eval_source = "split"
        if current is not None:
            notes.append(SPLIT_BIAS_NOTE)
    if not eval_rows:
        raise InvalidInputError("no held-out rows to evaluate on (check --eval-data or --holdout)")
    where_data = ", ".join(str(p) for p in [*data, *feedback])

    model, train_metrics = train_routing_model(rows=_labelled(train_rows, policy, where_data), embedder=embedder,
                                               options=options, show_progress=show_progress)
    if "background" in train_metrics:
        notes.append(BACKGROUND_NOTE)
    inputs = [*data, *feedback]
    extra = {
        "metrics": train_metrics,
        "oos_label": options.oos_label,
        "data": {"path": ", ".join(str(p) for p in inputs), "sha256": files_sha256(list(inputs)),
                 "rows": len(train_rows), "mapping": {k: getattr(mapping, k) for k in mapping.__slots__}},
        "training": {"seed": options.seed, "val_size": options.val_size, "test_size": options.test_size,
                     "max_false_reject": options.max_false_reject, "target_accuracy": options.target_accuracy,
                     "abstain_background": "background" in train_metrics, "background": options.background},
        "retrain": {"parent": current.version if current is not None else None,
                    "base": [str(p) for p in data], "feedback": [str(p) for p in feedback],
                    "eval": [str(p) for p in eval_data] or (f"frozen evaluation set {eval_set.sha256[:12]}"
                                                            if eval_set is not None
                                                            else f"split {holdout} seed {seed}"),
                    "merge": asdict(stats), "topics": label_counts([r.topic for r in train_rows])},
        "command": command,
        "redaction": redaction if redact is not None else None,
    }
    if eval_set is not None:
        extra["eval_set"] = {"sha256": eval_set.sha256, "rows": len(eval_rows)}
    version = _register(registry, model, extra, command)
    candidate_dir = registry.version_dir(version)
    model.manifest = read_manifest(candidate_dir)

    reference: RoutingModel | None = current
    current_basis = "active model" if current is not None else "none"
    if current is not None and eval_set is not None and not _trained_without(current.manifest, eval_set):
        ref_rows = _exclude(base, eval_rows)
        reference, _ = train_routing_model(rows=_labelled(ref_rows, policy, where_data), embedder=embedder,
                                           options=options, show_progress=show_progress)
        current_basis = "active recipe refit"
        notes.append(f"the active model {current.version} was not trained without the frozen evaluation set, so "
                     f"its scores on it would be inflated: the gate compares the candidate with the active "
                     f"model's recipe refit on the {len(ref_rows)} base rows outside the set (no feedback)")
    if reference is not None:  # the auxiliary embedders loaded for training serve the current model too
        loaded = {aux.model_id: aux for aux in model.aux_embedders}
        reference.aux_embedders = [loaded.get(aux.model_id, aux) for aux in reference.aux_embedders]

    held = _labelled(eval_rows, policy, "the held-out rows")
    texts = [r.text for r in held]
    primary = embedder.encode(texts, batch_size=batch_size, show_progress=show_progress)  # once for both models
    where = {"split": "held-out split of the merged rows", "file": ", ".join(map(str, eval_data)),
             "frozen": f"frozen evaluation set {eval_set.sha256[:12] if eval_set else ''}"}[eval_source]
    dense = model.dense_features(texts, primary)
    candidate_scored = score_rows(model=model, embedder=embedder, rows=held, oos_label=options.oos_label,
                                  dense=dense)
    candidate_metrics = summarize(candidate_scored, model, data=where)
    current_metrics = None
    abstention_se = 0.0
    if reference is not None:
        same_features = [a.model_id for a in reference.aux_embedders] == [a.model_id for a in model.aux_embedders]
        current_scored = score_rows(model=reference, embedder=embedder, rows=held, oos_label=options.oos_label,
                                    dense=dense if same_features else reference.dense_features(texts, primary))
        current_metrics = summarize(current_scored, reference, data=where)
        abstention_se = paired_cost_se(current_scored, candidate_scored, oos_miss_weight=oos_miss_weight)

    if current_metrics is None:
        checks: list[GateCheck] = []
        passed, reason = True, "no current model to compare with"
    else:
        checks = gate(current_metrics, candidate_metrics, tolerance=tolerance, oos_miss_weight=oos_miss_weight,
                      topic_max_drop=topic_max_drop, topic_min_rows=topic_min_rows, abstention_se=abstention_se)
        failed = [c for c in checks if not c.passed]
        passed = not failed
        reason = ("no gated metric is worse than the current model by more than its allowed drop" if passed else
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
        command=command, seconds=time.perf_counter() - started, current_basis=current_basis,
        eval_set=dict(eval_set.manifest) if eval_set is not None else None)
    atomic_write_json(candidate_dir / REPORT_JSON, report.to_dict(), indent=2)
    atomic_write_text(candidate_dir / REPORT_MD, report.to_markdown())
    if report.promoted:
        registry.promote(version, reason=f"retrain gate passed: {reason}")
    registry.prune()
    logger.info("retrain finished", extra={"candidate": version, "decision": decision, "reason": reason})
    return report


def _register(registry: ModelRegistry, model: RoutingModel, extra: dict[str, Any], command: str | None) -> str:
    staging_root = registry.root / "staging"
    staging_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="candidate-", dir=staging_root))
    try:
        model.save(staging / "model", extra_manifest=extra)
        if command:
            (staging / "model" / "command.txt").write_text(command + "\n")
        return registry.register(staging / "model", move=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def read_report(model_dir: Path) -> dict[str, Any] | None:
    """The retrain report stored beside a registered model, if it has one."""
    path = model_dir / REPORT_JSON
    if not path.is_file():
        return None
    report: dict[str, Any] = json.loads(path.read_text())
    return report
