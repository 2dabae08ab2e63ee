"""FAISS vector store: normalized vectors, inner product, row number = position in the document table.

The index type follows the corpus size (flat below `FLAT_MAX`, HNSW up to `HNSW_MAX`, IVF above) unless
overridden. Filtered searches keep returning k rows: small allowed sets are searched exactly, large ones
through a FAISS ID selector with a widened search, falling back to exact search if the ANN comes up short.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from index.manifest import IndexSpec
from models.atomic import atomic_path
from models.embedding.base import Matrix
from models.errors import ArtifactError, InvalidInputError

logger = logging.getLogger(__name__)

Mask = npt.NDArray[np.bool_]
Rows = npt.NDArray[np.int64]

FLAT_MAX = 20_000  # exact search stays near 2 ms per query up to here (1 thread, see index/README.md)
HNSW_MAX = 250_000  # from here IVF: at 1M it built 5x faster than HNSW and kept recall@10 >= 0.97
HNSW_DEFAULTS = {"m": 32, "ef_construction": 80, "ef_search": 128}  # recall@10 0.98 at 100k (bench/)
IVF_NPROBE = 8  # with nlist ~ sqrt(n): recall@10 0.99, p50 1.1 ms at 1M (bench/)
EXACT_SUBSET_MAX = 20_000  # a filter leaving fewer rows than this is answered by exact search on them
INDEX_KINDS = ("flat", "hnsw", "ivf")


def _faiss() -> Any:
    import faiss  # heavy import kept out of module import time

    return faiss


def set_faiss_threads(threads: int) -> None:
    """OpenMP threads FAISS uses in this process (a process-wide setting: call it once at startup).

    Serving single queries is fastest with 1 thread (measured: 2 threads made one flat query at 100k 4x
    slower on a shared 2-core machine) while concurrent requests run in parallel threads; builds and
    batch searches benefit from more.
    """
    if threads < 1:
        raise InvalidInputError("threads must be >= 1")
    _faiss().omp_set_num_threads(threads)


def choose_index_spec(n: int, *, index_type: str = "auto", **overrides: int) -> IndexSpec:
    """The index type for `n` vectors (`auto` = by size) with default parameters plus overrides."""
    if index_type == "auto":
        kind = "flat" if n < FLAT_MAX else "hnsw" if n < HNSW_MAX else "ivf"
    elif index_type in INDEX_KINDS:
        kind = index_type
    else:
        raise InvalidInputError(f"unknown index type {index_type!r} (expected auto, flat, hnsw or ivf)")
    params: dict[str, int] = {}
    if kind == "hnsw":
        params = dict(HNSW_DEFAULTS)
    elif kind == "ivf":
        nlist = max(1, min(65_536, int(math.sqrt(max(n, 1)))))
        params = {"nlist": nlist, "nprobe": min(nlist, IVF_NPROBE)}
    unknown = set(overrides) - set(params)
    if unknown:
        raise InvalidInputError(f"parameters {sorted(unknown)} do not apply to a {kind} index")
    params.update({k: int(v) for k, v in overrides.items()})
    return IndexSpec(kind=kind, params=params)


def _empty_index(spec: IndexSpec, dim: int, train: Matrix | None) -> Any:
    faiss = _faiss()
    if spec.kind == "flat":
        return faiss.IndexFlatIP(dim)
    if spec.kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, spec.params["m"], faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = spec.params["ef_construction"]
        index.hnsw.efSearch = spec.params["ef_search"]
        return index
    if spec.kind == "ivf":
        quantizer = faiss.IndexFlatIP(dim)
        nlist = spec.params["nlist"]
        if train is None or len(train) < nlist:
            raise InvalidInputError(
                f"an IVF index with nlist={nlist} needs at least {nlist} training vectors"
            )
        index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(0)
        sample = (
            train if len(train) <= 256 * nlist else train[rng.choice(len(train), 256 * nlist, replace=False)]
        )
        index.train(np.ascontiguousarray(sample))
        index.nprobe = spec.params["nprobe"]
        index.set_direct_map_type(faiss.DirectMap.Hashtable)  # reconstruct + remove_ids by row id
        return index
    raise InvalidInputError(f"unknown index kind {spec.kind!r}")


def _check_vectors(vectors: Matrix, dim: int) -> Matrix:
    array = np.ascontiguousarray(vectors, dtype=np.float32)
    if array.ndim != 2 or array.shape[1] != dim:
        raise InvalidInputError(f"expected vectors of shape (n, {dim}), got {array.shape}")
    return array


@dataclass(slots=True)
class Hits:
    """Rows and scores of one ranked list, best first."""

    rows: Rows
    scores: Matrix

    @classmethod
    def empty(cls) -> Hits:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))


class DenseIndex:
    """One FAISS index whose ids are row numbers 0..n-1. Not synchronized: callers hold a lock."""

    def __init__(self, index: Any, spec: IndexSpec, dim: int, *, n_rows: int | None = None) -> None:
        self._index = index
        self.spec = spec
        self.dim = dim
        # IVF removes scrubbed rows from its lists, so its ntotal can fall below the row count.
        self._n_rows = int(index.ntotal) if n_rows is None else n_rows

    @classmethod
    def build(cls, vectors: Matrix, spec: IndexSpec, *, dim: int) -> DenseIndex:
        vectors = _check_vectors(vectors, dim)
        store = cls(_empty_index(spec, dim, vectors if spec.kind == "ivf" else None), spec, dim)
        if len(vectors):
            store.add(vectors)
        return store

    @property
    def ntotal(self) -> int:
        """Number of rows ever added (deleted rows included until compaction)."""
        return self._n_rows

    @property
    def stored(self) -> int:
        """Vectors the FAISS index holds: `ntotal` less the scrubbed rows an IVF index removed from its lists."""
        return int(self._index.ntotal)

    def add(self, vectors: Matrix) -> Rows:
        """Append vectors; returns their row numbers."""
        vectors = _check_vectors(vectors, self.dim)
        first = self.ntotal
        rows = np.arange(first, first + len(vectors), dtype=np.int64)
        if self.spec.kind == "ivf":
            self._index.add_with_ids(vectors, rows)
        else:
            self._index.add(vectors)
        self._n_rows += len(vectors)
        return rows

    def reconstruct(self, rows: Rows) -> Matrix:
        if len(rows) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(
            self._index.reconstruct_batch(np.ascontiguousarray(rows, dtype=np.int64)), dtype=np.float32
        )

    def scrub(self, rows: Rows) -> None:
        """Erase the stored vectors of deleted rows (zeroed in flat/HNSW storage, removed from IVF lists).

        Callers also exclude these rows from every search, so a zero vector is never returned.
        """
        if len(rows) == 0:
            return
        faiss = _faiss()
        if self.spec.kind == "ivf":
            self._index.remove_ids(np.ascontiguousarray(rows, dtype=np.int64))
            return
        storage = self._index if self.spec.kind == "flat" else faiss.downcast_index(self._index.storage)
        data = faiss.rev_swig_ptr(storage.get_xb(), self.ntotal * self.dim).reshape(self.ntotal, self.dim)
        data[np.asarray(rows, dtype=np.int64)] = 0.0

    def compacted(self, keep: Rows) -> DenseIndex:
        """A new store holding only rows `keep` (renumbered 0..len(keep)-1), same index type."""
        vectors = self.reconstruct(keep)
        spec = self.spec
        if spec.kind == "ivf" and len(vectors) < spec.params["nlist"]:
            spec = choose_index_spec(len(vectors), index_type="flat")
        return DenseIndex.build(vectors, spec, dim=self.dim)

    # ------------------------------------------------------------------------------------------ search

    def search(self, query: Matrix, k: int, *, allowed: Mask | None = None) -> Hits:
        """Top-k rows by inner product for one query vector; `allowed` (bool per row) restricts the rows."""
        q = _check_vectors(query.reshape(1, -1), self.dim)
        n = self.ntotal
        if n == 0 or k <= 0:
            return Hits.empty()
        if allowed is None:
            return self._ann(q, min(k, n), None, 1.0)
        n_allowed = int(allowed.sum())
        if n_allowed == 0:
            return Hits.empty()
        k = min(k, n_allowed)
        if self.spec.kind != "flat" and (n_allowed <= EXACT_SUBSET_MAX or n_allowed < k * 50):
            return self._exact_subset(q, k, np.flatnonzero(allowed))
        hits = self._ann(q, k, allowed, n_allowed / n)
        if len(hits.rows) < k:  # graph/probe search came up short under a selective filter
            hits = self._exact_subset(q, k, np.flatnonzero(allowed))
        return hits

    def _ann(self, q: Matrix, k: int, allowed: Mask | None, fraction: float) -> Hits:
        faiss = _faiss()
        params = None
        bitmap = None
        if allowed is not None:
            bitmap = np.packbits(allowed, bitorder="little")
            selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bitmap))
        else:
            selector = None
        if self.spec.kind == "hnsw":
            ef = max(self.spec.params["ef_search"], k)
            ef = min(4096, math.ceil(ef / max(fraction, 1e-6))) if allowed is not None else ef
            params = (
                faiss.SearchParametersHNSW(sel=selector, efSearch=ef)
                if selector
                else faiss.SearchParametersHNSW(efSearch=ef)
            )
        elif self.spec.kind == "ivf":
            nprobe = self.spec.params["nprobe"]
            if allowed is not None:
                nprobe = min(self.spec.params["nlist"], math.ceil(nprobe / max(fraction, 1e-6)))
            params = (
                faiss.SearchParametersIVF(sel=selector, nprobe=nprobe)
                if selector
                else faiss.SearchParametersIVF(nprobe=nprobe)
            )
        elif selector is not None:
            params = faiss.SearchParameters(sel=selector)
        scores, rows = self._index.search(q, k, params=params)
        del bitmap  # the selector points into it: keep it alive until the search returned
        valid = rows[0] >= 0
        return Hits(rows[0][valid].astype(np.int64), scores[0][valid].astype(np.float32))

    def _exact_subset(self, q: Matrix, k: int, rows: Rows) -> Hits:
        vectors = self.reconstruct(rows)
        scores = vectors @ q[0]
        k = min(k, len(rows))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(rows) else np.arange(len(rows))
        top = top[np.argsort(-scores[top], kind="stable")]
        return Hits(rows[top].astype(np.int64), scores[top].astype(np.float32))

    # ------------------------------------------------------------------------------------------ disk

    def to_bytes(self) -> np.ndarray[Any, np.dtype[np.uint8]]:
        """The serialized FAISS index (a copy: write it to disk without holding the caller's lock)."""
        return np.asarray(_faiss().serialize_index(self._index), dtype=np.uint8)

    def save(self, path: Path) -> None:
        faiss = _faiss()
        with atomic_path(path) as tmp:
            faiss.write_index(self._index, str(tmp))

    @classmethod
    def load(cls, path: Path, spec: IndexSpec, *, dim: int, n_rows: int) -> DenseIndex:
        if not path.is_file():
            raise ArtifactError(f"index file missing: {path}")
        faiss = _faiss()
        try:
            index = faiss.read_index(str(path))
        except RuntimeError as exc:
            raise ArtifactError(f"cannot read FAISS index {path}: {exc}") from exc
        if int(index.d) != dim:
            raise ArtifactError(f"{path} holds {index.d}-d vectors, the manifest says {dim}")
        if spec.kind == "hnsw":
            index.hnsw.efSearch = spec.params["ef_search"]
        elif spec.kind == "ivf":
            index.nprobe = spec.params["nprobe"]
        # IVF drops deleted rows from its lists, so it may hold fewer vectors than the table has rows
        if int(index.ntotal) != n_rows and not (spec.kind == "ivf" and int(index.ntotal) < n_rows):
            raise ArtifactError(f"{path} holds {index.ntotal} vectors, the document table {n_rows} rows")
        return cls(index, spec, dim, n_rows=n_rows)
