"""What the Prometheus metrics cost a request, against the same service with metrics off in the same run.

Two `deskmate serve` processes on the demo model (keys off, as in bench/route_throughput.py), one with
`DESKMATE_METRICS__ENABLED=true` and one with it false, get the same demo tickets over HTTP one at a time,
alternated request by request so that drift in the machine's load hits both alike. Then, in this process, the
bookkeeping alone: the middleware's `observe_http` per request and the pipeline/batcher hooks per routed ticket
(`observe_answers` + `observe_batch` on a real answer of the demo model). Usage:

    python -m bench.metrics_overhead --requests 1000 --out var/bench/metrics_overhead.json

It needs the demo model (`make demo` once, or `--model-dir`).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import httpx
from prometheus_client import CollectorRegistry

from bench.common import (
    alternated_route_latency,
    percentiles,
    print_table,
    ratio_rows,
    running_server,
    unrecorded_tickets,
)
from service.settings import Settings


def http_pair(tickets: list[dict[str, Any]], *, requests: int, warmup: int, model_dir: Path) -> dict[str, Any]:
    """p50/p99 of /v1/route with metrics on and off, requests alternated between the two servers."""
    base_env = {"DESKMATE_AUTH__DISABLED": "true", "DESKMATE_MODEL_DIR": str(model_dir)}
    with running_server({**base_env, "DESKMATE_METRICS__ENABLED": "true"}) as on, \
            running_server({**base_env, "DESKMATE_METRICS__ENABLED": "false"}) as off, \
            httpx.Client(base_url=on, timeout=30) as client_on, httpx.Client(base_url=off, timeout=30) as client_off:
        samples = alternated_route_latency({"metrics_on": client_on, "metrics_off": client_off}, tickets,
                                           requests=requests, warmup=warmup)
        scraped = client_on.get("/metrics").text  # keys off: the metrics scope is not asked for
    if "deskmate_http_requests_total" not in scraped:
        raise RuntimeError("the metrics-on server exported no request counter: is DESKMATE_METRICS__ENABLED read?")
    return {name: percentiles(values) for name, values in samples.items()}


def hooks(tickets: list[dict[str, Any]], *, model_dir: Path, calls: int) -> dict[str, float]:
    """Microseconds per call of the middleware's and the pipeline's metric hooks, on a fresh registry."""
    from service.components import load_engine
    from service.metrics.collectors import ServiceMetrics
    from service.pipeline import TicketInput

    engine = load_engine(Settings(model_dir=model_dir))
    ticket = tickets[0]
    routed = engine.route([TicketInput(subject=ticket.get("subject", ""), body=ticket.get("body", ""))],
                          desk=next(iter(engine.policy.spec.desks)))
    metrics = ServiceMetrics(registry=CollectorRegistry())
    started = time.perf_counter()
    for _ in range(calls):
        metrics.observe_http("POST", "/v1/route", 200, 0.004)
    per_request = (time.perf_counter() - started) / calls * 1e6
    started = time.perf_counter()
    for _ in range(calls):
        metrics.observe_answers([(0, routed[0])])
        metrics.observe_batch([0.001])
    per_ticket = (time.perf_counter() - started) / calls * 1e6
    return {"observe_http_us": per_request, "pipeline_hooks_us_per_ticket": per_ticket}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000, help="requests per server, alternated")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--calls", type=int, default=100_000, help="calls per hook in the in-process part")
    parser.add_argument("--model-dir", type=Path, default=None, help="routing model (default: settings)")
    parser.add_argument("--out", type=Path, default=Path("var/bench/metrics_overhead.json"))
    args = parser.parse_args()

    model_dir = args.model_dir or Settings().resolved_model_dir
    tickets = unrecorded_tickets(200)
    http = http_pair(tickets, requests=args.requests, warmup=args.warmup, model_dir=model_dir)
    rows = ratio_rows(http, list(http), "metrics_off")
    print_table("/v1/route over HTTP, one client, metrics on vs off (alternated)", rows,
                ["server", "n", "p50_ms", "p99_ms", "mean_ms", "p50_ratio_vs_off", "p99_ratio_vs_off"])
    costs = hooks(tickets, model_dir=model_dir, calls=args.calls)
    print_table("metric hooks in process", [{"hook": k, "microseconds": v} for k, v in costs.items()],
                ["hook", "microseconds"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"http": http, "hooks": costs}, indent=2) + "\n")


if __name__ == "__main__":
    main()
