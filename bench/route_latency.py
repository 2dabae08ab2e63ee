"""Latency of one /v1/route request over real HTTP (uvicorn), warm, against baselines in the same run.

Baselines: GET /healthz on the same server (the HTTP floor) and the embedder's in-process encode of the same
ticket texts (the model floor). Usage:

    python -m bench.route_latency --requests 300 --out reports/route_latency.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import httpx

from bench.common import load_demo_tickets, percentiles, print_table, running_server
from models.text import ticket_text
from service.components import build_embedder
from service.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("reports/route_latency.json"))
    args = parser.parse_args()

    tickets = load_demo_tickets(args.requests)
    settings = Settings()
    results: dict[str, dict[str, float]] = {}
    # Keys off, as in bench/route_throughput.py (a verified key is a cached lookup per request).
    with running_server({"DESKMATE_AUTH__DISABLED": "true"}) as base, httpx.Client(base_url=base, timeout=30) as client:
        for ticket in tickets[: args.warmup]:
            client.post("/v1/route", json=ticket).raise_for_status()
        samples = []
        for i in range(args.requests):
            start = time.perf_counter()
            client.post("/v1/route", json=tickets[i % len(tickets)]).raise_for_status()
            samples.append((time.perf_counter() - start) * 1000)
        results["route_http"] = percentiles(samples)
        health = []
        for _ in range(args.requests):
            start = time.perf_counter()
            client.get("/healthz").raise_for_status()
            health.append((time.perf_counter() - start) * 1000)
        results["healthz_http"] = percentiles(health)

    embedder = build_embedder(settings)
    embedder.load()
    texts = [ticket_text(t.get("subject"), t.get("body")) for t in tickets]
    for text in texts[: args.warmup]:
        embedder.encode([text])
    encode = []
    for i in range(args.requests):
        start = time.perf_counter()
        embedder.encode([texts[i % len(texts)]])
        encode.append((time.perf_counter() - start) * 1000)
    results["encode_in_process"] = percentiles(encode)

    route_p50 = results["route_http"]["p50_ms"]
    rows = [{"measure": name, **values, "p50_ratio_vs_route": values["p50_ms"] / route_p50}
            for name, values in results.items()]
    print_table("route latency (single client, warm)", rows,
                ["measure", "n", "p50_ms", "p90_ms", "p99_ms", "mean_ms", "p50_ratio_vs_route"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"results": results, "embedder": embedder.model_id}, indent=2) + "\n")


if __name__ == "__main__":
    main()
