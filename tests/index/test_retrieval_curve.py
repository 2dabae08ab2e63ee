from __future__ import annotations

import itertools

import numpy as np
import pytest

from index.retrieval_curve import hit_at_k_curve
from index.search_index import SearchIndex
from models.embedding.hashing import HashingEmbedder
from models.errors import InvalidInputError
from tests.index.conftest import make_cases


@pytest.fixture()
def small_index() -> SearchIndex:
    embedder = HashingEmbedder(256)
    return SearchIndex.build(cases=make_cases(40), articles=[], embedder=embedder, dedup_threshold=None,
                             index_type="flat")


def test_curve_is_non_decreasing_and_leaves_out_the_query_itself(small_index: SearchIndex) -> None:
    cases = make_cases(40)[:12]
    texts, topics, ids = [c.text for c in cases], [str(c.topic) for c in cases], [c.id for c in cases]
    with_self = hit_at_k_curve(index=small_index, texts=texts, topics=topics, ids=None, max_k=5, mode="dense")
    without_self = hit_at_k_curve(index=small_index, texts=texts, topics=topics, ids=ids, max_k=5, mode="dense")
    assert with_self["hit_at_k"][0] == 1.0  # each query finds itself first
    assert with_self["self_matches_excluded"] == 0
    assert without_self["self_matches_excluded"] == len(cases)
    curve = without_self["hit_at_k"]
    assert len(curve) == 5 and without_self["k"] == [1, 2, 3, 4, 5]
    assert all(a <= b for a, b in itertools.pairwise(curve))
    assert 0.0 < curve[-1] <= 1.0 and without_self["n_queries"] == 12 and without_self["mode"] == "dense"


def test_wrong_topics_never_hit_and_vectors_are_used(small_index: SearchIndex) -> None:
    cases = make_cases(40)[:4]
    texts = [c.text for c in cases]
    vectors = HashingEmbedder(256).encode(texts)
    out = hit_at_k_curve(index=small_index, texts=texts, topics=["nope"] * 4, vectors=vectors, max_k=3)
    assert out["hit_at_k"] == [0.0, 0.0, 0.0] and out["mrr"] == 0.0


def test_bad_arguments_are_refused(small_index: SearchIndex) -> None:
    with pytest.raises(InvalidInputError, match="same length"):
        hit_at_k_curve(index=small_index, texts=["a"], topics=[])
    with pytest.raises(InvalidInputError, match="max_k"):
        hit_at_k_curve(index=small_index, texts=["a"], topics=["b"], max_k=0)
    with pytest.raises(InvalidInputError, match="query vector"):
        hit_at_k_curve(index=small_index, texts=["a"], topics=["b"], vectors=np.zeros((2, 256), dtype=np.float32))
