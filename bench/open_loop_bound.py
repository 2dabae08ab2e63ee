"""How low can `/v1/route`'s p99 be under random arrivals on this machine? An ideal queue as the baseline.

Issue 17 asks for an open-loop p99 within 2x the single-request p99 at 80 % of the measured capacity. This script
asks what the best first-come-first-served server could do with this pipeline's own per-ticket cost, so a measured
open-loop p99 can be read against physics instead of against the single request alone:

1. it routes each of the fixed demo tickets alone, in-process, several times on one thread with the lone lane off
   (what one batch worker spends on a ticket: embed, both heads, urgency signals, policy) and with the default
   settings (the single-request latency a lone ticket gets, the 2x reference);
2. it simulates Poisson arrivals at each rate against `--servers` ideal servers (the batch workers, default 2,
   one per core), first come first served, each ticket's service time drawn from step 1's times: no HTTP, no
   event loop, no load generator sharing the cores, no batching overhead, no convoy of batch-mates;
3. it prints the ideal p50 / p99, their ratio to the single-request p99, and, with `--measured F` (a
   `bench.route_throughput --open-rates` JSON), the measured open-loop rows at the same rates beside them.

Also simulated: the batcher itself (`--servers` workers that each take a batch from the queue, a batch costing its
tickets' sum times 1, 0.93 or 0.85 for 1, 2-3 or 4 and more tickets: the in-process ceilings of batches of 1, 4 and 16
in docs/results.md), once taking the whole queue and once taking its share (the queue divided by the workers,
`PipelineBatcher._share`); and one server with twice the speed (a perfect split of every ticket over both cores,
which ONNX Runtime does not reach: 2 threads take a 256-token ticket from 35 to 26 ms, not to 17.5), the best
first-come-first-served shape for the same total CPU. Shortest-ticket-first was simulated while writing this
and gave a lower p50 but a higher p99 (docs/results.md), so it is not offered.

    DESKMATE_DATA_DIR=var python -m bench.open_loop_bound --rates 60 80 100 \\
        --measured var/bench/route_open.json --use-onnx-dir var/onnx/usem3-int8

The simulation is exact for the model it states (it is not a bound for every scheduling policy: a policy that
knows each ticket's cost could trade p50 for p99); "80 % of capacity" here is 80 % of `--servers` divided by the
mean per-ticket time, the capacity an ideal server would have.
"""

from __future__ import annotations

import argparse
import heapq
import json
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console

from bench.common import REPO_ROOT, unrecorded_tickets
from bench.route_throughput import ticket_inputs
from service.settings import Settings

console = Console(highlight=False)


def simulate_fcfs(service_ms: np.ndarray, *, servers: int, rate: float, arrivals: int = 200_000,
                  seed: int = 13) -> dict[str, float]:
    """Latency percentiles (ms) of `servers` first-come-first-served servers under Poisson arrivals at `rate` per
    second, each job's service time drawn at random from `service_ms`; the first 10 % of jobs warm the queue up."""
    if servers < 1 or rate <= 0 or len(service_ms) == 0:
        raise ValueError("servers >= 1, rate > 0 and at least one service time are needed")
    rng = np.random.default_rng(seed)
    arrive = np.cumsum(rng.exponential(1000.0 / rate, arrivals))
    service = service_ms[rng.integers(0, len(service_ms), arrivals)]
    free = [0.0] * servers  # when each server is next free (a heap: the earliest free server takes the next job)
    latency = np.empty(arrivals)
    for i in range(arrivals):
        start = max(arrive[i], heapq.heappop(free))
        heapq.heappush(free, start + service[i])
        latency[i] = start + service[i] - arrive[i]
    kept = latency[arrivals // 10:]
    return {"p50_ms": float(np.percentile(kept, 50)), "p99_ms": float(np.percentile(kept, 99)),
            "mean_ms": float(kept.mean()), "utilisation": rate * float(service_ms.mean()) / (1000.0 * servers)}


def batch_cost_factor(size: int) -> float:
    """A batch's cost over its tickets' sum (in-process ceilings: batches of 1, 4 and 16 gave 114-118, 126 and 138-155
    tickets/s on 2 threads, docs/results.md)."""
    return 1.0 if size == 1 else 0.93 if size < 4 else 0.85


def simulate_batcher(service_ms: np.ndarray, *, workers: int, rate: float, share: bool, max_batch: int = 32,
                     arrivals: int = 100_000, seed: int = 13) -> dict[str, float]:
    """Latency percentiles (ms) of `workers` batch workers under Poisson arrivals: a free worker takes the whole
    queue (`share` False) or the queue divided by the workers, rounded up (`share` True), up to `max_batch`; every
    job of a batch is answered when the batch ends."""
    rng = np.random.default_rng(seed)
    arrive = np.cumsum(rng.exponential(1000.0 / rate, arrivals))
    service = service_ms[rng.integers(0, len(service_ms), arrivals)]
    queue: deque[int] = deque()
    ends: list[tuple[float, int]] = []  # (when a batch ends, its worker)
    running: dict[int, list[int]] = {}
    latency = np.empty(arrivals)

    def dispatch(now: float) -> None:
        for worker in range(workers):
            if worker in running or not queue:
                continue
            take = min(max_batch, -(-len(queue) // workers) if share else len(queue))
            jobs = [queue.popleft() for _ in range(take)]
            running[worker] = jobs
            heapq.heappush(ends, (now + float(service[jobs].sum()) * batch_cost_factor(len(jobs)), worker))

    i = 0
    while i < arrivals or ends:
        if i < arrivals and (not ends or arrive[i] <= ends[0][0]):
            queue.append(i)
            now = float(arrive[i])
            i += 1
        else:
            now, worker = heapq.heappop(ends)
            for job in running.pop(worker):
                latency[job] = now - arrive[job]
        dispatch(now)
    kept = latency[arrivals // 10:]
    return {"p50_ms": float(np.percentile(kept, 50)), "p99_ms": float(np.percentile(kept, 99))}


def ticket_times(*, lone_lane: bool, use_onnx_dir: Path | None, repeats: int, tickets: int) -> np.ndarray:
    """Each demo ticket routed alone in-process, `repeats` times; the median ms per ticket."""
    from service.components import load_engine

    settings = Settings()
    embedder = settings.embedder if use_onnx_dir is None else settings.embedder.model_copy(
        update={"use_onnx_dir": use_onnx_dir})
    settings = settings.model_copy(update={"embedder": embedder, "batching": settings.batching.model_copy(
        update={"lone_lane": lone_lane})})
    engine = load_engine(settings)
    inputs = ticket_inputs(unrecorded_tickets(tickets))
    desk = next(iter(engine.policy.spec.desks))
    for ticket in inputs[:20]:
        engine.route([ticket], desk=desk)
    times = np.empty((repeats, len(inputs)))
    for r in range(repeats):
        for i, ticket in enumerate(inputs):
            started = time.perf_counter()
            engine.route([ticket], desk=desk)
            times[r, i] = (time.perf_counter() - started) * 1000.0
    return np.asarray(np.median(times, axis=0))


def measured_rows(path: Path | None) -> dict[str, dict[str, dict[str, float]]]:
    """The open-loop rows of a `bench.route_throughput` JSON, by server and rate ("100.0")."""
    if path is None:
        return {}
    report: dict[str, Any] = json.loads(path.read_text())
    rows: dict[str, dict[str, dict[str, float]]] = report.get("open_loop", {})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", type=float, nargs="+", default=[60.0, 80.0, 100.0], help="arrivals per second")
    parser.add_argument("--servers", type=int, default=None,
                        help="ideal servers (default: the batch workers, DESKMATE_BATCHING__WORKERS)")
    parser.add_argument("--tickets", type=int, default=200, help="fixed demo tickets, as bench.route_throughput")
    parser.add_argument("--repeats", type=int, default=3, help="times each ticket is routed (the median is kept)")
    parser.add_argument("--use-onnx-dir", type=Path, default=None, help="the USE export (default: settings)")
    parser.add_argument("--measured", type=Path, default=None,
                        help="a bench.route_throughput JSON with --open-rates rows to show beside the ideal")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "var" / "bench" / "open_loop_bound.json")
    args = parser.parse_args()
    servers = args.servers or Settings().batching.workers

    one = ticket_times(lone_lane=False, use_onnx_dir=args.use_onnx_dir, repeats=args.repeats, tickets=args.tickets)
    lone = ticket_times(lone_lane=True, use_onnx_dir=args.use_onnx_dir, repeats=args.repeats, tickets=args.tickets)
    single_p99 = float(np.percentile(lone, 99))
    capacity = servers * 1000.0 / float(one.mean())
    rates = sorted({*args.rates, round(0.8 * capacity, 1)})
    measured = measured_rows(args.measured)
    console.print(f"per ticket on one thread: mean {one.mean():.1f} ms, p99 {np.percentile(one, 99):.1f} ms; "
          f"ideal capacity with {servers} servers: {capacity:.1f} tickets/s")
    console.print(f"single request (default settings, in-process): p50 {np.percentile(lone, 50):.1f} ms, "
          f"p99 {single_p99:.1f} ms; the 2x goal: p99 <= {2 * single_p99:.1f} ms")
    rows: list[dict[str, Any]] = []
    for rate in rates:
        ideal = simulate_fcfs(one, servers=servers, rate=rate)
        split = simulate_fcfs(one / servers, servers=1, rate=rate)
        whole = simulate_batcher(one, workers=servers, rate=rate, share=False)
        shared = simulate_batcher(one, workers=servers, rate=rate, share=True)
        row: dict[str, Any] = {"rate_rps": rate, "share_of_ideal_capacity": rate / capacity,
                               f"ideal_{servers}_servers": ideal, "ideal_one_split_server": split,
                               "batcher_whole_queue": whole, "batcher_share": shared,
                               "ideal_p99_over_single_p99": ideal["p99_ms"] / single_p99,
                               "measured": {name: by_rate[str(float(rate))] for name, by_rate in measured.items()
                                            if str(float(rate)) in by_rate}}
        rows.append(row)
        shown = "; ".join(f"{name} p50 {m['p50_ms']:.1f} / p99 {m['p99_ms']:.1f} ms ({m['p99_ms'] / single_p99:.1f}x)"
                          for name, m in row["measured"].items())
        console.print(f"{rate:6.1f}/s ({rate / capacity:4.0%} of ideal capacity): ideal {servers} servers p50 "
              f"{ideal['p50_ms']:.1f} / p99 {ideal['p99_ms']:.1f} ms ({row['ideal_p99_over_single_p99']:.1f}x); "
              f"one split server p99 {split['p99_ms']:.1f} ms; batcher taking the whole queue p99 "
                      f"{whole['p99_ms']:.1f} ms, taking its share {shared['p99_ms']:.1f} ms"
                      + (f" | measured: {shown}" if shown else ""))
    report = {"command": " ".join(["python -m bench.open_loop_bound", *sys.argv[1:]]), "servers": servers,
              "ticket_ms_one_thread": {"mean": float(one.mean()), "p50": float(np.percentile(one, 50)),
                                       "p99": float(np.percentile(one, 99))},
              "single_request_ms": {"p50": float(np.percentile(lone, 50)), "p99": single_p99},
              "ideal_capacity_rps": capacity, "rows": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    console.print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
