from __future__ import annotations

import itertools

import numpy as np
import pytest

from models.coverage import best_threshold_for_accuracy, coverage_curve, point
from models.errors import InvalidInputError


def test_curve_trades_coverage_for_accuracy() -> None:
    rng = np.random.default_rng(0)
    scores = rng.random(500)
    correct = rng.random(500) < scores  # higher score, more often right
    curve = coverage_curve(scores, correct, points=51)
    coverages = [p["coverage"] for p in curve]
    assert coverages[0] == 1.0 and curve[0]["threshold"] is None
    assert all(a >= b for a, b in itertools.pairwise(coverages))  # type: ignore[operator]
    thresholds = [p["threshold"] for p in curve[1:]]
    assert thresholds == sorted(thresholds)  # type: ignore[type-var]
    assert curve[0]["accuracy"] == pytest.approx(correct.mean())
    assert curve[-1]["accuracy"] is not None and curve[-1]["accuracy"] > curve[0]["accuracy"]  # type: ignore[operator]
    assert 0 < (curve[-1]["coverage"] or 0) <= 0.03


def test_point_counts_out_of_scope_rows_as_errors() -> None:
    accepted = np.array([True, True, False, True, False])
    correct = np.array([True, False, False, False, False])
    is_oos = np.array([False, False, False, True, True])
    p = point(accepted, correct, is_oos, threshold=0.5)
    assert p["coverage"] == pytest.approx(0.6) and p["accuracy"] == pytest.approx(1 / 3)
    assert p["in_scope_coverage"] == pytest.approx(2 / 3) and p["oos_recall"] == pytest.approx(0.5)
    assert "oos_recall" not in point(accepted, correct)
    assert point(np.zeros(2, dtype=bool), np.ones(2, dtype=bool))["accuracy"] is None


def test_best_threshold_and_bad_input() -> None:
    scores = np.array([0.1, 0.2, 0.8, 0.9])
    correct = np.array([False, False, True, True])
    best = best_threshold_for_accuracy(coverage_curve(scores, correct), 1.0)
    assert best is not None and best["coverage"] == 0.5 and best["threshold"] == pytest.approx(0.8)
    assert best_threshold_for_accuracy(coverage_curve(scores, np.zeros(4, dtype=bool)), 0.5) is None
    assert coverage_curve(np.array([]), np.array([], dtype=bool)) == []
    with pytest.raises(InvalidInputError, match="same length"):
        coverage_curve(scores, correct[:2])
    with pytest.raises(InvalidInputError, match="finite"):
        coverage_curve(np.array([np.nan, 1.0]), np.array([True, False]))
