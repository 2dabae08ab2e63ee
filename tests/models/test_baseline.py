from __future__ import annotations

import numpy as np
import pytest

from models.baseline import BaselineOptions, TfidfSvm, fit_baseline, tfidf_neighbour_hits
from models.errors import InvalidInputError
from tests.conftest import synthetic_rows


def _split() -> tuple[list[str], list[str], list[str], list[str]]:
    train = [r for r in synthetic_rows(seed=1) if r.topic != "oos"]
    test = [r for r in synthetic_rows(seed=2) if r.topic != "oos"]
    return [r.text for r in train], [r.topic for r in train], [r.text for r in test], [r.topic for r in test]


def test_tuned_baseline_learns_topics_and_records_the_sweep() -> None:
    texts, labels, t_texts, t_labels = _split()
    model, info = fit_baseline(texts, labels, options=BaselineOptions(c_grid=(0.01, 1.0)))
    pred, scores = model.predict(t_texts)
    assert np.mean([p == t for p, t in zip(pred, t_labels, strict=True)]) > 0.9
    assert set(info["c_sweep"]) == {"0.01", "1"} and info["c_tuned"] and model.C in (0.01, 1.0)
    assert model.min_score is None and not model.abstains(scores).any()
    assert model.labels == sorted(set(labels)) and scores.shape == (len(t_texts),)


def test_fixed_c_and_abstain_threshold_reject_out_of_scope_text() -> None:
    texts, labels, t_texts, _ = _split()
    model, info = fit_baseline(texts, labels, options=BaselineOptions(C=1.0, max_false_reject=0.1), abstain=True)
    assert info["c_sweep"].keys() == {"1"} and not info["c_tuned"] and model.min_score == info["min_score"]
    _, in_scores = model.predict(t_texts)
    _, oos_scores = model.predict(["recipe for banana bread", "who won the football match yesterday"])
    assert model.abstains(in_scores).mean() < 0.3
    assert model.abstains(oos_scores).all()


def test_binary_problem_and_errors() -> None:
    model = TfidfSvm(C=1.0).fit(["card lost", "lost my card", "refund please", "want a refund"],
                                ["card", "card", "refund", "refund"])
    assert model.decision(["card"]).shape == (1, 2) and model.predict(["my card is lost"])[0] == ["card"]
    with pytest.raises(InvalidInputError, match="two labels"):
        TfidfSvm().fit(["a", "b"], ["x", "x"])
    with pytest.raises(InvalidInputError, match="not trained"):
        TfidfSvm().decision(["a"])


def test_tfidf_neighbours_find_same_topic_rows() -> None:
    texts, labels, t_texts, t_labels = _split()
    hits = tfidf_neighbour_hits(texts, labels, t_texts, t_labels, ks=(1, 5))
    assert 0.8 < hits["hit@1"] <= hits["hit@5"] <= 1.0 and 0 < hits["mrr"] <= 1
    wrong = tfidf_neighbour_hits(texts, labels, t_texts, ["none"] * len(t_texts), ks=(1,))
    assert wrong["hit@1"] == 0.0
    with pytest.raises(InvalidInputError, match="indexed rows"):
        tfidf_neighbour_hits([], [], ["a"], ["b"])
