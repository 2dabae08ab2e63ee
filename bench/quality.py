"""Quality benchmark: Deskmate's default recipe vs a TF-IDF + LinearSVC baseline, same run, same splits.

- Banking77: accuracy / macro-F1 on the seeded stratified 10 % test split (seed 13) that `deskmate train
  --test-size 0.1` holds out; retrieval hit@1 of the Deskmate index (`index.evaluation`) vs TF-IDF cosine
  nearest neighbour on the seeded 90/10 retrieval split.
- CLINC150: train on train + oos_train, evaluate on val + oos_val: in-scope accuracy, out-of-scope recall and
  false-reject rate. The baseline abstains below a max-decision-score threshold that rejects the same share of
  in-scope validation rows as Deskmate's budget (`max_false_reject`).
- `--onnx DIR`: the Deskmate recipe again on the Banking77 split with the ONNX int8 embedder (exported into DIR
  first if DIR holds none), and the accuracy delta vs torch.

Embeddings are cached in `--cache-dir`, so a rerun only fits heads.

    python -m bench.quality [--dataset all|banking77|clinc150] [--max-rows N] [--onnx var/onnx-int8]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import REPO_ROOT
from index.evaluation import evaluate_retrieval, split_indices
from models.baseline import BaselineOptions, fit_baseline, tfidf_neighbour_hits
from models.classifier import HeadConfig
from models.data import FieldMapping, LabelledText, load_labelled, stratified_split
from models.embedding.base import DEFAULT_MODEL, Embedder
from models.embedding.sentence_transformer import SentenceTransformerEmbedder
from models.evaluation import evaluate_rows
from models.metrics import abstain_metrics, classification_metrics
from models.routing_heads import make_aux_embedder
from models.training import TrainOptions, embed_texts, train_routing_model

logger = logging.getLogger("bench.quality")

DATA_DIR = REPO_ROOT.parent / "shared" / "data"
SEED = 13


def cap_rows(rows: list[LabelledText], max_rows: int | None, *, seed: int = SEED) -> list[LabelledText]:
    """A seeded stratified sample of at most `max_rows` rows (all rows when None or already small enough)."""
    if not max_rows or len(rows) <= max_rows:
        return rows
    _, keep = stratified_split([r.topic for r in rows], test_size=max_rows / len(rows), seed=seed)
    return [rows[i] for i in keep]


def _classification(truth: list[str], pred: list[str]) -> dict[str, float]:
    metrics = classification_metrics(truth, pred, np.zeros(len(truth)))
    return {"accuracy": metrics["accuracy"], "macro_f1": metrics["macro_f1"], "n": metrics["n"]}


def banking77(*, data_dir: Path, embedder: Embedder, cache_dir: Path, max_rows: int | None,
              baseline: BaselineOptions, retrieval: bool, onnx_embedder: Embedder | None) -> dict[str, Any]:
    rows = cap_rows(load_labelled(data_dir / "banking77" / "train.csv",
                                  FieldMapping(text="text", topic="category", urgency=None)), max_rows)
    texts, topics = [r.text for r in rows], [r.topic for r in rows]
    options = TrainOptions(test_size=0.1, seed=SEED, cache_dir=cache_dir)
    out: dict[str, Any] = {"rows": len(rows)}

    _, metrics = train_routing_model(rows=rows, embedder=embedder, options=options, show_progress=True)
    out["deskmate"] = {**{k: metrics["test"]["topic"][k] for k in ("accuracy", "macro_f1", "n")},
                       "seconds": metrics["timing"]["total_seconds"], "embedder": embedder.model_id}

    started = time.perf_counter()
    pool, test = stratified_split(topics, test_size=options.test_size, seed=options.seed)  # the same test rows
    model, info = fit_baseline([texts[i] for i in pool], [topics[i] for i in pool], options=baseline)
    pred, _ = model.predict([texts[i] for i in test])
    out["baseline"] = {**_classification([topics[i] for i in test], pred), "tuning": info,
                       "seconds": round(time.perf_counter() - started, 2)}

    if onnx_embedder is not None:
        _, onnx_metrics = train_routing_model(rows=rows, embedder=onnx_embedder, options=options, show_progress=True)
        acc = onnx_metrics["test"]["topic"]["accuracy"]
        delta = 100 * (acc - out["deskmate"]["accuracy"])
        out["onnx"] = {"embedder": onnx_embedder.model_id, "accuracy": acc,
                       "macro_f1": onnx_metrics["test"]["topic"]["macro_f1"], "delta_points_vs_torch": delta,
                       "keep_onnx": delta >= -0.5, "seconds": onnx_metrics["timing"]["total_seconds"]}

    if retrieval:
        # The cached recipe features start with the primary embedding: the vectors the index stores.
        aux = [make_aux_embedder(name) for name in options.aux_embedders]
        vectors = embed_texts(embedder, aux, texts, options.batch_size, False, cache_dir)[:, :embedder.dim]
        report = evaluate_retrieval(texts=texts, labels=topics, embedder=embedder, test_size=0.1, seed=SEED,
                                    vectors=np.ascontiguousarray(vectors))
        indexed, queries = split_indices(np.arange(len(texts), dtype=np.int64), topics, 0.1, SEED)
        tfidf = tfidf_neighbour_hits([texts[i] for i in indexed], [topics[i] for i in indexed],
                                     [texts[i] for i in queries], [topics[i] for i in queries])
        out["retrieval"] = {"deskmate": report.metrics, "deskmate_mode": "hybrid",
                            "dense_weight": report.dense_weight, "rrf_k": report.rrf_k, "baseline": tfidf,
                            "n_indexed": report.n_indexed, "n_queries": report.n_queries}
    return out


def clinc150(*, data_dir: Path, embedder: Embedder, cache_dir: Path, max_rows: int | None,
             baseline: BaselineOptions) -> dict[str, Any]:
    folder = data_dir / "clinc150"
    mapping = FieldMapping(text="text", topic="intent", urgency=None)
    train_in = cap_rows(load_labelled(folder / "train.jsonl", mapping), max_rows)
    train_oos = load_labelled(folder / "oos_train.jsonl", mapping)
    eval_in = cap_rows(load_labelled(folder / "val.jsonl", mapping), max_rows and max(200, max_rows // 5))
    eval_rows = eval_in + load_labelled(folder / "oos_val.jsonl", mapping)
    options = TrainOptions(oos_label="oos", seed=SEED, head=HeadConfig(C=100.0, tfidf=False, seed=SEED),
                           cache_dir=cache_dir, max_false_reject=baseline.max_false_reject)
    out: dict[str, Any] = {"train_rows": len(train_in) + len(train_oos), "eval_rows": len(eval_rows),
                           "eval_oos_rows": len(eval_rows) - len(eval_in)}

    model, metrics = train_routing_model(rows=train_in + train_oos, embedder=embedder, options=options,
                                         show_progress=True)
    eval_texts = [r.text for r in eval_rows]
    dense = embed_texts(embedder, model.aux_embedders, eval_texts, options.batch_size, True, cache_dir)
    result = evaluate_rows(model=model, embedder=embedder, rows=eval_rows, oos_label="oos", dense=dense)
    out["deskmate"] = {**result["abstain"], "accuracy": result["topic"]["accuracy"],
                       "oos_score": model.abstain.oos_score, "seconds": metrics["timing"]["total_seconds"]}

    started = time.perf_counter()
    svm, info = fit_baseline([r.text for r in train_in], [r.topic for r in train_in], options=baseline, abstain=True)
    pred, scores = svm.predict(eval_texts)
    is_oos = np.array([r.topic == "oos" for r in eval_rows])
    correct = np.array([p == r.topic for p, r in zip(pred, eval_rows, strict=True)])
    abstained = svm.abstains(scores)
    out["baseline"] = {**abstain_metrics(in_scope_abstained=abstained[~is_oos], in_scope_correct=correct[~is_oos],
                                         oos_abstained=abstained[is_oos]),
                       "accuracy": float(correct[~is_oos].mean()), "tuning": info,
                       "seconds": round(time.perf_counter() - started, 2)}
    return out


def comparison(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Flat rows (dataset, metric, deskmate, baseline, delta in points, higher_is_better) for tables and reports."""
    rows: list[dict[str, Any]] = []

    def add(dataset: str, metric: str, ours: float, theirs: float, *, higher: bool = True) -> None:
        rows.append({"dataset": dataset, "metric": metric, "deskmate": ours, "baseline": theirs,
                     "delta_points": 100 * (ours - theirs), "higher_is_better": higher})

    if "banking77" in results:
        b = results["banking77"]
        add("banking77", "accuracy", b["deskmate"]["accuracy"], b["baseline"]["accuracy"])
        add("banking77", "macro_f1", b["deskmate"]["macro_f1"], b["baseline"]["macro_f1"])
        if "retrieval" in b:
            r = b["retrieval"]
            add("banking77", "retrieval hit@1", r["deskmate"]["hybrid"]["hit@1"], r["baseline"]["hit@1"])
            add("banking77", "retrieval hit@5", r["deskmate"]["hybrid"]["hit@5"], r["baseline"]["hit@5"])
    if "clinc150" in results:
        c = results["clinc150"]
        add("clinc150", "in-scope accuracy", c["deskmate"]["in_scope_accuracy"], c["baseline"]["in_scope_accuracy"])
        add("clinc150", "oos recall", c["deskmate"]["oos_recall"], c["baseline"]["oos_recall"])
        add("clinc150", "false-reject rate", c["deskmate"]["false_reject_rate"], c["baseline"]["false_reject_rate"],
            higher=False)
    return rows


def print_tables(results: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Deskmate default recipe vs TF-IDF + LinearSVC (same run, same splits)")
    for column in ("dataset", "metric", "Deskmate", "TF-IDF + SVM", "Δ points", "error ratio"):
        table.add_column(column, justify="left" if column in ("dataset", "metric") else "right")
    for row in results["comparison"]:
        ours, theirs = row["deskmate"], row["baseline"]
        err_ours, err_theirs = (1 - ours, 1 - theirs) if row["higher_is_better"] else (ours, theirs)
        ratio = f"{err_ours / err_theirs:.2f}×" if err_theirs > 0 else "-"
        table.add_row(row["dataset"], row["metric"], f"{ours:.4f}", f"{theirs:.4f}", f"{row['delta_points']:+.2f}",
                      ratio)
    console = Console()
    console.print(table)
    onnx = results.get("banking77", {}).get("onnx")
    if onnx:
        console.print(f"ONNX int8 embedder on the Banking77 split: accuracy {onnx['accuracy']:.4f} "
                      f"({onnx['delta_points_vs_torch']:+.2f} points vs torch) -> "
                      f"{'keep' if onnx['keep_onnx'] else 'drop'} (rule: drop no more than 0.5 points)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", choices=("all", "banking77", "clinc150"), default="all")
    parser.add_argument("--max-rows", type=int, default=None, help="seeded stratified cap per split (smoke runs)")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--cache-dir", type=Path, default=REPO_ROOT / "var" / "cache")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "var" / "bench" / "quality.json")
    parser.add_argument("--baseline-c", type=float, default=None,
                        help="fixed C of the LinearSVC (default: tuned over 0.1..10 on a validation split)")
    parser.add_argument("--no-retrieval", action="store_true", help="skip the Banking77 retrieval comparison")
    parser.add_argument("--onnx", type=Path, default=None,
                        help="also run the recipe with the ONNX int8 embedder in this folder (exported if missing)")
    parser.add_argument("--threads", type=int, default=2, help="torch / ONNX Runtime threads of the embedders")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)

    embedder = SentenceTransformerEmbedder(DEFAULT_MODEL, num_threads=args.threads)
    onnx_embedder: Embedder | None = None
    if args.onnx is not None:
        from models.embedding.export import export_onnx
        from models.embedding.onnx import OnnxEmbedder

        if not (args.onnx / "manifest.json").is_file():
            export_onnx(out_dir=args.onnx, source=DEFAULT_MODEL, quantize=True)
        onnx_embedder = OnnxEmbedder(args.onnx, threads=args.threads)
    baseline = BaselineOptions(C=args.baseline_c, seed=SEED)
    started = time.perf_counter()
    results: dict[str, Any] = {
        "command": shlex.join([Path(sys.executable).name, "-m", "bench.quality", *sys.argv[1:]]),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpu_count": os.cpu_count(), "note": "times are upper bounds: the CPU is shared with other jobs",
        "max_rows": args.max_rows, "seed": SEED,
        "baseline": {"features": "TF-IDF word 1-2 + char_wb 2-5 grams", "estimator": "LinearSVC",
                     "C": "tuned on validation" if args.baseline_c is None else args.baseline_c},
    }
    if args.dataset in ("all", "banking77"):
        results["banking77"] = banking77(data_dir=args.data_dir, embedder=embedder, cache_dir=args.cache_dir,
                                         max_rows=args.max_rows, baseline=baseline, retrieval=not args.no_retrieval,
                                         onnx_embedder=onnx_embedder)
    if args.dataset in ("all", "clinc150"):
        results["clinc150"] = clinc150(data_dir=args.data_dir, embedder=embedder, cache_dir=args.cache_dir,
                                       max_rows=args.max_rows, baseline=baseline)
    results["comparison"] = comparison(results)
    results["seconds"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_tables(results)
    logger.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
