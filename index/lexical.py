"""BM25 lexical ranker (bm25s) over the same rows as the vector store.

bm25s has no incremental update, so the ranker is rebuilt from the live texts after each add/delete
(copy-on-write: a new object replaces the old one). It is derived data: never written to disk, rebuilt
at load, so a deleted case cannot survive in it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np

from index.dense import Hits, Mask, Rows

logger = logging.getLogger(__name__)


def _bm25s() -> Any:
    import bm25s  # heavy import kept out of module import time

    return bm25s


class LexicalIndex:
    """Immutable BM25 ranking over `texts`, whose i-th text is vector-store row `rows[i]`."""

    def __init__(
        self, texts: Sequence[str], rows: Rows, *, stopwords: str = "en", k1: float = 1.2, b: float = 0.75
    ) -> None:
        if len(texts) != len(rows):
            raise ValueError("texts and rows differ in length")
        self._rows = np.asarray(rows, dtype=np.int64)
        self._stopwords = stopwords
        self._retriever: Any = None
        if len(texts):
            bm25s = _bm25s()
            tokens = bm25s.tokenize(list(texts), stopwords=stopwords, show_progress=False)
            retriever = bm25s.BM25(k1=k1, b=b)
            retriever.index(tokens, show_progress=False)
            self._retriever = retriever
        self.k1 = k1
        self.b = b

    def __len__(self) -> int:
        return len(self._rows)

    def search(self, query: str, k: int, *, allowed: Mask | None = None) -> Hits:
        """Top-k rows with a positive BM25 score; `allowed` is a bool mask over vector-store rows."""
        if self._retriever is None or k <= 0:
            return Hits.empty()
        tokens = _bm25s().tokenize([query], stopwords=self._stopwords, return_ids=False, show_progress=False)
        if not tokens or not tokens[0]:
            return Hits.empty()
        scores = np.asarray(self._retriever.get_scores(tokens[0]), dtype=np.float32)
        keep = scores > 0
        if allowed is not None:
            keep &= allowed[self._rows]
        candidates = np.flatnonzero(keep)
        if len(candidates) == 0:
            return Hits.empty()
        k = min(k, len(candidates))
        part = (
            candidates[np.argpartition(-scores[candidates], k - 1)[:k]] if k < len(candidates) else candidates
        )
        order = part[np.argsort(-scores[part], kind="stable")]
        return Hits(self._rows[order], scores[order])
