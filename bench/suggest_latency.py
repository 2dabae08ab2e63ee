"""Latency of the default drafter on top of retrieval, against retrieval alone in the same run (in process).

For each demo ticket: embed + search (the baseline), then the same plus the default drafter. Reports p50/p99
of both and of the drafting step, and the ratio. Usage:

    python -m bench.suggest_latency --requests 300 [--embedder hashing|minilm] --out reports/suggest_latency.json
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench.common import load_demo_tickets, percentiles, print_table
from index.build import build_index
from index.holder import IndexHolder
from models.drafting.types import DraftRequest
from models.embedding.base import Embedder
from models.embedding.factory import make_embedder
from models.embedding.hashing import HashingEmbedder
from models.text import ticket_text
from service.components import build_composer
from service.pipeline import SearchQuery, article_sources, case_sources, search_snapshot
from service.settings import REPO_ROOT, Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--embedder", choices=["hashing", "minilm"], default="hashing")
    parser.add_argument("--out", type=Path, default=Path("reports/suggest_latency.json"))
    args = parser.parse_args()

    embedder: Embedder = HashingEmbedder(256) if args.embedder == "hashing" else make_embedder(
        "sentence-transformers", "sentence-transformers/all-MiniLM-L6-v2")
    demo = REPO_ROOT / "data" / "demo"
    with tempfile.TemporaryDirectory() as tmp:
        build_index(cases_path=demo / "tickets.jsonl", articles_path=demo / "articles.jsonl",
                    out_dir=Path(tmp) / "index", embedder=embedder, show_progress=False)
        holder = IndexHolder.open(Path(tmp) / "index", embedder=embedder)
    drafter = build_composer(Settings())
    query = SearchQuery(k_cases=5, k_articles=3)
    tickets = load_demo_tickets(args.requests)
    retrieval, full, drafting = [], [], []
    for i in range(args.requests + 20):
        ticket = tickets[i % len(tickets)]
        text = ticket_text(ticket.get("subject", ""), ticket.get("body", ""))
        start = time.perf_counter()
        index = holder.index  # one snapshot per request, as the service pipeline reads it
        results = search_snapshot(index, text, embedder.encode([text]), query)
        retrieved = time.perf_counter()
        drafter.draft(DraftRequest(text=text, language=ticket.get("language") or "en",
                                   channel=ticket.get("channel", "email"),
                                   customer_name=(ticket.get("customer") or {}).get("name"),
                                   cases=tuple(case_sources(results, index)),
                                   articles=tuple(article_sources(results))))
        done = time.perf_counter()
        if i >= 20:  # warm-up
            retrieval.append((retrieved - start) * 1000)
            full.append((done - start) * 1000)
            drafting.append((done - retrieved) * 1000)
    results_table = {"retrieval only": percentiles(retrieval), "retrieval + draft": percentiles(full),
                     "draft step": percentiles(drafting)}
    report = {"embedder": embedder.model_id, "requests": args.requests, **results_table,
              "p50_ratio_full_vs_retrieval": results_table["retrieval + draft"]["p50_ms"]
              / results_table["retrieval only"]["p50_ms"]}
    print_table("suggest latency (ms)", [{"what": k, **v} for k, v in results_table.items()],
                ["what", "n", "p50_ms", "p90_ms", "p99_ms", "mean_ms"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
