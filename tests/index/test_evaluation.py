from __future__ import annotations

import pytest

from index.evaluation import evaluate_retrieval
from models.embedding.hashing import HashingEmbedder
from models.errors import InvalidInputError
from tests.index.conftest import make_cases


def test_evaluate_retrieval_reports_every_mode(embedder: HashingEmbedder) -> None:
    cases = make_cases(200)
    report = evaluate_retrieval(
        texts=[c.text for c in cases],
        labels=[c.topic or "" for c in cases],
        embedder=embedder,
        weights=(0.5, 0.8),
        rrf_ks=(20, 60),
    )
    assert report.n_queries == 20 and report.n_indexed == 180
    assert set(report.metrics) == {"dense", "lexical", "hybrid"}
    for values in report.metrics.values():
        assert set(values) == {"hit@1", "hit@5", "hit@10", "mrr"}
        assert 0.0 <= values["hit@1"] <= values["hit@5"] <= values["hit@10"] <= 1.0
    assert report.metrics["lexical"]["hit@1"] > 0.9  # topic words make the synthetic task easy
    assert report.dense_weight in (0.5, 0.8) and report.rrf_k in (20, 60)
    assert len(report.validation) == 4 + 2


def test_evaluate_retrieval_validates_input(embedder: HashingEmbedder) -> None:
    with pytest.raises(InvalidInputError):
        evaluate_retrieval(texts=["a"], labels=[], embedder=embedder)
    with pytest.raises(InvalidInputError, match="search mode"):
        evaluate_retrieval(texts=["a b", "c d"], labels=["x", "y"], embedder=embedder, modes=("fuzzy",))
