"""The learned query adapter: fit, gate, save / load, and the index-level refit."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.adapter import (
    AdapterSlot,
    GateSet,
    LinearAdapter,
    adapter_dir,
    fit_adapter,
    fit_index_adapter,
    hit_rates,
)
from index.search_index import SearchIndex
from models.embedding.hashing import HashingEmbedder
from models.errors import ArtifactError, ArtifactMismatchError, InvalidInputError
from tests.index.conftest import make_cases


def nuisance_set(n: int = 480, *, seed: int = 0) -> tuple[np.ndarray, list[str], list[str]]:
    """4 topics carried by a weak signal in 4 dimensions; a strong random nuisance (style, brand, wording) in the
    other 28, so raw nearest neighbours share the nuisance, not the topic, until a map damps it."""
    rng = np.random.default_rng(seed)
    d = 32
    topics = rng.integers(0, 4, n)
    x = np.zeros((n, d))
    x[np.arange(n), topics] = 0.2
    x[:, 4:] = rng.standard_normal((n, d - 4)) / np.sqrt(d - 4)
    x[:, :4] += 0.02 * rng.standard_normal((n, 4))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32), [f"t{t}" for t in topics], [f"c{i}" for i in range(n)]


def test_adapter_makes_topics_separable_that_raw_neighbours_are_not() -> None:
    x, topics, ids = nuisance_set()
    fit = fit_adapter(vectors=x, topics=topics, ids=ids, embedder_id="test", seed=3)
    assert fit.gate_source == "split"
    assert fit.gate["none"]["hit@1"] < 0.6  # raw neighbours: the nearest nuisance, any topic
    assert fit.gate["candidate"]["hit@1"] >= 0.9
    assert fit.activate and fit.reason.startswith("activated")
    assert fit.candidate.manifest["heldout_ids"]  # the seeded gate split travels with the artifact
    assert set(fit.candidate.manifest["heldout_ids"]) <= set(ids)


def test_gate_refuses_a_worse_adapter_and_says_why() -> None:
    x, topics, ids = nuisance_set()
    good = fit_adapter(vectors=x, topics=topics, ids=ids, embedder_id="test", seed=3).candidate
    # a candidate pinned to (almost) the identity is worse than the active adapter on the same gate rows
    worse = fit_adapter(vectors=x, topics=topics, ids=ids, embedder_id="test", seed=3, active=good,
                        gate_ids=good.manifest["heldout_ids"], ridges=(1e6,), alphas=(1.0,))
    assert not worse.activate
    assert worse.reason.startswith("not activated") and "hit@1" in worse.reason and "active adapter" in worse.reason
    assert worse.gate["candidate"]["hit@1"] < worse.gate["active"]["hit@1"]


def test_frozen_gate_set_is_used_when_given() -> None:
    x, topics, ids = nuisance_set()
    frozen, f_topics, _ = nuisance_set(80, seed=9)
    gate = GateSet(vectors=frozen, topics=f_topics, ids=[f"f{i}" for i in range(80)], source="frozen")
    fit = fit_adapter(vectors=x, topics=topics, ids=ids, embedder_id="test", gate=gate)
    assert fit.gate_source == "frozen" and fit.gate_rows == 80
    assert fit.candidate.manifest["heldout_ids"] == []
    assert fit.activate


def test_too_few_labelled_cases_is_a_clear_error() -> None:
    x, _, ids = nuisance_set(40)
    with pytest.raises(InvalidInputError, match="topic"):
        fit_adapter(vectors=x, topics=[None] * 40, ids=ids, embedder_id="test")


def test_save_load_round_trip_and_refusals(tmp_path: Path) -> None:
    x, topics, ids = nuisance_set()
    adapter = fit_adapter(vectors=x, topics=topics, ids=ids, embedder_id="emb-a").candidate
    where = adapter.save(tmp_path / "adapter")
    loaded = LinearAdapter.load(where, embedder_id="emb-a", dim=32)
    np.testing.assert_allclose(loaded.apply(x[:5]), adapter.apply(x[:5]), atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(loaded.apply(x[0])), 1.0, atol=1e-5)
    with pytest.raises(ArtifactMismatchError, match="emb-a"):
        LinearAdapter.load(where, embedder_id="emb-b", dim=32)
    with pytest.raises(ArtifactMismatchError):
        LinearAdapter.load(where, embedder_id="emb-a", dim=64)
    manifest = json.loads((where / "manifest.json").read_text())
    manifest["weights_sha256"] = "0" * 64
    (where / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match="do not match"):
        LinearAdapter.load(where, embedder_id="emb-a", dim=32)
    with pytest.raises(ArtifactError):
        LinearAdapter.load(tmp_path / "nothing", embedder_id="emb-a", dim=32)


def test_hit_rates_leave_the_query_out_of_its_own_results() -> None:
    bank = np.eye(3, dtype=np.float32)
    codes = np.array([0, 1, 0])
    assert hit_rates(bank[:1], codes[:1], bank, codes)["hit@1"] == 1.0  # finds itself
    assert hit_rates(bank[:1], codes[:1], bank, codes, own_rows=np.array([0]), ks=(1, 2))["hit@1"] == 0.0


def test_refit_on_an_index_writes_a_passing_adapter_and_the_slot_serves_it(tmp_path: Path) -> None:
    embedder = HashingEmbedder(64)
    index = SearchIndex.build(cases=make_cases(160), articles=[], embedder=embedder, dedup_threshold=None,
                              index_type="flat")
    index.save(tmp_path / "idx")
    fit = fit_index_adapter(index_dir=tmp_path / "idx", embedder=embedder, seed=5)
    where = adapter_dir(tmp_path / "idx")
    assert (where / "manifest.json").is_file() == fit.activate
    slot = AdapterSlot()
    served = slot.get(tmp_path / "idx", version=index.version, embedder=embedder)
    assert (served is not None) == fit.activate
    assert slot.get(tmp_path / "idx", version=index.version, embedder=HashingEmbedder(32)) is served  # cached
    assert AdapterSlot().get(tmp_path / "idx", version=index.version, embedder=HashingEmbedder(32)) is None
    # a refit written while serving is picked up by the next search
    refit = LinearAdapter(weights=np.eye(64, dtype=np.float32), alpha=0.3, embedder_id=embedder.model_id)
    refit.save(where)
    now = slot.get(tmp_path / "idx", version=index.version, embedder=embedder)
    assert now is not None and now.alpha == 0.3
    # a dry run never writes; a second refit gates on the stored held-out ids against the active adapter
    again = fit_index_adapter(index_dir=tmp_path / "idx", embedder=embedder, seed=5, dry_run=True)
    if fit.activate:
        assert "active" in again.gate
        assert again.gate_rows == fit.gate_rows


def test_the_ridge_map_is_the_closed_form_minimizer() -> None:
    from index.adapter import fit_linear_map

    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((50, 6)).astype(np.float32), rng.standard_normal((50, 6)).astype(np.float32)
    expected = np.linalg.solve(x.T @ x + 2.0 * np.eye(6), x.T @ y + 2.0 * np.eye(6))
    np.testing.assert_allclose(fit_linear_map(x, y, 2.0), expected, atol=1e-4)
    np.testing.assert_allclose(fit_linear_map(x, y, 1e9), np.eye(6), atol=1e-4)  # strong ridge: the identity
