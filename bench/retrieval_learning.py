"""Retrieval that learns the desk: hit@1 / hit@5 of the learned query adapter (index/adapter.py) and topic-aware
re-ranking (index/rerank.py) against plain MiniLM dense retrieval and today's hybrid, in one run.

Per data set: a seeded stratified split into train (indexed, adapter fitted on it) / validation (adapter ridge
and alpha, re-ranking weight) / test (reported). A hit is a retrieved case of the query's label. The re-ranking
probabilities come from a logistic regression on the train embeddings (a stand-in for the routing head).

    nice -n 10 python -m bench.retrieval_learning --out reports/retrieval_learning.json
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bench.common import REPO_ROOT, emit_json, print_table
from index.adapter import GateSet, LinearAdapter, fit_adapter
from index.documents import Case
from index.evaluation import split_indices
from index.rerank import topic_rerank
from index.search_index import SearchIndex
from models.embedding.base import Embedder, Matrix
from models.embedding.factory import make_embedder
from models.text import ticket_text

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"  # ../shared/data, read in place
DEPTH = 20  # cases retrieved before re-ranking
WEIGHTS = (0.25, 0.5, 0.75)


def load_dataset(name: str) -> tuple[list[str], list[str]]:
    if name == "banking77":
        with (DATA / "banking77" / "train.csv").open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        return [r["text"] for r in rows], [r["category"] for r in rows]
    if name == "bitext":
        with (DATA / "bitext" / "bitext_cs_4514.csv").open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        return [r["instruction"] for r in rows], [r["intent"] for r in rows]
    if name == "demo":
        path = REPO_ROOT / "data" / "demo" / "tickets.jsonl"
        demo = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        demo = [r for r in demo if r.get("topic")]
        return [ticket_text(r.get("subject") or "", r.get("body") or "") for r in demo], [r["topic"] for r in demo]
    raise SystemExit(f"unknown data set {name}")


def embed(embedder: Embedder, texts: list[str], cache_dir: Path) -> Matrix:
    key = hashlib.sha256(("\n".join(texts) + embedder.model_id).encode()).hexdigest()[:24]
    path = cache_dir / f"embeddings-{key}.npy"
    if path.is_file():
        return np.asarray(np.load(path), dtype=np.float32)
    vectors = embedder.encode(texts, batch_size=64)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def score(index: SearchIndex, rows: npt.NDArray[np.int64], texts: Sequence[str], labels: Sequence[str],
          vectors: Matrix, *, mode: str, probs: npt.NDArray[np.float64] | None = None,
          classes: Sequence[str] = (), weight: float = 0.0) -> dict[str, float]:
    first: list[int | None] = []
    for j, q in enumerate(rows.tolist()):
        cases = index.search(texts[q], k_cases=DEPTH if probs is not None else 5, k_articles=0, mode=mode,
                             query_vector=vectors[j]).cases
        if probs is not None:
            cases = topic_rerank(cases, dict(zip(classes, probs[j].tolist(), strict=True)), weight=weight)
        ranks = [r for r, hit in enumerate(cases[:5], start=1) if hit.topic == labels[q]]
        first.append(ranks[0] if ranks else None)
    n = max(1, len(first))
    return {f"hit@{k}": round(sum(1 for r in first if r is not None and r <= k) / n, 4) for k in (1, 5)}


def run_dataset(name: str, embedder: Embedder, *, seed: int, max_rows: int, cache_dir: Path) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    started = time.perf_counter()
    texts, labels = load_dataset(name)
    everything = np.arange(len(texts), dtype=np.int64)
    if len(texts) > max_rows:  # seeded stratified subsample
        everything, _ = split_indices(everything, labels, 1 - max_rows / len(texts), seed)
    texts = [texts[i] for i in everything.tolist()]
    labels = [labels[i] for i in everything.tolist()]
    vectors = embed(embedder, texts, cache_dir / name)
    all_rows = np.arange(len(texts), dtype=np.int64)
    rest, test = split_indices(all_rows, labels, 0.1, seed)
    train, val = split_indices(rest, labels, 0.1, seed + 1)
    cases = [Case(id=str(i), text=texts[i], topic=labels[i]) for i in train.tolist()]
    index = SearchIndex.build(cases=cases, articles=[], embedder=embedder, case_vectors=vectors[train],
                              dedup_threshold=None, index_type="flat")
    val_set = GateSet(vectors=vectors[val], topics=[labels[i] for i in val.tolist()],
                      ids=[str(i) for i in val.tolist()], source="validation")
    fit = fit_adapter(vectors=vectors[train], topics=[labels[i] for i in train.tolist()],
                      ids=[str(i) for i in train.tolist()], embedder_id=embedder.model_id, gate=val_set,
                      validation=val_set, seed=seed)
    adapter: LinearAdapter = fit.candidate
    clf = LogisticRegression(max_iter=300, C=10.0)
    clf.fit(vectors[train], [labels[i] for i in train.tolist()])
    classes = [str(c) for c in clf.classes_]
    val_probs = clf.predict_proba(vectors[val])
    test_probs = clf.predict_proba(vectors[test])
    val_adapted, test_adapted = adapter.apply(vectors[val]), adapter.apply(vectors[test])
    tuned = {w: score(index, val, texts, labels, val_adapted, mode="hybrid", probs=val_probs, classes=classes,
                      weight=w) for w in WEIGHTS}
    weight = max(WEIGHTS, key=lambda w: (tuned[w]["hit@1"], tuned[w]["hit@5"]))
    tuned_dense = {w: score(index, val, texts, labels, vectors[val], mode="dense", probs=val_probs, classes=classes,
                            weight=w) for w in WEIGHTS}
    weight_dense = max(WEIGHTS, key=lambda w: (tuned_dense[w]["hit@1"], tuned_dense[w]["hit@5"]))
    test_vectors = vectors[test]
    results = {
        "dense (plain MiniLM)": score(index, test, texts, labels, test_vectors, mode="dense"),
        "hybrid (today)": score(index, test, texts, labels, test_vectors, mode="hybrid"),
        "dense + adapter": score(index, test, texts, labels, test_adapted, mode="dense"),
        "hybrid + adapter": score(index, test, texts, labels, test_adapted, mode="hybrid"),
        f"dense + topic re-rank (w={weight_dense:g})": score(
            index, test, texts, labels, test_vectors, mode="dense", probs=test_probs, classes=classes,
            weight=weight_dense),
        f"hybrid + adapter + topic re-rank (w={weight:g})": score(
            index, test, texts, labels, test_adapted, mode="hybrid", probs=test_probs, classes=classes, weight=weight),
    }
    return {"data": name, "rows": len(texts), "labels": len(set(labels)), "indexed": len(train),
            "validation": len(val), "test": len(test), "adapter": fit.to_dict(), "rerank_weight": weight,
            "rerank_weight_dense": weight_dense, "router_test_accuracy": round(float(
                np.mean(np.asarray(classes)[test_probs.argmax(axis=1)] == np.asarray([labels[i] for i in test]))), 4),
            "test_metrics": results, "seconds": round(time.perf_counter() - started, 1)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", nargs="+", default=["banking77", "bitext", "demo"])
    parser.add_argument("--backend", default="sentence-transformers", help="hashing: a quick smoke run")
    parser.add_argument("--model", default="sentence-transformers/all-MiniLM-L6-v2")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--max-rows", type=int, default=12_000, help="seeded stratified subsample above this")
    parser.add_argument("--cache-dir", type=Path, default=REPO_ROOT / "var" / "cache" / "retrieval_learning")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    embedder = make_embedder(args.backend, args.model, num_threads=2)
    embedder.load()
    reports = [run_dataset(name, embedder, seed=args.seed, max_rows=args.max_rows, cache_dir=args.cache_dir)
               for name in args.data]
    for report in reports:
        rows = [{"method": m, **v} for m, v in report["test_metrics"].items()]
        print_table(f"{report['data']}: {report['test']} test queries, {report['indexed']} indexed, "
                    f"{report['labels']} labels ({report['seconds']} s)", rows, ["method", "hit@1", "hit@5"])
    emit_json({"command": "python -m bench.retrieval_learning", "seed": args.seed, "model": args.model,
               "results": reports}, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
