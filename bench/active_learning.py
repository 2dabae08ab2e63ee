"""Active-learning benchmark (simulated on Banking77): accuracy vs labels spent, uncertainty+diversity vs random.

The test part is the seeded stratified 20 % of train.csv (seed 13) that bench/cold_start.py holds out; the rest is
the unlabelled pool whose labels are revealed when a strategy picks them. Each run starts from 2 labelled rows per
intent (seeded), then repeats: fit logistic regression (C=10) on frozen all-MiniLM-L6-v2 embeddings of the labelled
rows, score the pool, label the next `--batch` rows chosen by the strategy (`models.active_learning.select_batch`:
`uncertainty+diversity`, `uncertainty` or `random`), until `--budget` labels. Accuracy on the test part at each
step; mean ± std over seeds.

    nice -n 10 python -m bench.active_learning [--seeds 13,14,15] [--batch 100] [--budget 1500]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import REPO_ROOT
from models.active_learning import STRATEGIES, select_batch
from models.classifier import ClassifierHead, HeadConfig
from models.data import FieldMapping, load_labelled, stratified_split
from models.embedding.base import DEFAULT_MODEL, Matrix
from models.embedding.sentence_transformer import SentenceTransformerEmbedder

logger = logging.getLogger("bench.active_learning")

DATA_DIR = REPO_ROOT.parent / "shared" / "data"


def embeddings(texts: list[str], cache_dir: Path, threads: int) -> Matrix:
    key = hashlib.sha256("\x1f".join([DEFAULT_MODEL, *texts]).encode()).hexdigest()[:24]
    path = cache_dir / f"al-embeddings-{key}.npy"
    if path.is_file():
        cached: Matrix = np.load(path)
        return cached
    vectors = SentenceTransformerEmbedder(DEFAULT_MODEL, num_threads=threads).encode(texts, show_progress=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def initial(labels: list[str], per_class: int, seed: int) -> list[int]:
    rng = np.random.default_rng(seed)
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    return [int(i) for label in sorted(by_label) for i in rng.choice(by_label[label], size=per_class,
                                                                       replace=False)]


def simulate(*, pool_x: Matrix, pool_y: list[str], test_x: Matrix, test_y: list[str], strategy: str, seed: int,
             start_per_class: int, batch: int, budget: int) -> list[dict[str, Any]]:
    labelled = initial(pool_y, start_per_class, seed)
    curve: list[dict[str, Any]] = []
    texts = [""] * len(pool_y)  # dense-only head: texts are not features
    while True:
        head = ClassifierHead(HeadConfig(C=10.0, tfidf=False, seed=seed, max_iter=1000)).fit(
            [texts[i] for i in labelled], pool_x[labelled], [pool_y[i] for i in labelled])
        out = head.predict([""] * len(test_y), test_x)
        accuracy = float(np.mean([head.labels[j] == t for j, t in zip(out.probabilities.argmax(axis=1), test_y,
                                                                          strict=True)]))
        curve.append({"labels": len(labelled), "accuracy": accuracy})
        if len(labelled) >= budget:
            return curve
        taken = set(labelled)
        rest = np.array([i for i in range(len(pool_y)) if i not in taken])
        probs = head.predict([""] * len(rest), pool_x[rest]).probabilities
        picks = select_batch(probabilities=probs, embeddings=pool_x[rest], k=min(batch, budget - len(labelled)),
                             strategy=strategy, seed=seed + len(labelled))
        labelled += [int(rest[p.index]) for p in picks]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="13,14,15")
    parser.add_argument("--strategies", default=",".join(STRATEGIES))
    parser.add_argument("--start-per-class", type=int, default=2)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--budget", type=int, default=1500)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--cache-dir", type=Path, default=REPO_ROOT / "var" / "cache")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "var" / "bench" / "active_learning.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    rows = load_labelled(args.data_dir / "banking77" / "train.csv",
                         FieldMapping(text="text", topic="category", urgency=None))
    labels = [r.topic for r in rows]
    vectors = embeddings([r.text for r in rows], args.cache_dir, args.threads)
    pool, test = stratified_split(labels, test_size=0.2, seed=13)
    pool_x, test_x = vectors[pool], vectors[test]
    pool_y, test_y = [labels[i] for i in pool], [labels[i] for i in test]
    results: dict[str, Any] = {
        "command": shlex.join([Path(sys.executable).name, "-m", "bench.active_learning", *sys.argv[1:]]),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "pool_rows": len(pool),
        "test_rows": len(test), "runs": []}
    for strategy in args.strategies.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            started = time.perf_counter()
            curve = simulate(pool_x=pool_x, pool_y=pool_y, test_x=test_x, test_y=test_y, strategy=strategy,
                             seed=seed, start_per_class=args.start_per_class, batch=args.batch, budget=args.budget)
            results["runs"].append({"strategy": strategy, "seed": seed, "curve": curve,
                                    "seconds": round(time.perf_counter() - started, 1)})
            logger.info("%s seed %d: %s", strategy, seed, [round(c["accuracy"], 4) for c in curve])
    table: list[dict[str, Any]] = []
    for strategy in args.strategies.split(","):
        runs = [r["curve"] for r in results["runs"] if r["strategy"] == strategy]
        for step in range(len(runs[0])):
            values = [c[step]["accuracy"] for c in runs]
            table.append({"strategy": strategy, "labels": runs[0][step]["labels"], "mean": float(np.mean(values)),
                          "std": float(np.std(values))})
    results["table"] = table
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    for row in table:
        logger.info("%-22s %5d labels  %.4f ± %.4f", row["strategy"], row["labels"], row["mean"], row["std"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
