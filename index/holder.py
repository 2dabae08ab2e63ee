"""IndexHolder: the live index reference the service keeps in app state, with atomic hot swap."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from index.documents import Case
from index.results import SearchFilters, SearchResults
from index.search_index import AddReport, SearchIndex
from models.embedding.base import Embedder, Matrix
from models.errors import ArtifactError

logger = logging.getLogger(__name__)


class IndexHolder:
    """Holds the live `SearchIndex`; `swap(new_dir)` loads the new one fully, then replaces the reference.

    A search reads the reference once and runs entirely on that index (a consistent snapshot), so no
    request fails or mixes versions during a swap; the old index is freed when its last search ends.
    Updates and swaps are serialized, and deletions made on the old index are re-applied to the new one
    before it goes live, so a rebuilt index cannot bring a deleted case back.
    """

    def __init__(self, index: SearchIndex | None = None, *, reason: str | None = "not loaded yet") -> None:
        self._index = index
        self.reason: str | None = None if index is not None else reason  # why no index is loaded
        self._update_lock = threading.Lock()

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
    ) -> SearchResults:
        return self.index.search(
            query,
            k_cases=k_cases,
            k_articles=k_articles,
            filters=filters,
            mode=mode,
            dense_weight=dense_weight,
            query_vector=query_vector,
        )

    def add_cases(self, cases: Sequence[Case], *, persist: bool = True) -> AddReport:
        with self._update_lock:
            return self.index.add_cases(cases, persist=persist)

    def delete_cases(self, case_ids: Iterable[str], *, persist: bool = True) -> list[str]:
        with self._update_lock:
            return self.index.delete_cases(case_ids, persist=persist)

    def swap(
        self, directory: Path, *, embedder: Embedder | None = None, warm_up: bool = True
    ) -> SearchIndex | None:
        """Load the index at `directory`, carry over deletions, then make it live; returns the old index.

        Raises (and keeps serving the old index) when the new one cannot be loaded, e.g. another embedder.
        """
        current = self._index
        if embedder is None:
            if current is None:
                raise ArtifactError("swap needs an embedder when no index is loaded yet")
            embedder = current.embedder
        fresh = SearchIndex.load(directory, embedder=embedder)
        if warm_up:
            fresh.search("warm up", k_cases=1, k_articles=1)
        with self._update_lock:
            old = self._index
            if old is not None:
                missing = old.deleted_ids - fresh.deleted_ids
                if missing:
                    fresh.delete_cases(sorted(missing), persist=True)
            self._index = fresh
            self.reason = None
        logger.info(
            "swapped index",
            extra={"old": old.version if old else None, "new": fresh.version, "path": str(directory)},
        )
        return old
