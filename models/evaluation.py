"""Evaluating a saved routing model on a labelled file: accuracy, macro-F1, ECE, abstention, plots."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from models.classifier import HeadOutput, energy, knn_similarity
from models.data import FieldMapping, LabelledText, load_labelled
from models.embedding.base import Embedder, normalize
from models.metrics import abstain_metrics, classification_metrics, reliability_bins
from models.routing_heads import RoutingModel

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class ScoredRows:
    """Per-row outputs of a model on labelled rows: what the report's curves and the summary metrics read."""

    rows: list[LabelledText]
    predicted: list[str]
    confidence: npt.NDArray[np.float64]  # calibrated top probability
    abstained: npt.NDArray[np.bool_]  # the model's own abstain decision (any reason)
    is_oos: npt.NDArray[np.bool_]
    in_scope_score: npt.NDArray[np.float64] | None  # the abstain rule's oos score (energy / knn), if it has one
    topic_out: HeadOutput
    urgency_out: HeadOutput | None

    @property
    def correct(self) -> npt.NDArray[np.bool_]:
        """True where an in-scope row got its topic; out-of-scope rows are never correct."""
        return np.array([not oos and p == r.topic for p, r, oos in zip(self.predicted, self.rows, self.is_oos,
                                                                      strict=True)], dtype=bool)


def score_rows(
    *,
    model: RoutingModel,
    embedder: Embedder,
    rows: list[LabelledText],
    oos_label: str,
    batch_size: int = 64,
    show_progress: bool = False,
    dense: npt.NDArray[np.float32] | None = None,
) -> ScoredRows:
    """Run the model over labelled rows. `dense` (the model's full feature rows, e.g. from a cache) skips embedding."""
    texts = [r.text for r in rows]
    if dense is None:
        primary = embedder.encode(texts, batch_size=batch_size, show_progress=show_progress)
        dense = model.dense_features(texts, primary)
    topic_out, urgency_out = model.predict_outputs(texts, dense)
    labels = model.topic.labels
    score: npt.NDArray[np.float64] | None = None
    if model.abstain.oos_score == "energy":
        score = energy(topic_out.logits)
    elif model.abstain.oos_score == "knn" and model.knn_bank is not None:
        score = knn_similarity(model.knn_bank, normalize(dense))
    return ScoredRows(
        rows=rows, predicted=[labels[i] for i in topic_out.probabilities.argmax(axis=1)],
        confidence=topic_out.probabilities.max(axis=1),
        abstained=np.array([r is not None for r in model.abstain_reasons(topic_out, dense)], dtype=bool),
        is_oos=np.array([r.topic == oos_label for r in rows], dtype=bool), in_scope_score=score,
        topic_out=topic_out, urgency_out=urgency_out,
    )


def summarize(scored: ScoredRows, model: RoutingModel, *, data: str) -> dict[str, Any]:
    """Accuracy, macro-F1, ECE, reliability bins, abstention, confusion matrix (and urgency) of scored rows."""
    rows, labels = scored.rows, model.topic.labels
    in_idx = np.flatnonzero(~scored.is_oos)
    truth = [rows[i].topic for i in in_idx]
    in_pred = [scored.predicted[i] for i in in_idx]
    correct = scored.correct[in_idx]
    conf = scored.confidence
    result: dict[str, Any] = {
        "data": data,
        "model_version": model.version,
        "rows": len(rows),
        "topic": classification_metrics(truth, in_pred, conf[in_idx]),
        "reliability": reliability_bins(conf[in_idx], correct),
        "abstain": abstain_metrics(in_scope_abstained=scored.abstained[in_idx], in_scope_correct=correct,
                                   oos_abstained=scored.abstained[scored.is_oos]),
        "unknown_labels": sorted({t for t in truth} - set(labels)),
        "confusion": {"labels": labels, "matrix": _confusion(truth, in_pred, labels)},
    }
    if scored.urgency_out is not None and model.urgency is not None:
        u_idx = [i for i in in_idx if rows[i].urgency]
        if u_idx:
            probs = scored.urgency_out.probabilities[u_idx]
            u_pred = [model.urgency.labels[j] for j in probs.argmax(axis=1)]
            result["urgency"] = classification_metrics([str(rows[i].urgency) for i in u_idx], u_pred,
                                                       probs.max(axis=1))
    return result


def evaluate_rows(
    *,
    model: RoutingModel,
    embedder: Embedder,
    rows: list[LabelledText],
    oos_label: str | None = None,
    data: str = "",
    batch_size: int = 64,
    show_progress: bool = False,
    dense: npt.NDArray[np.float32] | None = None,
) -> dict[str, Any]:
    """Metrics of `model` on labelled rows. Rows labelled `oos_label` measure abstention."""
    oos_label = oos_label or str(model.manifest.get("oos_label", "oos"))
    scored = score_rows(model=model, embedder=embedder, rows=rows, oos_label=oos_label, batch_size=batch_size,
                        show_progress=show_progress, dense=dense)
    return summarize(scored, model, data=data)


def evaluate_model(
    *,
    model: RoutingModel,
    embedder: Embedder,
    data: Path | list[Path],
    mapping: FieldMapping = FieldMapping(),
    oos_label: str | None = None,
    batch_size: int = 64,
    show_progress: bool = False,
) -> dict[str, Any]:
    """Metrics of `model` on every labelled row of `data`. Rows labelled `oos_label` measure abstention."""
    paths = data if isinstance(data, list) else [data]
    rows = [row for path in paths for row in load_labelled(path, mapping)]
    return evaluate_rows(model=model, embedder=embedder, rows=rows, oos_label=oos_label,
                         data=", ".join(str(p) for p in paths), batch_size=batch_size, show_progress=show_progress)


def _confusion(truth: list[str], pred: list[str], labels: list[str]) -> list[list[int]]:
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for t, p in zip(truth, pred, strict=True):
        if t in index:
            matrix[index[t], index[p]] += 1
    return [[int(v) for v in row] for row in matrix]


def write_plots(result: dict[str, Any], out_dir: Path) -> list[Path]:
    """Confusion matrix and reliability diagram as PNG files (needs matplotlib, the `train` extra)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    labels = result["confusion"]["labels"]
    matrix = np.array(result["confusion"]["matrix"], dtype=float)
    rows = matrix.sum(axis=1, keepdims=True)
    rows[rows == 0] = 1
    size = max(6.0, 0.18 * len(labels) + 3)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(matrix / rows, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=max(4, 10 - len(labels) // 12))
    ax.set_yticks(range(len(labels)), labels, fontsize=max(4, 10 - len(labels) // 12))
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"Confusion matrix (row-normalized), accuracy {result['topic']['accuracy']:.3f}")
    fig.tight_layout()
    path = out_dir / "confusion_matrix.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    written.append(path)

    bins = [b for b in result["reliability"] if b["count"] > 0]
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], marker="o", label="model")
    ax.bar([(b["lower"] + b["upper"]) / 2 for b in bins], [b["count"] / max(1, result["topic"]["n"]) for b in bins],
           width=1 / 15, alpha=0.25, label="share of rows")
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_title(f"Reliability diagram (ECE {result['topic']['ece']:.3f})")
    ax.legend(loc="upper left")
    fig.tight_layout()
    path = out_dir / "reliability_diagram.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    written.append(path)
    return written
