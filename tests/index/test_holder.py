from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from index.documents import Case
from index.holder import IndexHolder
from index.results import SearchFilters
from index.search_index import SearchIndex
from models.embedding.base import Matrix
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


# -- carrying changes over swaps; deletes of unknown ids; bounded updates; loads racing saves --------------------


def _case(case_id: str, words: str, *, resolved_at: str = "2025-01-01T00:00:00+00:00") -> Case:
    return Case(id=case_id, text=f"{words} token{case_id}", resolution=f"resolved {case_id}", resolved_at=resolved_at)


def test_swap_carries_adds_replacements_and_deletions(tmp_path: Path, embedder: HashingEmbedder) -> None:
    _save(tmp_path / "v1", embedder, prefix="c", seed=1)
    _save(tmp_path / "v2", embedder, prefix="c", seed=1)  # a rebuild from the same source: knows no live change
    holder = IndexHolder.open(tmp_path / "v1", embedder=embedder)
    added = holder.add_cases([_case("n1", "zebra quokka printer"), _case("n2", "walrus parcel courier")])
    assert added.added == ["n1", "n2"]
    newer = Case(id="c5", text="c5 rewritten: marmot invoice", resolution="new answer", resolved_at="2030-01-01")
    assert holder.add_cases([newer]).replaced == {"c5": "c5"}
    assert holder.delete_cases(["c3", "n2"]) == ["c3", "n2"]
    holder.swap(tmp_path / "v2")
    for index in (holder.index, SearchIndex.load(tmp_path / "v2", embedder=embedder)):  # live and on disk
        assert "n1" in index and "n2" not in index and "c3" not in index
        assert index.case("c5") == newer
        assert {"c3", "n2"} <= index.deleted_ids
    assert holder.search("zebra quokka", mode="lexical").cases[0].id == "n1"  # BM25 knows the carried case
    assert holder.add_cases([_case("n2", "walrus again")]).refused_deleted == ["n2"]


def test_swap_back_to_an_older_directory_replays_only_newer_changes(
    tmp_path: Path, embedder: HashingEmbedder
) -> None:
    _save(tmp_path / "v1", embedder, prefix="c", seed=1)
    _save(tmp_path / "v2", embedder, prefix="c", seed=1)
    holder = IndexHolder.open(tmp_path / "v1", embedder=embedder)
    holder.add_cases([_case("x1", "alpaca refund")])
    holder.swap(tmp_path / "v2")
    cursor = holder.index.journal_cursor(holder.index)
    holder.add_cases([_case("x2", "ibex login")])
    holder.delete_cases(["x1"])
    v1 = SearchIndex.load(tmp_path / "v1", embedder=embedder)
    assert v1.journal_cursor(holder.index) == cursor == 1  # same lineage: v1 holds the journal up to x1
    holder.swap(tmp_path / "v1")
    assert "x2" in holder.index and "x1" not in holder.index and "x1" in holder.index.deleted_ids
    assert holder.index.manifest.journal_seq == 3


def test_deleting_an_unknown_id_changes_nothing(tmp_path: Path, embedder: HashingEmbedder) -> None:
    _save(tmp_path / "v1", embedder, prefix="c", seed=1)
    holder = IndexHolder.open(tmp_path / "v1", embedder=embedder)
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "v1").iterdir()}
    version = holder.version
    assert holder.delete_cases(["never-existed", "../etc/passwd"]) == []
    assert holder.version == version
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "v1").iterdir()} == before  # no save
    assert holder.add_cases([_case("never-existed", "okapi toner")]).added == ["never-existed"]
    assert "never-existed" not in SearchIndex.read_manifest(tmp_path / "v1").deleted_ids


class _TimedLock:
    """A lock that records how long each hold lasted, and whether it is held now."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.holds: list[float] = []
        self.held = False
        self._since = 0.0

    def __enter__(self) -> None:
        self._lock.acquire()
        self.held, self._since = True, time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.holds.append(time.perf_counter() - self._since)
        self.held = False
        self._lock.release()


class _WatchedEmbedder(HashingEmbedder):
    def __init__(self, dim: int, lock: _TimedLock) -> None:
        super().__init__(dim)
        self.lock = lock
        self.encoded_under_lock = 0

    def encode(self, texts: Sequence[str], **kwargs: Any) -> Matrix:
        self.encoded_under_lock += self.lock.held
        return super().encode(texts, **kwargs)


def test_large_add_embeds_without_lock_and_holds_it_per_chunk(tmp_path: Path) -> None:
    lock = _TimedLock()
    embedder = _WatchedEmbedder(64, lock)
    _save(tmp_path / "v1", embedder, prefix="c", seed=1)
    holder = IndexHolder.open(tmp_path / "v1", embedder=embedder)
    holder._update_lock = lock  # type: ignore[assignment]
    batch = [_case(f"b{i}", f"bulk upload {i} capybara") for i in range(300)]
    report = holder.add_cases(batch, chunk_size=64)
    assert len(report.added) + len(report.skipped_duplicates) == 300
    assert len(lock.holds) == 5 and embedder.encoded_under_lock == 0  # ceil(300 / 64) holds, no embedding
    assert all(case_id in holder.index for case_id in report.added)
    reloaded = SearchIndex.load(tmp_path / "v1", embedder=embedder)
    assert all(case_id in reloaded for case_id in report.added)
    assert reloaded.search("capybara", k_cases=3, mode="lexical").cases  # BM25 refreshed once at the end


def test_load_retries_when_a_save_replaces_the_revision_it_read(
    tmp_path: Path, embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _save(tmp_path / "v1", embedder, prefix="c", seed=1)
    writer = SearchIndex.load(tmp_path / "v1", embedder=embedder)
    original = SearchIndex._load_revision.__func__  # type: ignore[attr-defined]
    calls: list[int] = []

    def racing(cls: type[SearchIndex], directory: Path, manifest: Any, emb: Any) -> SearchIndex:
        calls.append(manifest.revision)
        if len(calls) == 1:  # a save commits revision 1 and removes revision 0's files before we read them
            writer.add_cases([_case("late", "narwhal invoice")])
        return original(cls, directory, manifest, emb)  # type: ignore[no-any-return]

    monkeypatch.setattr(SearchIndex, "_load_revision", classmethod(racing))
    loaded = SearchIndex.load(tmp_path / "v1", embedder=embedder)
    assert calls == [0, 1] and "late" in loaded and loaded.manifest.revision == 1


def test_loads_never_see_a_half_replaced_revision(tmp_path: Path, embedder: HashingEmbedder) -> None:
    _save(tmp_path / "v1", embedder, prefix="c", seed=1)
    writer = SearchIndex.load(tmp_path / "v1", embedder=embedder)
    stop = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        i = 0
        while not stop.is_set():
            writer.add_cases([_case(f"w{i}", f"loop write {i} gecko")])
            i += 1

    thread = threading.Thread(target=write)
    thread.start()
    try:
        for _ in range(25):
            try:
                SearchIndex.load(tmp_path / "v1", embedder=embedder)
            except BaseException as exc:  # the test collects every failure
                errors.append(exc)
    finally:
        stop.set()
        thread.join()
    assert not errors
