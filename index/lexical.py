"""BM25 lexical ranker (bm25s) over the same rows as the vector store.

bm25s has no incremental update, so the ranker is rebuilt after adds/deletes (copy-on-write: a new object
replaces the old one). `TokenCache` keeps each text's token ids, so a rebuild tokenizes only the new texts
and rebuilds bm25s's score matrix from ids (tokenizing was about half of a rebuild). It is derived data:
never written to disk, rebuilt at load, so a deleted case cannot survive in it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from index.dense import Hits, Mask, Rows

logger = logging.getLogger(__name__)


def _bm25s() -> Any:
    import bm25s  # heavy import kept out of module import time

    return bm25s


Ids = np.ndarray[Any, np.dtype[np.int32]]


class TokenCache:
    """Token ids per key (e.g. a row) over one growing vocabulary. Not synchronized: one user at a time."""

    def __init__(self, *, stopwords: str = "en") -> None:
        self.stopwords = stopwords
        self.vocab: dict[str, int] = {}
        self._ids: dict[int, Ids] = {}

    def missing(self, keys: Sequence[int]) -> list[int]:
        return [k for k in keys if k not in self._ids]

    def renumber(self, keep: Sequence[int]) -> None:
        """Keys were renumbered: key `keep[i]` is now `i` (others dropped), e.g. rows after a compaction."""
        self._ids = {new: self._ids[old] for new, old in enumerate(keep) if old in self._ids}

    def ids(self, keys: Sequence[int], texts: Callable[[list[int]], list[str]]) -> list[Ids]:
        """Token ids for `keys`; `texts(missing_keys)` supplies the texts of keys not tokenized yet. Keys not
        asked for are forgotten (their texts were deleted or replaced)."""
        missing = [k for k in keys if k not in self._ids]
        if missing:
            tokens = _bm25s().tokenize(texts(missing), stopwords=self.stopwords, return_ids=False,
                                       show_progress=False)
            vocab = self.vocab
            for key, doc in zip(missing, tokens, strict=True):
                self._ids[key] = np.fromiter((vocab.setdefault(t, len(vocab)) for t in doc), dtype=np.int32)
        self._ids = {k: self._ids[k] for k in keys}
        return [self._ids[k] for k in keys]


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

    @classmethod
    def from_token_ids(
        cls, ids: Sequence[Ids], rows: Rows, vocab: dict[str, int], *, stopwords: str = "en"
    ) -> LexicalIndex:
        """The ranker over texts already tokenized into ids of `vocab` (see `TokenCache`)."""
        index = cls([], np.zeros(0, dtype=np.int64), stopwords=stopwords)
        if len(ids) != len(rows):
            raise ValueError("ids and rows differ in length")
        index._rows = np.asarray(rows, dtype=np.int64)
        if len(ids):
            bm25s = _bm25s()
            retriever = bm25s.BM25(k1=index.k1, b=index.b)
            tokenized = bm25s.tokenization.Tokenized(ids=[a.tolist() for a in ids], vocab=dict(vocab))
            retriever.index(tokenized, show_progress=False)
            index._retriever = retriever
        return index

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
