"""Helpers shared by the benchmark scripts: start the real server, percentiles, tables."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def running_server(env: dict[str, str], *, timeout: float = 180.0,
                   argv: Sequence[str] | None = None, cwd: Path = REPO_ROOT) -> Iterator[str]:
    """`deskmate serve` in a subprocess on a free loopback port; yields its base URL once /readyz is 200.

    `argv` runs another server instead; `{port}` in it is replaced by the chosen port. `cwd`: the checkout whose
    code `python -m scripts.cli serve` runs (another one, e.g. a `git worktree` of an older commit, to compare).
    """
    port = free_port()
    full_env = {**os.environ, **env, "DESKMATE_HOST": "127.0.0.1", "DESKMATE_PORT": str(port)}
    # The server's log goes to a file: a pipe nobody reads fills up and blocks the server mid-benchmark.
    log = tempfile.NamedTemporaryFile(prefix="deskmate-bench-", suffix=".log", delete=False)  # noqa: SIM115
    command = [a.replace("{port}", str(port)) for a in argv] if argv else [sys.executable, "-m", "scripts.cli", "serve"]
    proc = subprocess.Popen(command, cwd=cwd, env=full_env, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {Path(log.name).read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("server did not become ready in time")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        Path(log.name).unlink(missing_ok=True)


def percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    arr = np.asarray(samples_ms, dtype=float)
    return {"n": int(arr.size), "p50_ms": float(np.percentile(arr, 50)), "p90_ms": float(np.percentile(arr, 90)),
            "p99_ms": float(np.percentile(arr, 99)), "mean_ms": float(arr.mean())}


def load_demo_tickets(limit: int) -> list[dict[str, Any]]:
    path = REPO_ROOT / "data" / "demo" / "tickets.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    keep = ("id", "subject", "body", "channel", "language", "customer")
    return [{k: r[k] for k in keep if k in r} for r in rows[:limit]]


def unrecorded_tickets(limit: int) -> list[dict[str, Any]]:
    """The first `limit` demo tickets without their ids, so that a server routing them records nothing."""
    return [{k: v for k, v in t.items() if k != "id"} for t in load_demo_tickets(limit)]


def ratio_rows(results: Mapping[str, Mapping[str, float]], names: Sequence[str],
               baseline: str) -> list[dict[str, Any]]:
    """One table row per server in `names`: its latency percentiles and its p50 / p99 as ratios to `baseline`'s."""
    base = results[baseline]
    return [{"server": name, **results[name], "p50_ratio_vs_off": results[name]["p50_ms"] / base["p50_ms"],
             "p99_ratio_vs_off": results[name]["p99_ms"] / base["p99_ms"]} for name in names]


def print_table(title: str, rows: list[dict[str, Any]], columns: Sequence[str]) -> None:
    widths = {c: max(len(c), *(len(_fmt(r.get(c))) for r in rows)) for c in columns}
    lines = [title, "  ".join(c.ljust(widths[c]) for c in columns)]
    lines += ["  ".join(_fmt(r.get(c)).ljust(widths[c]) for c in columns) for r in rows]
    sys.stdout.write("\n".join(lines) + "\n")


def _fmt(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def emit_json(result: Any, out: Path | None) -> None:
    """Print a benchmark's result as JSON, and write it to `out` too when given."""
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
    sys.stdout.write(text + "\n")


def alternated_route_latency(clients: dict[str, httpx.Client], tickets: Sequence[dict[str, Any]], *, requests: int,
                             warmup: int) -> dict[str, list[float]]:
    """Milliseconds of each `POST /v1/route` per client, after `warmup` tickets each; request i goes to every
    client in turn, so drift in the machine's load hits them alike."""
    for client in clients.values():
        for ticket in tickets[:warmup]:
            client.post("/v1/route", json=ticket).raise_for_status()
    samples: dict[str, list[float]] = {name: [] for name in clients}
    for i in range(requests):
        for name, client in clients.items():
            started = time.perf_counter()
            client.post("/v1/route", json=tickets[i % len(tickets)]).raise_for_status()
            samples[name].append((time.perf_counter() - started) * 1000)
    return samples


@contextlib.contextmanager
def otlp_collector() -> Iterator[tuple[str, list[tuple[str, bytes]]]]:
    """A stand-in OTLP/HTTP collector on a free loopback port: (its base URL, the (path, body) of each post)."""
    received: list[tuple[str, bytes]] = []

    class Collector(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append((self.path, self.rfile.read(int(self.headers.get("content-length", 0)))))
            self.send_response(200)
            self.send_header("content-type", "application/x-protobuf")
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()

