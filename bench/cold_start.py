"""Cold-start benchmark: routing from a topic list with 0, 4, 8 and 16 examples per topic, seeded repeats.

Banking77 (77 intents): a seeded stratified 20 % of train.csv (seed 13) is the test part, the same for every run;
examples are drawn from the rest. CLINC150 (150 in-scope intents): examples from train.jsonl, test on val.jsonl's
in-scope rows (out-of-scope recall on oos_val.jsonl). Descriptions are written by one rule from the intent names
(`models.cold_start.description_from_name`: "card_arrival" -> "card arrival"), never from any text.

Per dataset, shots k and seed (examples: the first k of a seeded per-topic draw of 16, so 4 is inside 8 is inside
16), in the same run:
- tfidf_lr: TF-IDF word 1-2 + char 2-5 grams, logistic regression (C=10) on the examples;
- frozen_lr: logistic regression (C=10) on frozen all-MiniLM-L6-v2 embeddings of the examples;
- cold_start: Deskmate's cold-start model (`models.cold_start`: examples + templated descriptions, embeddings +
  TF-IDF, out-of-fold calibration, abstain rule tuned on the background set); 0 shots = zero-shot prototypes;
- cold_start_st (only at `--self-train-shots`): the same with self-training on the dataset's unlabelled pool
  (Banking77: the rest of train.csv's non-test part; CLINC150: train.jsonl plus the 100 out-of-scope rows of
  oos_train.jsonl, as a desk's history holds off-topic tickets too), labels dropped;
- cold_start_ft (only at `--finetune-shots`): the same after a contrastive fine-tune of MiniLM on the examples
  and descriptions (`models.contrastive`), test texts re-embedded with the fine-tuned model;
- cold_start_ft_st (at shots in both lists): the fine-tuned model with self-training on the unlabelled pool.
Accuracy is the top-1 accuracy on all test rows (no abstention); `reject` is the share of in-scope test rows the
cold-start model hands to a human, `oos_recall` (CLINC150) the share of oos_val it catches. Two models whose abstain
rules reject different shares of in-scope rows are not comparable on `oos_recall` alone: `oos_auroc_msp/energy` and
`oos_recall_<score>_at_<5|10>` (out-of-scope recall at a 5 % / 10 % in-scope reject) compare them at one operating
point (`oos_separation`).

Out-of-fold calibration uses 2 folds here (`train-topics` uses 3): it sets the temperature and abstain rule only.

`--tune-self-training` chooses the self-training options without a test part: a seeded 1,500 rows of Banking77's
example pool (seed 7) are the validation part, examples (8 per intent) and the unlabelled pool come from the rest;
logistic regression (C=30) on frozen MiniLM, without and with each option set of `SELF_TRAINING_GRID`.

    nice -n 10 python -m bench.cold_start [--datasets banking77,clinc150] [--seeds 13,14,15] [--finetune-shots 8]
        [--finetune-datasets banking77] [--finetune-seeds 13] [--max-test 1500] [--finetune-device cuda]
        [--self-train-shots 8] [--max-false-reject 0.03]
"""

from __future__ import annotations

import argparse
import json
import logging
import shlex
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline, make_union

from bench.common import REPO_ROOT
from models.classifier import ClassifierHead, HeadConfig, HeadOutput, energy
from models.cold_start import (
    ColdStartOptions,
    Topic,
    TopicList,
    build_cold_start_model,
    description_from_name,
    self_train,
)
from models.contrastive import FineTuneOptions, fine_tune
from models.data import FieldMapping, LabelledText, load_labelled, stratified_split
from models.embedding.base import DEFAULT_MODEL, Embedder, Matrix
from models.embedding.sentence_transformer import SentenceTransformerEmbedder

logger = logging.getLogger("bench.cold_start")

DATA_DIR = REPO_ROOT.parent / "shared" / "data"
SHOTS = (0, 4, 8, 16)
OOS_SEPARATION = tuple(f"oos_{m}" for m in ("auroc_msp", "auroc_energy", "recall_msp_at_5", "recall_msp_at_10",
                                                   "recall_energy_at_5", "recall_energy_at_10"))
# (rounds, per_topic, weight) tried by --tune-self-training; the shipped ColdStartOptions default is (3, 64, 0.3)
SELF_TRAINING_GRID = ((3, 24, 0.5), (4, 32, 1.0), (3, 64, 0.3))


class CachedEmbedder:
    """An embedder that embeds each distinct text once per run."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.cache: dict[str, np.ndarray] = {}

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def load(self) -> None:
        self.inner.load()

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> Matrix:
        missing = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if missing:
            vectors = self.inner.encode(missing, batch_size=batch_size, show_progress=show_progress)
            self.cache.update(zip(missing, vectors, strict=True))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.ascontiguousarray(np.stack([self.cache[t] for t in texts]), dtype=np.float32)


def cap(rows: list[LabelledText], max_rows: int | None) -> list[LabelledText]:
    """A seeded stratified sample of at most `max_rows` rows."""
    if not max_rows or len(rows) <= max_rows:
        return rows
    _, keep = stratified_split([r.topic for r in rows], test_size=max_rows / len(rows), seed=13)
    return [rows[i] for i in keep]


def load_dataset(name: str, data_dir: Path) -> tuple[list[LabelledText], list[LabelledText], list[str]]:
    """(pool to draw examples from, in-scope test rows, out-of-scope test texts)."""
    if name == "banking77":
        rows = load_labelled(data_dir / "banking77" / "train.csv", FieldMapping(text="text", topic="category",
                                                                                urgency=None))
        pool, test = stratified_split([r.topic for r in rows], test_size=0.2, seed=13)
        return [rows[i] for i in pool], [rows[i] for i in test], []
    mapping = FieldMapping(text="text", topic="intent", urgency=None)
    folder = data_dir / "clinc150"
    oos = [r.text for r in load_labelled(folder / "oos_val.jsonl", mapping)]
    return load_labelled(folder / "train.jsonl", mapping), load_labelled(folder / "val.jsonl", mapping), oos


def unlabelled_pool(name: str, data_dir: Path, pool: list[LabelledText]) -> list[str]:
    """The texts self-training may read, labels dropped: the example pool (CLINC150: with oos_train.jsonl's
    off-topic rows). Never a test row."""
    texts = [r.text for r in pool]
    if name == "clinc150":
        texts += [r.text for r in load_labelled(data_dir / "clinc150" / "oos_train.jsonl",
                                                FieldMapping(text="text", topic="intent", urgency=None))]
    return texts


def draw(pool: list[LabelledText], *, seed: int, per_topic: int = 16) -> dict[str, list[str]]:
    rng = np.random.default_rng(seed)
    by_topic: dict[str, list[str]] = {}
    for row in pool:
        by_topic.setdefault(row.topic, []).append(row.text)
    return {t: [texts[i] for i in rng.permutation(len(texts))[:per_topic]] for t, texts in sorted(by_topic.items())}


def topic_list(drawn: dict[str, list[str]], shots: int) -> TopicList:
    topics = tuple(Topic(name=t, description=description_from_name(t), examples=tuple(ex[:shots]))
                   for t, ex in drawn.items())
    return TopicList(topics=topics, source="bench", sha256="")


def examples(topics: TopicList) -> tuple[list[str], list[str]]:
    texts = [e for t in topics.topics for e in t.examples]
    return texts, [t.name for t in topics.topics for _ in t.examples]


def cold_start_scores(topics: TopicList, embedder: Embedder, test: list[LabelledText], oos: list[str],
                      seed: int, unlabelled: Sequence[str] = (),
                      max_false_reject: float = ColdStartOptions().max_false_reject) -> dict[str, float]:
    options = ColdStartOptions(seed=seed, folds=2, max_false_reject=max_false_reject)
    result = build_cold_start_model(topics=topics, embedder=embedder, options=options, unlabelled=unlabelled)
    model = result.model
    texts = [r.text for r in test]
    primary = embedder.encode(texts)
    preds = model.predict(texts, primary)
    out = {"accuracy": float(np.mean([p.topic.label == r.topic for p, r in zip(preds, test, strict=True)])),
           "reject": float(np.mean([p.abstain_reason is not None for p in preds]))}
    if oos:
        oos_dense = embedder.encode(oos)
        out["oos_recall"] = float(np.mean([p.abstain_reason is not None for p in model.predict(oos, oos_dense)]))
        out.update(oos_separation(model.topic.predict(texts, primary), model.topic.predict(oos, oos_dense)))
    return out


def oos_separation(in_scope: HeadOutput, oos: HeadOutput) -> dict[str, float]:
    """Threshold-free out-of-scope metrics, so that two models are compared at the same operating point: AUROC of
    the calibrated top probability (msp) and of the energy score (log-sum-exp of the logits) for in-scope vs
    out-of-scope, and the out-of-scope recall when each score's threshold rejects 5 % or 10 % of the in-scope
    rows (read off the in-scope rows' scores: a diagnostic of the ranking, not a tuned rule)."""
    out: dict[str, float] = {}
    for name, score_in, score_oos in (("msp", in_scope.probabilities.max(axis=1), oos.probabilities.max(axis=1)),
                                      ("energy", energy(in_scope.logits), energy(oos.logits))):
        y = np.r_[np.ones(len(score_in)), np.zeros(len(score_oos))]
        out[f"oos_auroc_{name}"] = float(roc_auc_score(y, np.r_[score_in, score_oos]))
        for reject in (0.05, 0.10):
            threshold = float(np.quantile(score_in, reject))
            out[f"oos_recall_{name}_at_{int(reject * 100)}"] = float(np.mean(score_oos < threshold))
    return out


def frozen_lr(topics: TopicList, embedder: Embedder, test: list[LabelledText], seed: int) -> float:
    texts, labels = examples(topics)
    head = ClassifierHead(HeadConfig(C=10.0, tfidf=False, seed=seed)).fit(texts, embedder.encode(texts), labels)
    test_texts = [r.text for r in test]
    out = head.predict(test_texts, embedder.encode(test_texts))
    pred = [head.labels[i] for i in out.probabilities.argmax(axis=1)]
    return float(np.mean([p == r.topic for p, r in zip(pred, test, strict=True)]))


def tfidf_lr(topics: TopicList, test: list[LabelledText], seed: int) -> float:
    texts, labels = examples(topics)
    model = make_pipeline(
        make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                   TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        LogisticRegression(C=10.0, max_iter=3000, random_state=seed))
    model.fit(texts, labels)
    pred = model.predict([r.text for r in test])
    return float(np.mean([p == r.topic for p, r in zip(pred, test, strict=True)]))


def run_dataset(name: str, *, data_dir: Path, seeds: list[int], shots: list[int], finetune_shots: list[int],
                finetune_seeds: list[int], embedder: CachedEmbedder, threads: int, record: dict[str, Any],
                max_test: int | None, device: str = "cpu", self_train_shots: Sequence[int] = (),
                max_false_reject: float = ColdStartOptions().max_false_reject) -> None:
    pool, test, oos = load_dataset(name, data_dir)
    test = cap(test, max_test)
    unlabelled = unlabelled_pool(name, data_dir, pool) if self_train_shots else []
    record.update({"pool_rows": len(pool), "test_rows": len(test), "oos_rows": len(oos),
                   "unlabelled_rows": len(unlabelled), "runs": []})
    for seed in seeds:
        drawn = draw(pool, seed=seed)
        for k in shots:
            topics = topic_list(drawn, k)
            started = time.perf_counter()
            run: dict[str, Any] = {
                "seed": seed, "shots": k,
                "cold_start": cold_start_scores(topics, embedder, test, oos, seed, (), max_false_reject)}
            if k in self_train_shots and k > 0:
                st_started = time.perf_counter()
                run["cold_start_st"] = {**cold_start_scores(topics, embedder, test, oos, seed, unlabelled,
                                                          max_false_reject),
                                        "seconds": round(time.perf_counter() - st_started, 1)}
            if k > 0:
                run["tfidf_lr"] = tfidf_lr(topics, test, seed)
                run["frozen_lr"] = frozen_lr(topics, embedder, test, seed)
            if k in finetune_shots and (not finetune_seeds or seed in finetune_seeds):
                with tempfile.TemporaryDirectory(prefix="deskmate-ft-") as tmp:
                    texts, labels = examples(topics)
                    texts += [f"A customer asks about {t.description}." for t in topics.topics]
                    labels += [t.name for t in topics.topics]
                    ft_started = time.perf_counter()
                    fine_tune(texts=texts, labels=labels, out_dir=Path(tmp),
                              options=FineTuneOptions(seed=seed, threads=threads, device=device))
                    ft_seconds = time.perf_counter() - ft_started
                    tuned = CachedEmbedder(SentenceTransformerEmbedder(tmp, num_threads=threads))
                    run["cold_start_ft"] = {**cold_start_scores(topics, tuned, test, oos, seed, (), max_false_reject),
                                            "fine_tune_seconds": round(ft_seconds, 1)}
                    run["frozen_lr_ft"] = frozen_lr(topics, tuned, test, seed)
                    if k in self_train_shots:
                        run["cold_start_ft_st"] = cold_start_scores(topics, tuned, test, oos, seed, unlabelled,
                                                                     max_false_reject)
            run["seconds"] = round(time.perf_counter() - started, 1)
            logger.info("%s seed %d shots %d: %s", name, seed, k, json.dumps(run))
            record["runs"].append(run)


def tune_self_training(*, data_dir: Path, seeds: list[int], embedder: CachedEmbedder, shots: int = 8,
                       validation_rows: int = 1500) -> dict[str, Any]:
    """Validation accuracy of frozen LR without and with self-training (each `SELF_TRAINING_GRID` entry)."""
    pool, _, _ = load_dataset("banking77", data_dir)
    rest, val = stratified_split([r.topic for r in pool], test_size=validation_rows / len(pool), seed=7)
    validation = [pool[i] for i in val]
    unlabelled = [pool[i] for i in rest]
    val_texts = [r.text for r in validation]
    val_dense = embedder.encode(val_texts)
    pool_texts = [r.text for r in unlabelled]
    pool_dense = embedder.encode(pool_texts)
    config = HeadConfig(C=30.0, tfidf=False)

    def accuracy(head: ClassifierHead) -> float:
        probabilities = head.predict(val_texts, val_dense).probabilities
        return float(np.mean([head.labels[j] == r.topic for j, r in zip(probabilities.argmax(axis=1), validation,
                                                                          strict=True)]))

    rows: dict[str, list[float]] = {}
    for seed in seeds:
        texts, labels = examples(topic_list(draw(unlabelled, seed=seed), shots))
        dense = embedder.encode(texts)
        rows.setdefault("none", []).append(accuracy(ClassifierHead(replace(config, seed=seed)).fit(texts, dense,
                                                                                                  labels)))
        for rounds, per_topic, weight in SELF_TRAINING_GRID:
            head, _ = self_train(replace(config, seed=seed), texts, dense, labels, pool_texts, pool_dense,
                                 rounds=rounds, per_topic=per_topic, weight=weight)
            rows.setdefault(f"rounds={rounds} per_topic={per_topic} weight={weight}", []).append(accuracy(head))
        logger.info("self-training validation, seed %d: %s", seed, json.dumps({k: v[-1] for k, v in rows.items()}))
    return {"validation_rows": len(validation), "unlabelled_rows": len(unlabelled), "shots": shots,
            "head": "logistic regression C=30 on frozen MiniLM",
            "results": {k: {"mean": float(np.mean(v)), "std": float(np.std(v)), "runs": v} for k, v in rows.items()}}


def summarize(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Mean and std over seeds per (shots, method)."""
    rows: list[dict[str, Any]] = []
    shots = sorted({r["shots"] for r in record["runs"]})
    for k in shots:
        runs = [r for r in record["runs"] if r["shots"] == k]
        for method in ("tfidf_lr", "frozen_lr", "cold_start", "cold_start_st", "frozen_lr_ft", "cold_start_ft",
                       "cold_start_ft_st"):
            values = [r[method]["accuracy"] if isinstance(r.get(method), dict) else r.get(method) for r in runs]
            values = [v for v in values if v is not None]
            if values:
                row = {"shots": k, "method": method, "n": len(values), "mean": float(np.mean(values)),
                       "std": float(np.std(values))}
                if isinstance(runs[0].get(method), dict):
                    for extra in ("reject", "oos_recall", *OOS_SEPARATION):
                        if extra in runs[0][method]:
                            row[extra] = float(np.mean([r[method][extra] for r in runs if method in r]))
                rows.append(row)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default="banking77,clinc150")
    parser.add_argument("--seeds", default="13,14,15")
    parser.add_argument("--shots", default=",".join(map(str, SHOTS)))
    parser.add_argument("--finetune-shots", default="8", help="shots with the fine-tuned variant ('' for none)")
    parser.add_argument("--finetune-datasets", default="banking77,clinc150")
    parser.add_argument("--finetune-seeds", default="", help="seeds with the fine-tuned variant (default: all)")
    parser.add_argument("--self-train-shots", default="8",
                        help="shots with the self-trained variant on the unlabelled pool ('' for none)")
    parser.add_argument("--tune-self-training", action="store_true",
                        help="only choose the self-training options on a validation part (no test part is read)")
    parser.add_argument("--max-false-reject", type=float, default=ColdStartOptions().max_false_reject,
                        help="the abstain rule's in-scope reject budget (train-topics --max-false-reject)")
    parser.add_argument("--max-test", type=int, default=None, help="seeded stratified cap of each test part")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--finetune-device", default="cpu", help="torch device of the fine-tune (cuda where lent)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "var" / "bench" / "cold_start.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    seeds = [int(s) for s in args.seeds.split(",")]
    shots = [int(s) for s in args.shots.split(",")]
    ft_shots = [int(s) for s in args.finetune_shots.split(",") if s]
    embedder = CachedEmbedder(SentenceTransformerEmbedder(DEFAULT_MODEL, num_threads=args.threads))
    results: dict[str, Any] = {
        "command": shlex.join([Path(sys.executable).name, "-m", "bench.cold_start", *sys.argv[1:]]),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "seeds": seeds, "shots": shots,
        "embedder": DEFAULT_MODEL, "max_false_reject": args.max_false_reject,
        "note": "CPU shared with other jobs; times are upper bounds", "datasets": {}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.tune_self_training:
        results["self_training_validation"] = tune_self_training(data_dir=args.data_dir, seeds=seeds,
                                                                 embedder=embedder)
        for name, row in results["self_training_validation"]["results"].items():
            logger.info("validation %-40s %.4f ± %.4f", name, row["mean"], row["std"])
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        return 0
    for name in args.datasets.split(","):
        record: dict[str, Any] = {}
        results["datasets"][name] = record
        run_dataset(name, data_dir=args.data_dir, seeds=seeds, shots=shots,
                    finetune_shots=ft_shots if name in args.finetune_datasets.split(",") else [],
                    finetune_seeds=[int(s) for s in args.finetune_seeds.split(",") if s], embedder=embedder,
                    threads=args.threads, record=record, max_test=args.max_test, device=args.finetune_device,
                    self_train_shots=[int(s) for s in args.self_train_shots.split(",") if s],
                    max_false_reject=args.max_false_reject)
        record["summary"] = summarize(record)
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        for row in record["summary"]:
            extras = "".join(f" {k}={row[k]:.3f}" for k in ("reject", "oos_recall", *OOS_SEPARATION) if k in row)
            logger.info("%s %2d shots %-14s %.4f ± %.4f%s", name, row["shots"], row["method"], row["mean"],
                        row["std"], extras)
    results["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
