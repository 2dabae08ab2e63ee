"""Evaluating a saved routing model on a labelled file: accuracy, macro-F1, ECE, abstention, plots."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from models.data import FieldMapping, load_labelled
from models.embedder import Embedder
from models.metrics import abstain_metrics, classification_metrics, reliability_bins
from models.routing_model import RoutingModel

logger = logging.getLogger(__name__)


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
    oos_label = oos_label or str(model.manifest.get("oos_label", "oos"))
    paths = data if isinstance(data, list) else [data]
    rows = [row for path in paths for row in load_labelled(path, mapping)]
    texts = [r.text for r in rows]
    primary = embedder.encode(texts, batch_size=batch_size, show_progress=show_progress)
    dense = model.dense_features(texts, primary)
    topic_out, urgency_out = model.predict_outputs(texts, dense)
    labels = model.topic.labels
    pred = [labels[i] for i in topic_out.probabilities.argmax(axis=1)]
    conf = topic_out.probabilities.max(axis=1)
    abstained = np.array([r is not None for r in model.abstain_reasons(topic_out, dense)])
    is_oos = np.array([r.topic == oos_label for r in rows])
    in_idx = np.flatnonzero(~is_oos)
    truth = [rows[i].topic for i in in_idx]
    in_pred = [pred[i] for i in in_idx]
    correct = np.array([p == t for p, t in zip(in_pred, truth, strict=True)])
    result: dict[str, Any] = {
        "data": ", ".join(str(p) for p in paths),
        "model_version": model.version,
        "rows": len(rows),
        "topic": classification_metrics(truth, in_pred, conf[in_idx]),
        "reliability": reliability_bins(conf[in_idx], correct),
        "abstain": abstain_metrics(in_scope_abstained=abstained[in_idx], in_scope_correct=correct,
                                   oos_abstained=abstained[is_oos]),
        "unknown_labels": sorted({t for t in truth} - set(labels)),
        "confusion": {"labels": labels, "matrix": _confusion(truth, in_pred, labels)},
    }
    if urgency_out is not None and model.urgency is not None:
        u_idx = [i for i in in_idx if rows[i].urgency]
        if u_idx:
            u_pred = [model.urgency.labels[j] for j in urgency_out.probabilities[u_idx].argmax(axis=1)]
            result["urgency"] = classification_metrics([str(rows[i].urgency) for i in u_idx], u_pred,
                                                       urgency_out.probabilities[u_idx].max(axis=1))
    return result


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
