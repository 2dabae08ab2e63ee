"""Reply retrieval next to ticket retrieval: does scoring a resolved case by its reply as well as its ticket find
better cases? Dense MiniLM, one run, on the two data sets with real (ticket, reply) pairs: the demo tickets with
their resolutions and Bitext instructions with their responses (Banking77 has no replies).

A case's score is `(1 - b) * cos(query, ticket) + b * cos(query, reply)`; b = 0 is plain ticket retrieval (the bar,
in the same run), b = 1 reply retrieval alone, `max` the larger of the two cosines. Splits as bench/
retrieval_learning.py (seeded stratified: test 10 %, validation 10 % of the rest, index = the rest); b is chosen on
validation (hit@1, then hit@5, then the smaller b) and reported on test. A hit is a retrieved case of the query's
label (topic or intent).

    nice -n 10 python -m bench.reply_retrieval [--data demo bitext] [--out reports/reply_retrieval.json]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bench.common import REPO_ROOT, emit_json, print_table
from bench.retrieval_learning import DATA, embed
from index.evaluation import split_indices
from models.embedding.base import Matrix
from models.embedding.factory import make_embedder
from models.text import ticket_text

BLENDS = (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)


def load_pairs(name: str) -> tuple[list[str], list[str], list[str]]:
    """(tickets, replies, labels) of the rows that have a reply."""
    if name == "demo":
        path = REPO_ROOT / "data" / "demo" / "tickets.jsonl"
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        rows = [r for r in rows if r.get("topic") and r.get("resolution")]
        return ([ticket_text(r.get("subject") or "", r.get("body") or "") for r in rows],
                [r["resolution"] for r in rows], [r["topic"] for r in rows])
    if name == "bitext":
        with (DATA / "bitext" / "bitext_cs_4514.csv").open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        return [r["instruction"] for r in rows], [r["response"] for r in rows], [r["intent"] for r in rows]
    raise SystemExit(f"unknown data set {name} (demo, bitext)")


def hits(scores: Matrix, indexed: npt.NDArray[np.int64], queries: npt.NDArray[np.int64],
         labels: Sequence[str]) -> dict[str, float]:
    """hit@1 and hit@5 of each query's top cases by `scores` (queries x indexed)."""
    top = np.argsort(-scores, axis=1, kind="stable")[:, :5]
    label = np.asarray(labels)
    hit = label[indexed][top] == label[queries][:, None]
    return {"hit@1": round(float(hit[:, 0].mean()), 4), "hit@5": round(float(hit.any(axis=1).mean()), 4)}


def blended(tickets: Matrix, replies: Matrix, queries: Matrix) -> dict[str, Matrix]:
    by_ticket, by_reply = queries @ tickets.T, queries @ replies.T
    out = {f"b={b:g}": (1 - b) * by_ticket + b * by_reply for b in BLENDS}
    out["max"] = np.maximum(by_ticket, by_reply)
    return out


def run_dataset(name: str, *, embedder: Any, seed: int, cache_dir: Path) -> dict[str, Any]:
    tickets, replies, labels = load_pairs(name)
    ticket_vectors = embed(embedder, tickets, cache_dir / name)
    reply_vectors = embed(embedder, replies, cache_dir / f"{name}-replies")
    rest, test = split_indices(np.arange(len(tickets), dtype=np.int64), labels, 0.1, seed)
    indexed, val = split_indices(rest, labels, 0.1, seed + 1)
    tv, rv = ticket_vectors[indexed], reply_vectors[indexed]
    on_val = {k: hits(s, indexed, val, labels) for k, s in blended(tv, rv, ticket_vectors[val]).items()}
    on_test = {k: hits(s, indexed, test, labels) for k, s in blended(tv, rv, ticket_vectors[test]).items()}
    ranked = [f"b={b:g}" for b in BLENDS]
    chosen = max(ranked, key=lambda k: (on_val[k]["hit@1"], on_val[k]["hit@5"], -ranked.index(k)))
    return {"data": name, "pairs": len(tickets), "indexed": len(indexed), "validation_queries": len(val),
            "test": len(test), "chosen_on_validation": chosen, "validation": on_val, "test_metrics": on_test}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", nargs="+", default=["demo", "bitext"])
    parser.add_argument("--backend", default="sentence-transformers", help="hashing: a quick smoke run")
    parser.add_argument("--model", default="sentence-transformers/all-MiniLM-L6-v2")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--cache-dir", type=Path, default=REPO_ROOT / "var" / "cache" / "reply_retrieval")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    embedder = make_embedder(args.backend, args.model, num_threads=2)
    embedder.load()
    reports = [run_dataset(name, embedder=embedder, seed=args.seed, cache_dir=args.cache_dir) for name in args.data]
    for report in reports:
        val = report["validation"]
        rows = [{"scoring": k, "val hit@1": val[k]["hit@1"], "val hit@5": val[k]["hit@5"], **v,
                 "chosen": "yes" if k == report["chosen_on_validation"] else ""}
                for k, v in report["test_metrics"].items()]
        print_table(f"{report['data']}: {report['test']} test queries, {report['indexed']} indexed cases", rows,
                    ["scoring", "val hit@1", "val hit@5", "hit@1", "hit@5", "chosen"])
    emit_json({"command": "python -m bench.reply_retrieval", "seed": args.seed, "model": args.model,
               "results": reports}, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
