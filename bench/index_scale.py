"""Vector-store scale benchmark: flat (exact, the baseline) vs HNSW vs IVF at 100k and 1M vectors.

Vectors are realistic rather than uniform: real all-MiniLM-L6-v2 embeddings of a few thousand support
sentences (the shared evaluation sets), each synthetic vector = a random sentence embedding + a scaled
difference of two others + small isotropic noise, renormalized. Queries are built the same way from
held-out sentences that never seed an indexed vector. Per index: build time, RSS delta and serialized
size, single-query warm latency p50/p99 through `DenseIndex.search`, recall@10 against exact search.

    python -m bench.index_scale --sizes 100000 1000000 --out reports/index_scale.json
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from index.dense import DenseIndex, choose_index_spec, set_faiss_threads
from models.embedding.base import Embedder, Matrix
from models.embedding.factory import make_embedder

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
K = 10


def _rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _sentences(data_dir: Path, limit: int, seed: int) -> list[str]:
    texts: list[str] = []
    banking = data_dir / "banking77" / "train.csv"
    if banking.is_file():
        with banking.open(newline="", encoding="utf-8") as handle:
            texts += [row["text"] for row in csv.DictReader(handle)]
    clinc = data_dir / "clinc150" / "train.jsonl"
    if clinc.is_file():
        with clinc.open(encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()]
    bitext = data_dir / "bitext" / "bitext_cs_4514.csv"
    if bitext.is_file():
        with bitext.open(newline="", encoding="utf-8") as handle:
            texts += [row["instruction"] for row in csv.DictReader(handle)]
    unique = sorted(set(t.strip() for t in texts if t.strip()))
    if len(unique) < limit:
        raise SystemExit(f"need {limit} sentences under {data_dir}, found {len(unique)}")
    rng = np.random.default_rng(seed)
    return [unique[i] for i in rng.choice(len(unique), limit, replace=False)]


def seed_embeddings(
    *, embedder: Embedder, data_dir: Path, n_sentences: int, seed: int, cache: Path | None
) -> Matrix:
    """Embeddings of `n_sentences` varied real sentences (cached as .npy when `cache` is given)."""
    if cache is not None and cache.is_file():
        cached = np.load(cache)
        if cached.shape[0] == n_sentences:
            return np.asarray(cached, dtype=np.float32)
    vectors = embedder.encode(_sentences(data_dir, n_sentences, seed), show_progress=True)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, vectors)
    return vectors


def synthesize(
    seeds: Matrix,
    n: int,
    rng: np.random.Generator,
    *,
    spread: float = 0.35,
    noise: float = 0.01,
    chunk: int = 100_000,
) -> Matrix:
    """n unit vectors near the seed embeddings: seed_a + U(0, spread) * (seed_b - seed_c) + N(0, noise)."""
    out = np.empty((n, seeds.shape[1]), dtype=np.float32)
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        a, b, c = (rng.integers(len(seeds), size=m) for _ in range(3))
        scale = rng.uniform(0.0, spread, size=(m, 1)).astype(np.float32)
        block = seeds[a] + scale * (seeds[b] - seeds[c])
        block += rng.normal(0.0, noise, size=block.shape).astype(np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start : start + m] = block
    return out


def _exact_topk(base: Matrix, queries: Matrix) -> npt.NDArray[np.int64]:
    import faiss  # heavy import kept out of module import time

    flat = faiss.IndexFlatIP(base.shape[1])
    flat.add(base)
    _, ids = flat.search(queries, K)
    return np.asarray(ids, dtype=np.int64)


def measure(
    store: DenseIndex, queries: Matrix, truth: npt.NDArray[np.int64], n_latency: int, *, search_threads: int
) -> dict[str, float]:
    """Warm single-query latency with `search_threads` OpenMP threads, and recall@10 against exact search."""
    set_faiss_threads(search_threads)
    for q in queries[:5]:
        store.search(q, K)
    timings = []
    found = []
    for q in queries[:n_latency]:
        started = time.perf_counter()
        hits = store.search(q, K)
        timings.append((time.perf_counter() - started) * 1000.0)
        found.append(hits.rows)
    if store.spec.kind != "flat":  # exact search needs no more queries to show recall 1.0
        found += [store.search(q, K).rows for q in queries[n_latency:]]
    recall = float(
        np.mean([len(set(f.tolist()) & set(t.tolist())) / K for f, t in zip(found, truth, strict=False)])
    )
    return {
        "p50_ms": float(np.percentile(timings, 50)),
        "p99_ms": float(np.percentile(timings, 99)),
        "recall@10": recall,
        "recall_queries": len(found),
        "latency_queries": len(timings),
    }


def _with_search_param(store: DenseIndex, name: str, value: int) -> DenseIndex:
    spec = choose_index_spec(0, index_type=store.spec.kind, **{**store.spec.params, name: value})
    return DenseIndex(store._index, spec, store.dim, n_rows=store.ntotal)


def run_size(
    n: int,
    *,
    seeds: Matrix,
    query_seeds: Matrix,
    kinds: Sequence[str],
    n_queries: int,
    hnsw: dict[str, int],
    ef_values: Sequence[int],
    ivf_nlist: int | None,
    nprobe_values: Sequence[int],
    rng: np.random.Generator,
    build_threads: int,
    search_threads: int,
) -> list[dict[str, Any]]:
    import faiss

    base = synthesize(seeds, n, rng)
    queries = synthesize(query_seeds, n_queries, rng)
    started = time.perf_counter()
    set_faiss_threads(build_threads)
    truth = _exact_topk(base, queries)
    logger.info("ground truth", extra={"n": n, "seconds": round(time.perf_counter() - started, 1)})
    rows: list[dict[str, Any]] = []
    for kind in kinds:
        if kind == "flat":
            spec = choose_index_spec(n, index_type="flat")
        elif kind == "hnsw":
            spec = choose_index_spec(n, index_type="hnsw", **hnsw)
        else:
            spec = choose_index_spec(n, index_type="ivf", **({"nlist": ivf_nlist} if ivf_nlist else {}))
        gc.collect()
        set_faiss_threads(build_threads)
        rss_before = _rss_bytes()
        started = time.perf_counter()
        store = DenseIndex.build(base, spec, dim=base.shape[1])
        build_s = time.perf_counter() - started
        rss_delta = _rss_bytes() - rss_before
        size = int(faiss.serialize_index(store._index).nbytes)
        logger.info("built", extra={"n": n, "kind": kind, "seconds": round(build_s, 1)})
        variants: list[tuple[str, DenseIndex]] = [(_describe(spec.kind, spec.params), store)]
        if kind == "hnsw":
            variants = [
                (
                    _describe("hnsw", {**spec.params, "ef_search": ef}),
                    _with_search_param(store, "ef_search", ef),
                )
                for ef in ef_values
            ]
        elif kind == "ivf":
            variants = [
                (_describe("ivf", {**spec.params, "nprobe": p}), _with_search_param(store, "nprobe", p))
                for p in nprobe_values
            ]
        for label, variant in variants:
            n_latency = min(n_queries, 200 if kind == "flat" else 1000)
            row: dict[str, Any] = {
                "n": n,
                "index": label,
                "kind": kind,
                "build_s": round(build_s, 2),
                "rss_delta_mb": round(rss_delta / 2**20, 1),
                "size_mb": round(size / 2**20, 1),
                **measure(variant, queries, truth, n_latency, search_threads=search_threads),
            }
            rows.append(row)
            logger.info("measured", extra=row)
        del store, variants
    flat = next((r for r in rows if r["kind"] == "flat"), None)
    for row in rows:
        if flat is not None:
            row["build_x_flat"] = round(row["build_s"] / max(flat["build_s"], 1e-9), 2)
            row["size_x_flat"] = round(row["size_mb"] / max(flat["size_mb"], 1e-9), 2)
            row["p99_speedup_vs_flat"] = round(flat["p99_ms"] / max(row["p99_ms"], 1e-9), 1)
    return rows


def _describe(kind: str, params: dict[str, int]) -> str:
    return kind if not params else f"{kind}(" + ",".join(f"{k}={v}" for k, v in sorted(params.items())) + ")"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--kinds", nargs="+", default=["flat", "hnsw", "ivf"], choices=["flat", "hnsw", "ivf"]
    )
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--sentences", type=int, default=4000, help="real sentences seeding the vectors")
    parser.add_argument("--query-sentences", type=int, default=500, help="held-out sentences seeding queries")
    parser.add_argument("--backend", default="sentence-transformers", help="or 'hashing' for a quick dry run")
    parser.add_argument("--model", default="sentence-transformers/all-MiniLM-L6-v2")
    parser.add_argument("--data-dir", type=Path, default=DATA)
    parser.add_argument("--cache", type=Path, default=None, help=".npy cache of the seed embeddings")
    parser.add_argument("--hnsw-m", type=int, default=32)
    parser.add_argument("--hnsw-ef-construction", type=int, default=80)
    parser.add_argument("--ef-search", type=int, nargs="+", default=[64, 128, 256, 512])
    parser.add_argument("--ivf-nlist", type=int, default=None)
    parser.add_argument("--nprobe", type=int, nargs="+", default=[4, 8, 16])
    parser.add_argument("--threads", type=int, default=2, help="OpenMP threads for builds and ground truth")
    parser.add_argument("--search-threads", type=int, default=1, help="OpenMP threads for the timed queries")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    import faiss

    embedder = make_embedder(args.backend, args.model if args.backend != "hashing" else "384")
    total = args.sentences + args.query_sentences
    vectors = seed_embeddings(
        embedder=embedder, data_dir=args.data_dir, n_sentences=total, seed=args.seed, cache=args.cache
    )
    seeds, query_seeds = vectors[: args.sentences], vectors[args.sentences :]
    rng = np.random.default_rng(args.seed)
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    for n in args.sizes:
        rows += run_size(
            n,
            seeds=seeds,
            query_seeds=query_seeds,
            kinds=args.kinds,
            n_queries=args.queries,
            hnsw={"m": args.hnsw_m, "ef_construction": args.hnsw_ef_construction},
            ef_values=args.ef_search,
            ivf_nlist=args.ivf_nlist,
            nprobe_values=args.nprobe,
            rng=rng,
            build_threads=args.threads,
            search_threads=args.search_threads,
        )
    payload = {
        "command": " ".join(sys.argv),
        "embedder": embedder.model_id,
        "threads": args.threads,
        "search_threads": args.search_threads,
        "faiss": faiss.__version__,
        "seconds": round(time.perf_counter() - started, 1),
        "results": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2), encoding="utf-8")

    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"index scale (build {args.threads} / search {args.search_threads} threads, "
        f"{args.queries} queries, k={K})"
    )
    columns = [
        "n",
        "index",
        "build_s",
        "size_mb",
        "rss_delta_mb",
        "p50_ms",
        "p99_ms",
        "recall@10",
        "build_x_flat",
        "p99_speedup_vs_flat",
    ]
    for column in columns:
        table.add_column(column, justify="left" if column == "index" else "right")
    for row in rows:
        table.add_row(
            *(
                f"{row.get(c, ''):.3f}" if isinstance(row.get(c), float) else str(row.get(c, ""))
                for c in columns
            )
        )
    Console(width=200).print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
