"""Similar-case retrieval quality on labelled texts: index a stratified part, query with the held-out rest,
count a hit when a retrieved case has the query's label. Fusion weight tuned on a validation split carved
out of the indexed part, never on the test queries.

    python -m index.evaluation --data /work/shared/data/banking77/train.csv --out reports/retrieval.json
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from index.documents import Case
from index.results import DEFAULT_DENSE_WEIGHT, DEFAULT_RRF_K, SEARCH_MODES, check_mode
from index.search_index import SearchIndex
from models.embedding.base import Embedder, Matrix
from models.embedding.factory import make_embedder
from models.errors import InvalidInputError

logger = logging.getLogger(__name__)

DEFAULT_WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
DEFAULT_RRF_KS = (5, 20, 60)


@dataclass(slots=True)
class RetrievalReport:
    """Per-mode metrics on the test queries, plus the validation sweep that chose the fusion weight."""

    embedder_id: str
    n_indexed: int
    n_queries: int
    seed: int
    test_size: float
    dense_weight: float
    rrf_k: int
    metrics: dict[str, dict[str, float]]  # mode -> {"hit@1": ..., "hit@5": ..., "mrr": ...}
    validation: dict[str, dict[str, float]] = field(default_factory=dict)  # "hybrid w=0.7" -> metrics
    best_mode: str = ""
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def split_indices(
    indices: npt.NDArray[np.int64], labels: Sequence[str], test_size: float, seed: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """A seeded split of `indices` stratified by their labels (the retrieval evaluation's index/query split)."""
    from sklearn.model_selection import train_test_split

    strata = [labels[i] for i in indices.tolist()]
    train, test = train_test_split(indices, test_size=test_size, random_state=seed, stratify=strata)
    return np.asarray(train, dtype=np.int64), np.asarray(test, dtype=np.int64)


def _index(
    rows: npt.NDArray[np.int64],
    texts: Sequence[str],
    labels: Sequence[str],
    vectors: Matrix,
    embedder: Embedder,
) -> SearchIndex:
    cases = [Case(id=str(i), text=texts[i], topic=labels[i]) for i in rows.tolist()]
    return SearchIndex.build(
        cases=cases,
        articles=[],
        embedder=embedder,
        case_vectors=vectors[rows],
        dedup_threshold=None,
        index_type="flat",
    )


def _score(
    index: SearchIndex,
    queries: npt.NDArray[np.int64],
    texts: Sequence[str],
    labels: Sequence[str],
    vectors: Matrix,
    *,
    mode: str,
    ks: Sequence[int],
    dense_weight: float,
) -> dict[str, float]:
    depth = max(ks)
    first_hit: list[int | None] = []
    for q in queries.tolist():
        results = index.search(
            texts[q],
            k_cases=depth,
            k_articles=0,
            mode=mode,
            dense_weight=dense_weight,
            query_vector=vectors[q],
        )
        ranks = [r for r, hit in enumerate(results.cases, start=1) if hit.topic == labels[q]]
        first_hit.append(ranks[0] if ranks else None)
    n = max(1, len(first_hit))
    out = {f"hit@{k}": sum(1 for r in first_hit if r is not None and r <= k) / n for k in ks}
    out["mrr"] = sum(1.0 / r for r in first_hit if r is not None) / n
    return out


def evaluate_retrieval(
    *,
    texts: Sequence[str],
    labels: Sequence[str],
    embedder: Embedder,
    test_size: float = 0.1,
    seed: int = 13,
    k: Sequence[int] = (1, 5, 10),
    modes: Sequence[str] = SEARCH_MODES,
    dense_weight: float | None = None,
    weights: Sequence[float] = DEFAULT_WEIGHTS,
    rrf_k: int | None = None,
    rrf_ks: Sequence[int] = DEFAULT_RRF_KS,
    validation_size: float = 0.1,
    vectors: Matrix | None = None,
    show_progress: bool = False,
) -> RetrievalReport:
    """hit@k and MRR per mode on a seeded stratified split (index 1 - test_size, query with test_size).

    With `dense_weight=None` and hybrid among the modes, the weight (and the RRF constant, over `rrf_ks`
    unless `rrf_k` is given) is chosen by validation MRR on a stratified `validation_size` part of the
    indexed side, queried against the rest of it; the test queries never take part in the choice.
    """
    started = time.perf_counter()
    if len(texts) != len(labels) or not texts:
        raise InvalidInputError("texts and labels must be non-empty and of equal length")
    for mode in modes:
        check_mode(mode)
    label_list = [str(label) for label in labels]
    if vectors is None:
        vectors = embedder.encode(list(texts), show_progress=show_progress)
    all_rows = np.arange(len(texts), dtype=np.int64)
    indexed, test = split_indices(all_rows, label_list, test_size, seed)

    validation: dict[str, dict[str, float]] = {}
    weight = DEFAULT_DENSE_WEIGHT if dense_weight is None else dense_weight
    chosen_k = DEFAULT_RRF_K if rrf_k is None else rrf_k
    if dense_weight is None and "hybrid" in modes:
        fit, val = split_indices(indexed, label_list, validation_size, seed + 1)
        val_index = _index(fit, texts, label_list, vectors, embedder)
        grid = [(w, rk) for w in weights for rk in ((rrf_k,) if rrf_k is not None else rrf_ks)]
        for w, rk in grid:
            val_index.manifest.rrf_k = rk
            validation[f"hybrid w={w:g} k={rk}"] = _score(
                val_index, val, texts, label_list, vectors, mode="hybrid", ks=k, dense_weight=w
            )
        for mode in ("dense", "lexical"):
            validation[mode] = _score(
                val_index, val, texts, label_list, vectors, mode=mode, ks=k, dense_weight=weight
            )
        weight, chosen_k = max(
            grid,
            key=lambda g: (
                validation[f"hybrid w={g[0]:g} k={g[1]}"]["mrr"],
                validation[f"hybrid w={g[0]:g} k={g[1]}"][f"hit@{min(k)}"],
            ),
        )
        logger.info("chose fusion on validation", extra={"dense_weight": weight, "rrf_k": chosen_k})

    test_index = _index(indexed, texts, label_list, vectors, embedder)
    test_index.manifest.rrf_k = chosen_k
    metrics = {
        mode: _score(test_index, test, texts, label_list, vectors, mode=mode, ks=k, dense_weight=weight)
        for mode in modes
    }
    best = max(metrics, key=lambda m: (metrics[m]["mrr"], metrics[m][f"hit@{min(k)}"]))
    return RetrievalReport(
        embedder_id=embedder.model_id,
        n_indexed=len(indexed),
        n_queries=len(test),
        seed=seed,
        test_size=test_size,
        dense_weight=weight,
        rrf_k=chosen_k,
        metrics=metrics,
        validation=validation,
        best_mode=best,
        seconds=round(time.perf_counter() - started, 1),
    )


def read_labelled(path: Path, *, text_column: str, label_column: str) -> tuple[list[str], list[str]]:
    """Texts and labels from a CSV or JSONL file."""
    rows: list[dict[str, Any]]
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    else:
        with path.open(encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
    return [str(r[text_column]) for r in rows], [str(r[label_column]) for r in rows]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--label-column", default="category")
    parser.add_argument("--backend", default="sentence-transformers")
    parser.add_argument("--model", default="sentence-transformers/all-MiniLM-L6-v2")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--test-size", type=float, default=0.1)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=None, help=".npy cache of the text embeddings")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    texts, labels = read_labelled(args.data, text_column=args.text_column, label_column=args.label_column)
    embedder = make_embedder(args.backend, args.model)
    vectors: Matrix | None = None
    if args.cache is not None and args.cache.is_file():
        vectors = np.load(args.cache)
    if vectors is None or vectors.shape[0] != len(texts):
        vectors = embedder.encode(texts, show_progress=True)
        if args.cache is not None:
            args.cache.parent.mkdir(parents=True, exist_ok=True)
            np.save(args.cache, vectors)
    report = evaluate_retrieval(
        texts=texts,
        labels=labels,
        embedder=embedder,
        test_size=args.test_size,
        seed=args.seed,
        vectors=vectors,
        show_progress=True,
    )
    payload = {"command": " ".join(sys.argv), "data": str(args.data), **report.to_dict()}

    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"retrieval on {args.data.name} ({report.n_queries} queries, "
        f"w={report.dense_weight:g}, rrf_k={report.rrf_k})"
    )
    table.add_column("mode")
    for key in report.metrics[next(iter(report.metrics))]:
        table.add_column(key, justify="right")
    for mode, values in report.metrics.items():
        table.add_row(mode, *(f"{v:.4f}" for v in values.values()))
    Console().print(table)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
