"""Feedback write throughput of the store on SQLite and PostgreSQL, against a bare insert baseline.

For each backend and thread count, agents' feedback events are written through `FeedbackStore.add_feedback`
(redaction, Idempotency-Key check, edit distance, one committed transaction per event: what the endpoint does),
and, in the same run on the same database, through a bare SQLAlchemy Core INSERT of the same row in its own
transaction (the floor a write can cost there). Reports events/s, p50/p99 latency and the ratio to the floor.

    python -m bench.feedback_throughput [--seconds 5] [--threads 1 --threads 8] [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import insert

from bench.common import REPO_ROOT, percentiles
from models.pii import Redactor
from service.records import RouteRecord, SuggestionRecord, SuggestionSources, TicketSeen
from service.store import db
from service.store.repository import FeedbackStore, NewFeedback
from service.store.tables import FeedbackEventRow

console = Console()
FINAL = ("Hi Ana, thanks for your patience. I refunded the duplicate charge of €49.00 on your card; it shows within "
         "3-5 business days. Reach me at support@orbitly.example if anything is still off.")


def _setup(store: FeedbackStore, n: int) -> list[str]:
    ids = []
    for i in range(n):
        sid = f"sug_bench_{i}"
        route = RouteRecord(ticket=TicketSeen(f"B-{i}", "Charged twice", "card charged twice, call +49 30 1234567",
                                              "email", "en"), topic="billing", topic_confidence=0.9,
                            alternatives=("account",), urgency="normal", queue="billing", priority="normal",
                            sla_minutes=480, needs_human=False, reason=None, model_version="bench", suggestion_id=sid)
        store.record_suggestion(SuggestionRecord(suggestion_id=sid, route=route, index_version=None,
                                                 sources=SuggestionSources(), draft_error=None,
                                                 draft={"text": FINAL[:120], "drafter": "composer"}))
        ids.append(sid)
    return ids


def _run(write: Callable[[int, int], None], threads: int, seconds: float) -> dict[str, Any]:
    latencies: list[list[float]] = [[] for _ in range(threads)]
    stop = threading.Event()

    def worker(w: int) -> None:
        n = 0
        while not stop.is_set():
            started = time.perf_counter()
            write(w, n)
            latencies[w].append((time.perf_counter() - started) * 1000)
            n += 1

    pool = [threading.Thread(target=worker, args=(w,)) for w in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [x for per in latencies for x in per]
    stats = percentiles(flat)
    return {"events": len(flat), "per_second": round(len(flat) / elapsed, 1), "p50_ms": round(stats["p50_ms"], 2),
            "p99_ms": round(stats["p99_ms"], 2)}


def bench_backend(name: str, url: str, threads: list[int], seconds: float) -> list[dict[str, Any]]:
    store = FeedbackStore.open(url, redactor=Redactor(enabled=True), pool_size=max(threads))
    rows = []
    try:
        suggestion_ids = _setup(store, 50)
        run_id = ""

        def ours(w: int, n: int) -> None:
            store.add_feedback(NewFeedback(suggestion_ids[n % 50], "edited", f"agent-{w}", final_text=FINAL,
                                          idempotency_key=f"{run_id}-ours-{w}-{n}"))

        def floor(w: int, n: int) -> None:
            with store.engine.begin() as connection:
                connection.execute(insert(FeedbackEventRow).values(
                    suggestion_id=suggestion_ids[n % 50], idempotency_key=f"{run_id}-floor-{w}-{n}",
                    request_hash="0" * 64, action="edited", agent_id=f"agent-{w}", final_text=FINAL,
                    edit_distance=0.5, created_at=datetime.now(UTC)))

        for count in threads:
            run_id = f"{uuid.uuid4().hex[:8]}x{count}"
            base = _run(floor, count, seconds)
            mine = _run(ours, count, seconds)
            rows.append({"backend": name, "threads": count, "deskmate": mine, "bare_insert": base,
                         "throughput_ratio": round(mine["per_second"] / base["per_second"], 3)})
            console.print(f"{name} x{count}: {mine['per_second']}/s (bare insert {base['per_second']}/s)")
    finally:
        store.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="Duration of each measurement.")
    parser.add_argument("--threads", type=int, action="append", help="Concurrent writers (repeatable; 1 and 8).")
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                        help="PostgreSQL server to use (a scratch schema is created and dropped); 'none' to skip.")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "var" / "bench" / "feedback_throughput.json")
    args = parser.parse_args()
    threads = args.threads or [1, 8]
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        results += bench_backend("sqlite (WAL, synchronous=FULL)", f"sqlite:///{Path(tmp) / 'bench.db'}", threads,
                                 args.seconds)
    if args.postgres_url.lower() != "none":
        with db.scratch_schema(args.postgres_url, prefix="dm_bench") as url:
            results += bench_backend("postgresql", url, threads, args.seconds)
    table = Table(title="feedback writes (one committed transaction per event)")
    for column in ("backend", "threads", "deskmate /s", "p50 ms", "p99 ms", "bare insert /s", "ratio"):
        table.add_column(column)
    for row in results:
        mine, base = row["deskmate"], row["bare_insert"]
        table.add_row(row["backend"], str(row["threads"]), str(mine["per_second"]), str(mine["p50_ms"]),
                      str(mine["p99_ms"]), str(base["per_second"]), f"{row['throughput_ratio']:.2f}x")
    console.print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"seconds": args.seconds, "results": results}, indent=2))
    console.print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
