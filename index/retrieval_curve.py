"""hit@k for k = 1..max_k of a saved index, queried with labelled rows (a hit = a case of the query's topic).

Used by the evaluation report (`IndexCurve` is its `models.report.RetrievalProbe`). When a query is itself a case
of the index (same id), that case is left out of its own results, so an index built from the evaluation rows is
not credited for finding the query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.search_index import MAX_K, SearchIndex
from models.embedding.base import Embedder, Matrix
from models.errors import InvalidInputError


def hit_at_k_curve(
    *,
    index: SearchIndex,
    texts: Sequence[str],
    topics: Sequence[str],
    ids: Sequence[str | None] | None = None,
    vectors: Matrix | None = None,
    max_k: int = 10,
    mode: str | None = None,
) -> dict[str, Any]:
    """`hit_at_k[k-1]` is the share of queries with a same-topic case among their top k (never decreasing in k).

    `vectors` are the queries' embeddings by the index's embedder (skips re-embedding); `mode` defaults to the
    index's own.
    """
    if len(texts) != len(topics) or (ids is not None and len(ids) != len(texts)):
        raise InvalidInputError("texts, topics and ids must have the same length")
    if vectors is not None and vectors.shape[0] != len(texts):
        raise InvalidInputError("one query vector per text is needed")
    if not 1 <= max_k < MAX_K:
        raise InvalidInputError(f"max_k must be within [1, {MAX_K - 1}]")
    first_hits: list[int | None] = []
    excluded = 0
    chosen_mode = mode
    for q, (text, topic) in enumerate(zip(texts, topics, strict=True)):
        if not text.strip():
            continue
        results = index.search(text, k_cases=max_k + 1, k_articles=0, mode=mode,
                               query_vector=None if vectors is None else vectors[q])
        chosen_mode = results.mode
        own = ids[q] if ids is not None else None
        cases = [hit for hit in results.cases if own is None or hit.id != own]
        excluded += len(results.cases) - len(cases)
        ranks = [r for r, hit in enumerate(cases[:max_k], start=1) if hit.topic == topic]
        first_hits.append(ranks[0] if ranks else None)
    n = len(first_hits)
    ranks_found = np.array([r for r in first_hits if r is not None], dtype=np.int64)
    curve = [float((ranks_found <= k).sum() / n) if n else 0.0 for k in range(1, max_k + 1)]
    mrr = float((1.0 / ranks_found).sum() / n) if n else 0.0
    return {"k": list(range(1, max_k + 1)), "hit_at_k": curve, "mrr": mrr, "n_queries": n,
            "self_matches_excluded": excluded, "mode": chosen_mode, "index_version": index.version}


@dataclass(frozen=True, slots=True)
class IndexCurve:
    """`hit_at_k_curve` of the index saved in `index_dir` (loaded per call), plus where that index is."""

    index_dir: Path
    embedder: Embedder

    def __call__(self, *, texts: Sequence[str], topics: Sequence[str], ids: Sequence[str | None],
                 vectors: Matrix, max_k: int) -> dict[str, Any]:
        index = SearchIndex.load(self.index_dir, embedder=self.embedder)
        curve = hit_at_k_curve(index=index, texts=texts, topics=topics, ids=ids, vectors=vectors, max_k=max_k)
        return {"index": str(self.index_dir), **curve}
