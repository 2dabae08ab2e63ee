"""Topic accuracy per language against the number of labelled rows per language (issue 13: why de/es/fr trailed).

On the development part of `deskmate evaluate-languages`' split (the same seed and test size; its test part is never
read), 5-fold cross-validation, stratified by language and topic, of the routing head as trained by default
(TF-IDF word and character n-grams + all-MiniLM-L6-v2 + the multilingual USE block, logistic regression C=10),
in-scope rows only:

- `all rows`: every development row of the training folds, accuracy per language on the held-out folds;
- `en rows=N`: the same folds with the English training rows cut to N (seeded), to show how English accuracy
  follows the number of English rows: the learning curve the other languages sit on.

Run it on the shipped demo data and on the set before 2026-12-04 (7 % per non-English language) to compare:

    git show 265016f:data/demo/tickets.jsonl > /tmp/demo-2400.jsonl
    nice -n 10 python -m bench.language_rows --data /tmp/demo-2400.jsonl --out var/bench/language_rows_2400.json
    nice -n 10 python -m bench.language_rows --out var/bench/language_rows.json

Embeddings are cached under `--cache-dir` (the same files `deskmate evaluate-languages --cache-dir` writes).
"""

from __future__ import annotations

import argparse
import json
import logging
import shlex
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.model_selection import StratifiedKFold

from bench.common import REPO_ROOT
from models.classifier import ClassifierHead, HeadConfig
from models.embedding.use import UseEmbedder
from models.language_eval import LanguageTicket, load_language_tickets, split_tickets
from models.training import embed_texts

logger = logging.getLogger("bench.language_rows")
LANGUAGES = ("en", "de", "es", "fr")


def cross_validate(dev: list[LanguageTicket], features: npt.NDArray[np.float32], *, folds: int, seed: int,
                   english_rows: int | None = None) -> dict[str, float]:
    """Per-language accuracy of the held-out folds; `english_rows` cuts each training fold's English rows."""
    texts = [t.text for t in dev]
    topics = np.array([t.topic for t in dev])
    languages = np.array([t.language for t in dev])
    rng = np.random.default_rng(seed)
    correct = np.zeros(len(dev), dtype=bool)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for train, held in splitter.split(texts, [f"{lang}|{topic}" for lang, topic in zip(languages, topics,
                                                                                      strict=True)]):
        if english_rows is not None:
            english = train[languages[train] == "en"]
            keep = rng.choice(english, min(english_rows, english.size), replace=False)
            train = np.concatenate([keep, train[languages[train] != "en"]])
        head = ClassifierHead(HeadConfig()).fit([texts[i] for i in train], features[train], list(topics[train]))
        out = head.predict([texts[i] for i in held], features[held])
        correct[held] = np.array(head.labels)[out.probabilities.argmax(axis=1)] == topics[held]
    result = {lang: round(float(correct[languages == lang].mean()), 4) for lang in LANGUAGES
              if (languages == lang).any()}
    result["all"] = round(float(correct.mean()), 4)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO_ROOT / "data" / "demo" / "tickets.jsonl")
    parser.add_argument("--test-size", type=float, default=0.2, help="as evaluate-languages (never read here)")
    parser.add_argument("--seed", type=int, default=13, help="the split's seed, as evaluate-languages")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--english-rows", default="140,300,600", help="English training rows per fold to try")
    parser.add_argument("--oos-label", default="oos")
    parser.add_argument("--cache-dir", type=Path, default=REPO_ROOT / "var" / "cache" / "languages")
    parser.add_argument("--out", type=Path, default=None, help="write the result as JSON here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from models.embedding.sentence_transformer import SentenceTransformerEmbedder

    started = time.monotonic()
    dev, _ = split_tickets(load_language_tickets(args.data), test_size=args.test_size, seed=args.seed)
    dev = [t for t in dev if t.topic != args.oos_label]
    embedder = SentenceTransformerEmbedder()
    embedder.load()
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    logger.info("embedding %d development rows (MiniLM + multilingual USE)", len(dev))
    features = embed_texts(embedder, [UseEmbedder()], [t.text for t in dev], 64, True, args.cache_dir)
    rows: dict[str, Any] = {"all rows": cross_validate(dev, features, folds=args.folds, seed=args.seed)}
    for n in (int(x) for x in args.english_rows.split(",") if x.strip()):
        rows[f"en rows={n}"] = cross_validate(dev, features, folds=args.folds, seed=args.seed, english_rows=n)
    counts = Counter(t.language for t in dev)
    per_fold = {lang: round(counts[lang] * (args.folds - 1) / args.folds) for lang in LANGUAGES}
    result = {"command": shlex.join(["python", "-m", "bench.language_rows", *(argv or sys.argv[1:])]),
              "data": str(args.data), "development_rows": dict(counts), "training_rows_per_fold": per_fold,
              "accuracy": rows, "seconds": round(time.monotonic() - started, 1)}
    lines = [f"development rows (in scope): {dict(counts)}; training rows per fold: {per_fold}",
             "| training rows | " + " | ".join(LANGUAGES) + " | all |", "|---|" + "---:|" * (len(LANGUAGES) + 1)]
    lines += [f"| {name} | " + " | ".join(f"{acc.get(lang, float('nan')):.3f}" for lang in LANGUAGES)
              + f" | {acc['all']:.3f} |" for name, acc in rows.items()]
    sys.stdout.write("\n".join(lines) + "\n")
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
