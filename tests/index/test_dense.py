from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from index.dense import FLAT_MAX, HNSW_MAX, DenseIndex, choose_index_spec
from models.errors import InvalidInputError


def _vectors(n: int, dim: int = 32, seed: int = 0) -> npt.NDArray[np.float32]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, dim)).astype(np.float32)
    out: npt.NDArray[np.float32] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def test_auto_index_type_follows_corpus_size() -> None:
    assert choose_index_spec(10).kind == "flat"
    assert choose_index_spec(FLAT_MAX - 1).kind == "flat"
    assert choose_index_spec(FLAT_MAX).kind == "hnsw"
    assert choose_index_spec(HNSW_MAX).kind == "ivf"
    assert choose_index_spec(100_000).params == {"m": 32, "ef_construction": 80, "ef_search": 128}
    assert choose_index_spec(1_000_000).params == {"nlist": 1000, "nprobe": 8}
    forced = choose_index_spec(10, index_type="hnsw", ef_search=32)
    assert forced.kind == "hnsw" and forced.params["ef_search"] == 32
    with pytest.raises(InvalidInputError, match="do not apply"):
        choose_index_spec(10, index_type="flat", m=8)
    with pytest.raises(InvalidInputError, match="unknown index type"):
        choose_index_spec(10, index_type="annoy")


@pytest.mark.parametrize(("kind", "params"), [("flat", {}), ("hnsw", {"m": 16}), ("ivf", {"nlist": 16})])
@pytest.mark.parametrize("fraction", [0.005, 0.3])
def test_filtered_search_returns_k_allowed_rows(kind: str, params: dict[str, int], fraction: float) -> None:
    vectors = _vectors(4000)
    store = DenseIndex.build(vectors, choose_index_spec(4000, index_type=kind, **params), dim=32)
    rng = np.random.default_rng(1)
    allowed = rng.random(4000) < fraction
    query = _vectors(1, seed=9)[0]
    hits = store.search(query, 10, allowed=allowed)
    assert len(hits.rows) == 10
    assert allowed[hits.rows].all()
    exact = np.flatnonzero(allowed)[np.argsort(-(vectors[allowed] @ query))[:10]]
    assert len(set(hits.rows.tolist()) & set(exact.tolist())) >= 8


def test_scrub_erases_vectors_and_ids_are_rows() -> None:
    for kind, params in (("flat", {}), ("hnsw", {"m": 8}), ("ivf", {"nlist": 4})):
        vectors = _vectors(300)
        store = DenseIndex.build(vectors, choose_index_spec(300, index_type=kind, **params), dim=32)
        assert store.search(vectors[5], 1).rows.tolist() == [5]
        store.scrub(np.array([5]))
        alive = np.ones(300, dtype=bool)
        alive[5] = False
        assert 5 not in store.search(vectors[5], 10, allowed=alive).rows.tolist()
        if kind != "ivf":
            assert not store.reconstruct(np.array([5])).any()
        assert store.add(_vectors(2, seed=3)).tolist() == [300, 301]
