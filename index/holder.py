"""IndexHolder: the live index reference the service keeps in app state, with atomic hot swap."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from index.documents import Case
from index.results import SearchFilters, SearchResults
from index.search_index import AddReport, SearchIndex
from models.embedding.base import Embedder, Matrix
from models.errors import ArtifactError

logger = logging.getLogger(__name__)

ADD_CHUNK = 64  # cases inserted per hold of the update lock


class IndexHolder:
    """Holds the live `SearchIndex`; `swap(new_dir)` loads the new one, carries every change over, then
    replaces the reference.

    A search reads the reference once and runs entirely on that index (a consistent snapshot), so no
    request fails or mixes versions during a swap; the old index is freed when its last search ends.

    Updates take the update lock per chunk of `ADD_CHUNK` cases, after embedding (no lock) and before the
    BM25 refresh and the save (no update lock). A swap loads the new index and replays the live index's
    change journal onto it without the lock, then, under it, replays only what changed meanwhile, saves the
    new index, lets `on_commit` record it as the one to open at restart, and publishes it. So an add or
    delete acknowledged before, during or after a swap is in the index that serves next and in the one a
    restart opens.
    """

    def __init__(self, index: SearchIndex | None = None, *, reason: str | None = "not loaded yet") -> None:
        self._index = index
        self.reason: str | None = None if index is not None else reason  # why no index is loaded
        self._update_lock = threading.Lock()  # serializes changes of the live index and the swap's commit
        self._swap_lock = threading.Lock()  # one swap at a time
        self.last_swap_hold_s: float | None = None  # how long the last swap held the update lock

    @classmethod
    def open(cls, directory: Path, *, embedder: Embedder) -> IndexHolder:
        return cls(SearchIndex.load(directory, embedder=embedder))

    @property
    def ready(self) -> bool:
        return self._index is not None

    def snapshot(self) -> SearchIndex | None:
        """The live index or None: read once and use that object for a whole request (one consistent state)."""
        return self._index

    @property
    def index(self) -> SearchIndex:
        """The live index (a snapshot: keep using this object for one whole request)."""
        index = self._index
        if index is None:
            raise ArtifactError("no index is loaded")
        return index

    @property
    def version(self) -> str | None:
        index = self._index
        return None if index is None else index.version

    def cases_where(self, predicate: Callable[[Case], bool]) -> list[Case]:
        """The live index's cases for which `predicate` holds (read-only); none when no index is loaded."""
        index = self._index
        return [] if index is None else index.cases_where(predicate)

    def stats(self) -> dict[str, Any]:
        index = self._index
        return {"ready": False} if index is None else {"ready": True, **index.stats()}

    def search(
        self,
        query: str,
        *,
        k_cases: int = 5,
        k_articles: int = 3,
        filters: SearchFilters | None = None,
        mode: str | None = None,
        dense_weight: float | None = None,
        query_vector: Matrix | None = None,
        query_language: str | None = None,
    ) -> SearchResults:
        return self.index.search(
            query,
            k_cases=k_cases,
            k_articles=k_articles,
            filters=filters,
            mode=mode,
            dense_weight=dense_weight,
            query_vector=query_vector,
            query_language=query_language,
        )

    # ------------------------------------------------------------------------------------------ updates

    def add_cases(self, cases: Sequence[Case], *, persist: bool = True, chunk_size: int = ADD_CHUNK) -> AddReport:
        """Add cases to the live index (same rules as `SearchIndex.add_cases`): embedded with no lock held,
        inserted `chunk_size` at a time under the update lock, then BM25 refreshed and saved once. Returns
        after the save (with `persist`), so the adds are durable when acknowledged."""
        if chunk_size < 1:
            raise ValueError("chunk_size must be positive")
        first = self.index
        if persist and first.path is None:
            raise ArtifactError("this index has no directory yet: save(dir) it first or pass persist=False")
        report = AddReport()
        prepared = first.prepare_adds(cases, report)
        for start in range(0, len(prepared), chunk_size):
            chunk = prepared.cases[start : start + chunk_size]
            vectors = prepared.vectors[start : start + chunk_size]
            cross = prepared.cross_vectors[start : start + chunk_size] if prepared.cross_vectors is not None else None
            with self._update_lock:
                live = self.index
                if live.manifest.embedder_id != prepared.embedder_id:  # swapped to another embedder meanwhile
                    vectors = live.embedder.encode([c.text for c in chunk])
                if live.manifest.cross_lingual_embedder_id != prepared.cross_embedder_id:
                    cross = None  # another cross-lingual space (or none): apply_adds embeds for the live one
                live.apply_adds(chunk, vectors, report, cross_vectors=cross)
        self._settle(persist=persist and len(prepared) > 0)
        report.version = self.index.version
        return report

    def delete_cases(self, case_ids: Iterable[str], *, persist: bool = True) -> list[str]:
        """Delete the ids present in the live index (tombstoned, journalled, saved); unknown ids change nothing."""
        with self._update_lock:
            present = self.index.apply_deletes(case_ids)
        if present:
            self._settle(persist=persist)
        return present

    def _settle(self, *, persist: bool) -> None:
        """After updates: refresh BM25 and save the live index, outside the update lock. Should a swap have
        replaced the index meanwhile, it carried these changes over and saved them before going live."""
        live = self.index
        live.refresh_lexical()
        if persist:
            live.ensure_saved()

    # ------------------------------------------------------------------------------------------ swaps

    def swap(
        self,
        directory: Path,
        *,
        embedder: Embedder | None = None,
        warm_up: bool = True,
        on_commit: Callable[[Path], None] | None = None,
        persist: bool = True,
    ) -> SearchIndex | None:
        """Load the index at `directory`, carry every change of the live index over, make it live; returns
        the old index.

        Outside the update lock: load, replay the live index's journal (every change a fresh build lacks, or
        those after the directory's own journal position), refresh BM25, save, warm up. Under it: replay what
        changed since, save the new index, call `on_commit(path)` (e.g. record it as the index to open at
        restart), publish. Raises (and keeps serving the old index) when the new one cannot be loaded, e.g.
        another embedder, or when the save or `on_commit` fails. Without `persist` nothing is saved: the
        changes carried over live in memory only (processes that follow a shared change log, service/changes/).
        """
        with self._swap_lock:
            current = self._index
            if embedder is None:
                if current is None:
                    raise ArtifactError("swap needs an embedder when no index is loaded yet")
                embedder = current.embedder
            fresh = SearchIndex.load(directory, embedder=embedder)
            covered = 0
            if current is not None:
                covered = fresh.replay_from(current, since=fresh.journal_cursor(current))
                fresh.refresh_lexical()
                if persist and fresh.path != current.path:  # the bulk of the save, before the lock
                    fresh.ensure_saved()
            if warm_up:
                fresh.search("warm up", k_cases=1, k_articles=1)
            with self._update_lock:
                started = time.perf_counter()
                old = self._index
                assert old is current  # swaps are serialized; updates never replace the reference
                if old is None:
                    self._commit(fresh, on_commit)
                else:
                    with old.handover(hold_saves=persist and fresh.path == old.path):
                        fresh.replay_from(old, since=covered)
                        if persist:
                            fresh.ensure_saved()
                        self._commit(fresh, on_commit)
                self.last_swap_hold_s = time.perf_counter() - started
        fresh.refresh_lexical()  # the few cases replayed under the lock
        logger.info(
            "swapped index",
            extra={
                "old": old.version if old else None,
                "new": fresh.version,
                "path": str(directory),
                "lock_hold_s": round(self.last_swap_hold_s, 4),
            },
        )
        return old

    def _commit(self, fresh: SearchIndex, on_commit: Callable[[Path], None] | None) -> None:
        if on_commit is not None:
            assert fresh.path is not None
            on_commit(fresh.path)
        self._index = fresh
        self.reason = None

    # ------------------------------------------------------------------------------------------ snapshots

    def save_snapshot(self, marks: dict[str, Any]) -> Path:
        """Save the live index into its directory with `marks` added to the manifest's options (e.g. the change
        sequence it holds), under the update lock so that no change slips in between. The caller makes sure no
        other process saves the same directory meanwhile (service/changes/snapshot.py)."""
        with self._update_lock:
            live = self.index
            live.manifest.options.update(marks)
            live.manifest.revision += 1  # new file names: a reader of the previous revision keeps its files
            return live.save()
