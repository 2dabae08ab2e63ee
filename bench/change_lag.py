"""Change propagation lag between two service processes, and the memory of each worker.

Two `deskmate serve` processes (what `--workers 2` runs, on separate ports so that each can be asked) share one
data directory, one store and the change log (`DESKMATE_CHANGES__ENABLED=true`). Cases are added one at a time
through process A; after each acknowledgement, process B is asked (/v1/similar with the case's unique words)
until it returns the case: that wait is the lag (it includes B's request time, a few ms). SQLite (B polls the
log every `--poll-ms`) and PostgreSQL (B is woken by NOTIFY) side by side, then the resident memory of each
process, and of the parent and workers of `deskmate serve --workers N`. Tiny models (hashing embedder, a model
trained on the demo tickets) so that the numbers are the log's, not the embedder's. Usage:

    python -m bench.change_lag --changes 100 --out bench/results/change_lag.json
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from bench.common import REPO_ROOT, emit_json, free_port, percentiles, print_table
from index.build import build_index
from models.embedding.hashing import HashingEmbedder
from models.training import TrainOptions, train_from_file
from service.store import db

DEMO = REPO_ROOT / "data" / "demo"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextlib.contextmanager
def server(env: dict[str, str], *, workers: int = 1, log: Path | None = None,
           timeout: float = 180.0) -> Iterator[tuple[str, int]]:
    """`deskmate serve` in its own session on a free port (stderr to `log`); yields its URL and pid once /readyz
    says the models, the index and the store are ready. Also used by tests/service/changes/."""
    port = free_port()
    command = [sys.executable, "-m", "scripts.cli", "serve", "--port", str(port), "--workers", str(workers)]
    with open(log or os.devnull, "ab") as stderr:
        proc = subprocess.Popen(command, cwd=REPO_ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                                stderr=stderr, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text()[-3000:] if log else ''}")
            with contextlib.suppress(httpx.HTTPError, ValueError):
                ready = httpx.get(f"{base}/readyz", timeout=2).json()
                if ready.get("ready") and ready.get("index_ready") and ready.get("store_ready"):
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not become ready in time: {log.read_text()[-3000:] if log else ''}")
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def artifacts(root: Path) -> tuple[Path, Path]:
    """A routing model and an index for the hashing embedder, from the demo data."""
    embedder = HashingEmbedder(256)
    model_dir, index_dir = root / "models" / "current", root / "index" / "current"
    train_from_file(data=DEMO / "tickets.jsonl", out_dir=model_dir, embedder=embedder,
                    options=TrainOptions(oos_label="oos", aux_embedders=()), show_progress=False)
    build_index(cases_path=DEMO / "tickets.jsonl", articles_path=DEMO / "articles.jsonl", out_dir=index_dir,
                embedder=embedder, show_progress=False)
    return model_dir, index_dir


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` in MiB (VmRSS of /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmRSS for {pid}")


def workers_of(pid: int) -> list[int]:
    """The worker processes uvicorn spawned for `pid` (not multiprocessing's resource tracker)."""
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout
    return [int(p) for p in found.split() if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]


def case(n: int) -> dict[str, Any]:
    return {"id": f"lag-{n}", "subject": f"bench case {n}", "body": f"zebu{n}q quokka{n}q cannot export report",
            "resolution": f"resolved {n}", "topic": "billing"}


def found(client: httpx.Client, n: int) -> bool:
    response = client.post("/v1/similar", json={"body": f"zebu{n}q quokka{n}q", "k_cases": 3})
    return any(hit["id"] == f"lag-{n}" for hit in response.json()["cases"])


def measure_lag(env: dict[str, str], *, changes: int, label: str) -> dict[str, Any]:
    lags, acks = [], []
    with server(env) as (a, pid_a), server(env) as (b, pid_b), \
            httpx.Client(base_url=a, timeout=30) as ca, httpx.Client(base_url=b, timeout=30) as cb:
        for n in range(changes):
            started = time.perf_counter()
            response = ca.post("/v1/cases", json={"cases": [case(n)]})
            acked = time.perf_counter()
            assert response.status_code == 200 and response.json()["added"] == [f"lag-{n}"], response.text
            while not found(cb, n):
                if time.perf_counter() - acked > 30:
                    raise RuntimeError(f"case {n} never reached process B")
            lags.append((time.perf_counter() - acked) * 1000)
            acks.append((acked - started) * 1000)
        memory = {"rss_a_mb": rss_mb(pid_a), "rss_b_mb": rss_mb(pid_b)}
    lag, ack = percentiles(lags), percentiles(acks)
    return {"store": label, "changes": changes, "lag_p50_ms": lag["p50_ms"], "lag_p99_ms": lag["p99_ms"],
            "lag_max_ms": max(lags), "add_p50_ms": ack["p50_ms"], "add_p99_ms": ack["p99_ms"], **memory}


def measure_workers(env: dict[str, str], *, workers: int) -> dict[str, Any]:
    with server(env, workers=workers) as (_base, pid):
        time.sleep(2.0)  # every worker is up once one answered? not necessarily: let the others finish loading
        rss = [rss_mb(child) for child in workers_of(pid)]
        return {"workers": workers, "parent_rss_mb": rss_mb(pid), "worker_rss_mb": rss,
                "total_rss_mb": round(rss_mb(pid) + sum(rss), 1)}


def run(*, changes: int, poll_ms: float, postgres_url: str | None, workers: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="deskmate-lag-") as tmp:
        root = Path(tmp)
        model_dir, index_dir = artifacts(root)
        base = {"DESKMATE_MODEL_DIR": str(model_dir), "DESKMATE_EMBEDDER__BACKEND": "hashing",
                "DESKMATE_EMBEDDER__MODEL": "256", "DESKMATE_CHANGES__ENABLED": "true",
                "DESKMATE_CHANGES__POLL_SECONDS": str(poll_ms / 1000), "DESKMATE_AUTH__DISABLED": "true",
                "DESKMATE_LOG_LEVEL": "WARNING", "DESKMATE_MODEL_RELOAD_SECONDS": "0",
                "DESKMATE_RATE_LIMIT__ENABLED": "false"}
        rows = []
        for label in ("sqlite", "postgresql"):
            data_dir = root / f"var-{label}"
            index_copy = root / f"index-{label}" / "current"
            index_copy.parent.mkdir()
            subprocess.run(["cp", "-r", str(index_dir), str(index_copy)], check=True)
            env = {**base, "DESKMATE_DATA_DIR": str(data_dir), "DESKMATE_RETRIEVAL__INDEX_DIR": str(index_copy)}
            if label == "sqlite":
                rows.append(measure_lag({**env, "DESKMATE_STORE__URL": f"sqlite:///{data_dir / 'deskmate.db'}"},
                                        changes=changes, label=f"sqlite (poll {poll_ms:g} ms)"))
            elif postgres_url is not None:
                with db.scratch_schema(postgres_url, prefix="dm_bench") as url:
                    rows.append(measure_lag({**env, "DESKMATE_STORE__URL": url}, changes=changes,
                                            label="postgresql (NOTIFY)"))
        env = {**base, "DESKMATE_DATA_DIR": str(root / "var-workers"), "DESKMATE_RETRIEVAL__INDEX_DIR": str(index_dir)}
        memory = measure_workers(env, workers=workers)
    return {"lag": rows, "memory": memory}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=100, help="Cases added one at a time per store.")
    parser.add_argument("--poll-ms", type=float, default=200.0, help="SQLite polling interval of the follower.")
    parser.add_argument("--postgres-url", default=os.environ.get("DESKMATE_TEST_POSTGRES_URL", DEFAULT_POSTGRES),
                        help="PostgreSQL server for the NOTIFY run (a scratch schema); 'none' to skip it.")
    parser.add_argument("--workers", type=int, default=2, help="Workers of the `serve --workers` memory run.")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    postgres = None if args.postgres_url.lower() in {"", "none"} else args.postgres_url
    result = run(changes=args.changes, poll_ms=args.poll_ms, postgres_url=postgres, workers=args.workers)
    print_table("change propagation lag (ack by A -> visible through B)", result["lag"],
                ["store", "changes", "lag_p50_ms", "lag_p99_ms", "lag_max_ms", "add_p50_ms", "rss_a_mb", "rss_b_mb"])
    emit_json(result, args.out)


if __name__ == "__main__":
    main()
