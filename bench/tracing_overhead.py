"""What OpenTelemetry tracing costs a request, against the same service with tracing off in the same run.

Two `deskmate serve` processes on the demo model (keys off, as in bench/metrics_overhead.py), one with
`DESKMATE_TRACING__ENABLED=true` exporting every trace over OTLP/HTTP to a stand-in collector in this process (it
reads and drops the posts), one with tracing off, get the same demo tickets over HTTP one at a time, alternated
request by request so that drift in the machine's load hits both alike. Then, in this process, the spans alone:
a server span with the embed and classify spans of a real routed ticket (`Tracing.record`), per request. Usage:

    python -m bench.tracing_overhead --requests 1000 --out var/bench/tracing_overhead.json

It needs the demo model (`make demo` once, or `--model-dir`).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from bench.common import (
    alternated_route_latency,
    otlp_collector,
    percentiles,
    print_table,
    ratio_rows,
    running_server,
    unrecorded_tickets,
)
from service.settings import Settings, TracingSettings


def http_pair(tickets: list[dict[str, Any]], *, requests: int, warmup: int, model_dir: Path) -> dict[str, Any]:
    """p50/p99 of /v1/route with tracing on (OTLP to the stand-in) and off, requests alternated."""
    defaults = Settings()
    with otlp_collector() as (otlp, posts), tempfile.TemporaryDirectory(prefix="deskmate-tracing-") as tmp:
        base_env = {"DESKMATE_AUTH__DISABLED": "true", "DESKMATE_MODEL_DIR": str(model_dir),
                    "DESKMATE_EMBEDDER__ONNX_DIR": str(defaults.resolved_onnx_dir),
                    "DESKMATE_EMBEDDER__USE_ONNX_DIR": str(defaults.resolved_use_onnx_dir)}
        on_env = {**base_env, "DESKMATE_DATA_DIR": f"{tmp}/on", "DESKMATE_TRACING__ENABLED": "true",
                  "DESKMATE_TRACING__ENDPOINT": f"{otlp}/v1/traces"}
        off_env = {**base_env, "DESKMATE_DATA_DIR": f"{tmp}/off", "DESKMATE_TRACING__ENABLED": "false"}
        with running_server(on_env) as on, running_server(off_env) as off, \
                httpx.Client(base_url=on, timeout=30) as client_on, \
                httpx.Client(base_url=off, timeout=30) as client_off:
            samples = alternated_route_latency({"tracing_on": client_on, "tracing_off": client_off}, tickets,
                                               requests=requests, warmup=warmup)
        exported = sum(len(body) for _, body in posts)  # the tracing server flushed its last spans when it stopped
    if not posts:
        raise RuntimeError("the tracing-on server exported nothing: is DESKMATE_TRACING__ENABLED read?")
    return {**{name: percentiles(values) for name, values in samples.items()},
            "otlp_posts": len(posts), "otlp_bytes": exported}


class Dropped(SpanExporter):
    """Takes the spans and keeps nothing (the in-process part measures making them, not sending them)."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def in_process(tickets: list[dict[str, Any]], *, model_dir: Path, calls: int) -> dict[str, float]:
    """Microseconds per request of a server span plus the embed and classify spans of a real routed ticket."""
    from opentelemetry import trace

    from service.components import load_engine
    from service.pipeline import TicketInput
    from service.tracing.tracer import Tracing

    engine = load_engine(Settings(model_dir=model_dir))
    ticket = tickets[0]
    routed = engine.route([TicketInput(subject=ticket.get("subject", ""), body=ticket.get("body", ""))],
                          desk=next(iter(engine.policy.spec.desks)))
    tracing = Tracing(TracingSettings(enabled=True), exporter=Dropped())
    tracing.start()
    assert tracing.live is not None
    tracer = tracing.live.tracer
    started = time.perf_counter()
    for _ in range(calls):
        with tracer.start_as_current_span("POST /v1/route", kind=trace.SpanKind.SERVER):
            tracing.record(routed)
    per_request = (time.perf_counter() - started) / calls * 1e6
    tracing.shutdown()
    return {"server_span_plus_steps_us": per_request}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000, help="requests per server, alternated")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--calls", type=int, default=20_000, help="requests traced in the in-process part")
    parser.add_argument("--model-dir", type=Path, default=None, help="routing model (default: settings)")
    parser.add_argument("--out", type=Path, default=Path("var/bench/tracing_overhead.json"))
    args = parser.parse_args()

    model_dir = args.model_dir or Settings().resolved_model_dir
    tickets = unrecorded_tickets(200)
    http = http_pair(tickets, requests=args.requests, warmup=args.warmup, model_dir=model_dir)
    rows = ratio_rows(http, ["tracing_on", "tracing_off"], "tracing_off")
    print_table("/v1/route over HTTP, one client, tracing on (OTLP/HTTP to a local sink) vs off (alternated)", rows,
                ["server", "n", "p50_ms", "p90_ms", "p99_ms", "mean_ms", "p50_ratio_vs_off", "p99_ratio_vs_off"])
    print_table("OTLP export", [{"posts": http["otlp_posts"], "bytes": http["otlp_bytes"]}], ["posts", "bytes"])
    costs = in_process(tickets, model_dir=model_dir, calls=args.calls)
    print_table("spans in process", [{"what": k, "microseconds": v} for k, v in costs.items()],
                ["what", "microseconds"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"http": http, "in_process": costs}, indent=2) + "\n")


if __name__ == "__main__":
    main()
