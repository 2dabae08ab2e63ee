from __future__ import annotations

import numpy as np

from models.embedding.hashing import HashingEmbedder
from models.evaluation import evaluate_rows, score_rows, summarize
from models.routing_heads import RoutingModel
from tests.conftest import synthetic_rows


def test_scored_rows_match_the_model_and_summaries(trained_model: RoutingModel, embedder: HashingEmbedder) -> None:
    rows = synthetic_rows(seed=21)
    scored = score_rows(model=trained_model, embedder=embedder, rows=rows, oos_label="oos")
    assert scored.is_oos.sum() == 20 and len(scored.predicted) == len(rows)
    assert not scored.correct[scored.is_oos].any()  # an out-of-scope row is never routed correctly
    assert scored.correct[~scored.is_oos].mean() > 0.8
    assert np.all((scored.confidence > 0) & (scored.confidence <= 1))
    assert scored.in_scope_score is not None and scored.in_scope_score.shape == (len(rows),)
    # out-of-scope rows score lower on the in-scope score than in-scope rows on average
    assert scored.in_scope_score[scored.is_oos].mean() < scored.in_scope_score[~scored.is_oos].mean()
    predictions = trained_model.predict([r.text for r in rows], embedder.encode([r.text for r in rows]))
    assert [p.topic.label for p in predictions] == scored.predicted
    assert [p.abstain_reason is not None for p in predictions] == scored.abstained.tolist()

    result = summarize(scored, trained_model, data="synthetic")
    assert result["data"] == "synthetic" and result["rows"] == len(rows)
    assert result["abstain"]["n_oos"] == 20
    assert sum(map(sum, result["confusion"]["matrix"])) == len(rows) - 20


def test_precomputed_features_give_the_same_metrics(trained_model: RoutingModel, embedder: HashingEmbedder) -> None:
    rows = synthetic_rows(seed=22)
    texts = [r.text for r in rows]
    dense = trained_model.dense_features(texts, embedder.encode(texts))
    plain = evaluate_rows(model=trained_model, embedder=embedder, rows=rows)
    cached = evaluate_rows(model=trained_model, embedder=embedder, rows=rows, dense=dense)
    assert plain == cached and plain["topic"]["accuracy"] > 0.8
