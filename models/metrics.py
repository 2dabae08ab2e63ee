"""Classification and calibration metrics shared by training, evaluation and reports."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import accuracy_score, classification_report, f1_score


def expected_calibration_error(
    confidences: npt.NDArray[np.float64], correct: npt.NDArray[np.bool_], *, bins: int = 15
) -> float:
    """ECE with equal-width confidence bins (Guo et al. 2017)."""
    if confidences.size == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    ids = np.clip(np.digitize(confidences, edges[1:-1], right=True), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = ids == b
        if mask.any():
            total += mask.mean() * abs(float(correct[mask].mean()) - float(confidences[mask].mean()))
    return float(total)


def reliability_bins(
    confidences: npt.NDArray[np.float64], correct: npt.NDArray[np.bool_], *, bins: int = 15
) -> list[dict[str, float]]:
    edges = np.linspace(0.0, 1.0, bins + 1)
    ids = np.clip(np.digitize(confidences, edges[1:-1], right=True), 0, bins - 1)
    out = []
    for b in range(bins):
        mask = ids == b
        out.append({
            "lower": float(edges[b]), "upper": float(edges[b + 1]), "count": int(mask.sum()),
            "confidence": float(confidences[mask].mean()) if mask.any() else 0.0,
            "accuracy": float(correct[mask].mean()) if mask.any() else 0.0,
        })
    return out


def classification_metrics(
    y_true: list[str], y_pred: list[str], confidences: npt.NDArray[np.float64]
) -> dict[str, Any]:
    correct = np.array([t == p for t, p in zip(y_true, y_pred, strict=True)])
    labels = sorted(set(y_true) | set(y_pred))
    report = classification_report(y_true, y_pred, labels=labels, output_dict=True, zero_division=0)
    return {
        "n": len(y_true),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(f1_score(y_true, y_pred, average="macro", labels=sorted(set(y_true)), zero_division=0)),
        "ece": expected_calibration_error(confidences, correct),
        "per_class": {label: {k: float(v) for k, v in report[label].items()} for label in labels},
    }


def abstain_metrics(
    *, in_scope_abstained: npt.NDArray[np.bool_], in_scope_correct: npt.NDArray[np.bool_],
    oos_abstained: npt.NDArray[np.bool_],
) -> dict[str, float]:
    """In-scope accuracy (top-1, abstentions ignored), false-reject rate, out-of-scope recall."""
    n_in = in_scope_abstained.size
    kept = ~in_scope_abstained
    return {
        "in_scope_accuracy": float(in_scope_correct.mean()) if n_in else 0.0,
        "false_reject_rate": float(in_scope_abstained.mean()) if n_in else 0.0,
        "accepted_accuracy": float(in_scope_correct[kept].mean()) if kept.any() else 0.0,
        "oos_recall": float(oos_abstained.mean()) if oos_abstained.size else 0.0,
        "n_in_scope": float(n_in),
        "n_oos": float(oos_abstained.size),
    }
