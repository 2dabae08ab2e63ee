from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from index.holder import IndexHolder
from index.results import SearchFilters
from index.search_index import SearchIndex
from models.embedding.hashing import HashingEmbedder
from models.errors import ArtifactError, ArtifactMismatchError
from tests.index.conftest import make_articles, make_cases


def _save(path: Path, embedder: HashingEmbedder, *, prefix: str, seed: int) -> str:
    index = SearchIndex.build(
        cases=make_cases(150, seed=seed, prefix=prefix),
        articles=make_articles(),
        embedder=embedder,
        dedup_threshold=None,
    )
    index.save(path)
    return index.version


def test_hot_swap_under_concurrent_searches(tmp_path: Path, embedder: HashingEmbedder) -> None:
    version_a = _save(tmp_path / "a", embedder, prefix="a", seed=1)
    version_b = _save(tmp_path / "b", embedder, prefix="b", seed=2)
    assert version_a != version_b
    prefix_of = {version_a: "a", version_b: "b"}
    holder = IndexHolder.open(tmp_path / "a", embedder=embedder)
    stop = threading.Event()
    errors: list[BaseException] = []
    seen: list[tuple[str, list[str]]] = []

    def worker(n: int) -> None:
        queries = ["refund invoice", "password reset", "parcel tracking", "printer jam"]
        i = 0
        while not stop.is_set():
            try:
                results = holder.search(
                    queries[(i + n) % 4],
                    k_cases=8,
                    k_articles=2,
                    filters=SearchFilters(language="en") if i % 2 else None,
                    mode=("dense", "lexical", "hybrid")[i % 3],
                )
                seen.append((results.index_version, [c.id for c in results.cases]))
            except BaseException as exc:  # the test collects every failure
                errors.append(exc)
            i += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        for target in ("b", "a", "b", "a", "b"):
            time.sleep(0.05)
            holder.swap(tmp_path / target)
        time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not errors
    assert holder.version == version_b
    versions = {version for version, _ in seen}
    assert versions == {version_a, version_b}
    for version, ids in seen:
        assert ids and all(case_id.startswith(prefix_of[version]) for case_id in ids)


def test_swap_refuses_other_embedder_and_keeps_serving(tmp_path: Path, embedder: HashingEmbedder) -> None:
    _save(tmp_path / "a", embedder, prefix="a", seed=1)
    _save(tmp_path / "other", HashingEmbedder(32), prefix="x", seed=3)
    holder = IndexHolder.open(tmp_path / "a", embedder=embedder)
    before = holder.version
    with pytest.raises(ArtifactMismatchError):
        holder.swap(tmp_path / "other")
    with pytest.raises(ArtifactError):
        holder.swap(tmp_path / "missing")
    assert holder.version == before and holder.search("refund").cases


def test_swap_carries_deletions_into_the_new_index(tmp_path: Path, embedder: HashingEmbedder) -> None:
    _save(tmp_path / "v1", embedder, prefix="c", seed=1)
    _save(tmp_path / "v2", embedder, prefix="c", seed=1)  # a rebuild from the same source data
    holder = IndexHolder.open(tmp_path / "v1", embedder=embedder)
    assert holder.delete_cases(["c3"]) == ["c3"]
    holder.swap(tmp_path / "v2")
    assert "c3" not in holder.index
    assert all(c.id != "c3" for c in holder.search(make_cases(150, seed=1)[3].text, k_cases=50).cases)
    assert "c3" not in SearchIndex.load(tmp_path / "v2", embedder=embedder)  # persisted in v2 too


def test_empty_holder_is_not_ready() -> None:
    holder = IndexHolder()
    assert not holder.ready and holder.version is None and holder.stats() == {"ready": False}
    with pytest.raises(ArtifactError, match="no index"):
        holder.search("x")
