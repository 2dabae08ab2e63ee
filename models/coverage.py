"""Accuracy against coverage when a score threshold decides which tickets are routed automatically.

Rows whose score is at or above the threshold are accepted (routed); the rest go to a human. Out-of-scope rows
are never correct, so accepting them costs accuracy; with out-of-scope rows present each point also says which
share of them the threshold catches. Sweeping the threshold gives the curve a team reads to pick its own.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from models.errors import InvalidInputError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def point(accepted: BoolArray, correct: BoolArray, is_oos: BoolArray | None = None,
          *, threshold: float | None = None) -> dict[str, float | None]:
    """Coverage (share of all rows accepted), accuracy of the accepted rows, and, with out-of-scope rows,
    the in-scope coverage and the share of out-of-scope rows rejected (oos recall)."""
    if accepted.shape != correct.shape:
        raise InvalidInputError("accepted and correct flags must have the same length")
    n_kept = int(accepted.sum())
    out: dict[str, float | None] = {
        "threshold": threshold,
        "coverage": float(accepted.mean()) if accepted.size else 0.0,
        "accuracy": float(correct[accepted].mean()) if n_kept else None,
        "accepted": float(n_kept),
    }
    if is_oos is not None and is_oos.any():
        inside = ~is_oos
        out["in_scope_coverage"] = float(accepted[inside].mean()) if inside.any() else 0.0
        out["oos_recall"] = float((~accepted[is_oos]).mean())
    return out


def coverage_curve(scores: FloatArray, correct: BoolArray, is_oos: BoolArray | None = None,
                   *, points: int = 101) -> list[dict[str, float | None]]:
    """One point per threshold, thresholds ascending (so coverage never increases along the list).

    Thresholds are the distinct `points` quantiles of the scores (observed values), after a first point that
    accepts every row.
    """
    scores = np.asarray(scores, dtype=np.float64)
    if scores.shape != correct.shape:
        raise InvalidInputError("scores and correct flags must have the same length")
    if scores.size == 0:
        return []
    if not np.isfinite(scores).all():
        raise InvalidInputError("scores must be finite")
    thresholds = np.unique(np.quantile(scores, np.linspace(0.0, 1.0, max(2, points)), method="lower"))
    curve = [point(np.ones(scores.size, dtype=bool), correct, is_oos, threshold=None)]
    curve += [point(scores >= t, correct, is_oos, threshold=float(t)) for t in thresholds]
    return curve


def best_threshold_for_accuracy(curve: list[dict[str, float | None]], target: float) -> dict[str, float | None] | None:
    """The point with the highest coverage whose accuracy reaches `target` (None if no point does)."""
    reaching = [p for p in curve if p["accuracy"] is not None and p["accuracy"] >= target]
    return max(reaching, key=lambda p: p["coverage"] or 0.0) if reaching else None
