"""Desk connectors: webhook accept rate, event -> write-back latency, and no lost or doubled write-backs.

Everything runs on loopback: `deskmate serve` (uvicorn subprocess) with one Zendesk desk configured, pointed at the
fake Zendesk of tests/service/desks/fakes.py (a real HTTP server in this process), and signed webhooks built from
the shipped template (config/desks/templates/zendesk-created.json). Three measurements:

1. accept: events/s answered 202 by POST /v1/desks/zendesk/events (verify, map, redact, store the job) under N
   concurrent connections, with no worker running; the baseline in the same run is the same check without the
   queue (a bare FastAPI app that verifies the signature and maps the payload, then answers 202 storing nothing).
2. latency: open-loop events at 1 and 20 events/s into `deskmate serve` with its in-process worker (the
   single-process default); event sent -> the private note arriving at the fake desk, p50/p99.
3. exactly-once: `--events` events (default 10,000) into `deskmate serve` (no in-process worker) while a
   separate `deskmate worker` runs them and is SIGKILLed twice (then restarted); 1 % of the events are delivered
   twice (same invocation id). Every ticket must end with exactly one note: lost and duplicated are counted.

The engine is the tiny hashing one by default (a routing head trained on the demo tickets with the hashing
embedder: seconds to build, so the numbers are the connector's cost); `--engine demo` uses the service's default
settings (the demo model from `deskmate demo`).

    python -m bench.desk_connectors [--events 10000] [--engine tiny|demo] [--out var/bench/desk_connectors.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response
from sqlalchemy import create_engine

from bench.common import REPO_ROOT, emit_json, percentiles, print_table, running_server
from service.desks.config import load_desks
from service.desks.mapping import PayloadError, map_event
from service.desks.signatures import WebhookRefused, verify
from service.jobs import JobQueue
from tests.service.desks.fakes import FakeZendesk, desk_webhook

DEMO = REPO_ROOT / "data" / "demo"
SECRET = "bench-signing-secret"
API_TOKEN = "bench-api-token"
SUBJECTS = ["Charged twice this month", "Cannot log in after password reset", "Dashboard down for the whole team",
            "Please add dark mode", "Refund for the annual plan"]


# -- the engine and the desk ---------------------------------------------------------------------------------------


def tiny_engine(tmp: Path) -> dict[str, str]:
    """A hashing-embedder routing model trained on the demo tickets and an index of them: the env to serve it."""
    from index.build import build_index
    from models.data import FieldMapping, load_labelled
    from models.embedding.hashing import HashingEmbedder
    from models.training import TrainOptions, train_routing_model

    embedder = HashingEmbedder(256)
    rows = load_labelled(DEMO / "tickets.jsonl", FieldMapping())
    model, metrics = train_routing_model(rows=rows, embedder=embedder,
                                         options=TrainOptions(seed=3, aux_embedders=()))
    model.save(tmp / "model", extra_manifest={"metrics": metrics, "oos_label": "oos"})
    build_index(cases_path=DEMO / "tickets.jsonl", articles_path=DEMO / "articles.jsonl", out_dir=tmp / "index",
                embedder=embedder, show_progress=False)
    return {"DESKMATE_MODEL_DIR": str(tmp / "model"), "DESKMATE_EMBEDDER__BACKEND": "hashing",
            "DESKMATE_EMBEDDER__MODEL": "256", "DESKMATE_RETRIEVAL__INDEX_DIR": str(tmp / "index")}


def demo_engine() -> dict[str, str]:
    """The service's default engine (the demo model and index of `deskmate demo`, the ONNX exports), pinned by path
    so that the benchmark's own data directories do not hide them."""
    from service.settings import Settings

    settings = Settings()
    return {"DESKMATE_MODEL_DIR": str(settings.resolved_model_dir),
            "DESKMATE_RETRIEVAL__INDEX_DIR": str(settings.resolved_index_dir),
            "DESKMATE_EMBEDDER__ONNX_DIR": str(settings.resolved_onnx_dir),
            "DESKMATE_EMBEDDER__USE_ONNX_DIR": str(settings.resolved_use_onnx_dir)}


def desk_config(directory: Path, fake_url: str) -> dict[str, str]:
    """desks/zendesk.yaml pointing at the fake, writing for real (not a dry run); the env its secrets come from."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "zendesk.yaml").write_text(
        f"kind: zendesk\nbase_url: {fake_url}\n"
        "credentials: {email: bot@example.com, token: {env: BENCH_ZD_TOKEN}}\n"
        "webhook: {secret: {env: BENCH_ZD_SECRET}}\n"
        "groups: {billing: 11, account-access: 12, technical-support: 13, incident-response: 14, triage: 15,\n"
        "         general-support: 16, product-feedback: 17, customer-success: 18, security: 19, privacy: 20}\n",
        encoding="utf-8")
    return {"DESKMATE_DESKS__CONFIG_DIR": str(directory), "BENCH_ZD_TOKEN": API_TOKEN, "BENCH_ZD_SECRET": SECRET}


def event(ticket_id: int, *, delivery_id: str | None = None) -> tuple[bytes, dict[str, str]]:
    hook = desk_webhook("zendesk", "created", SECRET, ticket_id=ticket_id, subject=SUBJECTS[ticket_id % 5],
                        body=f"Hello, {SUBJECTS[ticket_id % 5].lower()}. Order {ticket_id}, please help.",
                        delivery_id=delivery_id or f"inv-{ticket_id}")
    return hook.body, hook.headers


def note_times(fake: FakeZendesk) -> dict[int, list[float]]:
    """ticket id -> when each private comment arrived (monotonic clock of this process)."""
    out: dict[int, list[float]] = {}
    for r in fake.writes():
        comment = (r.body or {}).get("ticket", {}).get("comment") if isinstance(r.body, dict) else None
        if comment is not None and r.path.endswith(".json") and "update_many" not in r.path:
            out.setdefault(int(r.path.split("/")[-1].removesuffix(".json")), []).append(r.at)
    return out


# -- the baseline: verify and map, no queue ------------------------------------------------------------------------


def baseline_app() -> FastAPI:
    """The webhook check without the durable queue (uvicorn --factory): verify, parse, map, 202."""
    desks = load_desks(Path(os.environ["DESKMATE_DESKS__CONFIG_DIR"]))
    app = FastAPI()

    @app.get("/readyz")
    def ready() -> dict[str, str]:
        return {"status": "ready"}

    @app.post("/v1/desks/{desk}/events", status_code=202)
    async def accept(desk: str, request: Request, response: Response) -> dict[str, Any]:
        raw = await request.body()
        try:
            verify(desks[desk], request.headers, raw)
            mapped = map_event(desks[desk], json.loads(raw))
        except (WebhookRefused, PayloadError, KeyError, ValueError):
            response.status_code = 401
            return {"accepted": False}
        return {"accepted": True, "ticket_id": mapped.ticket_id}

    return app


# -- load ------------------------------------------------------------------------------------------------------------


async def closed_loop(base: str, *, clients: int, seconds: float, first_id: int) -> dict[str, Any]:
    """`clients` connections posting distinct events back to back for `seconds`; 202s per second."""
    counter = iter(range(first_id, first_id + 10_000_000))
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def one(client: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline:
            body, headers = event(next(counter))
            started = time.perf_counter()
            response = await client.post(f"{base}/v1/desks/zendesk/events", content=body, headers=headers)
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(one(client) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    accepted = statuses.get(202, 0)
    return {"events_per_s": round(accepted / elapsed, 1), "accepted": accepted, "statuses": statuses,
            **{k: round(v, 2) for k, v in percentiles(latencies).items() if k in ("p50_ms", "p99_ms")}}


async def open_loop(base: str, ids: list[int], *, rate: float) -> dict[int, float]:
    """Events sent at `rate` per second whatever the server's pace; ticket id -> when it was sent."""
    sent: dict[int, float] = {}

    async def one(client: httpx.AsyncClient, ticket_id: int, at: float) -> None:
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        body, headers = event(ticket_id)
        sent[ticket_id] = time.monotonic()
        response = await client.post(f"{base}/v1/desks/zendesk/events", content=body, headers=headers)
        if response.status_code != 202:
            raise RuntimeError(f"event {ticket_id}: {response.status_code} {response.text[:300]}")

    start = time.monotonic() + 0.2
    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(one(client, t, start + i / rate) for i, t in enumerate(ids)))
    return sent


def wait_notes(fake: FakeZendesk, ids: list[int], *, timeout: float) -> dict[int, list[float]]:
    deadline = time.monotonic() + timeout
    while True:
        notes = note_times(fake)
        if all(t in notes for t in ids) or time.monotonic() > deadline:
            return notes
        time.sleep(0.2)


# -- the three measurements ------------------------------------------------------------------------------------------


def measure_accept(env: dict[str, str], tmp: Path, *, clients: int, seconds: float,
                   rounds: int) -> list[dict[str, Any]]:
    """Both servers run side by side and are measured in turn, `rounds` times (the median round is reported), so
    the background load of a shared machine hits them alike."""
    baseline_argv = [sys.executable, "-m", "uvicorn", "bench.desk_connectors:baseline_app", "--factory",
                     "--host", "127.0.0.1", "--port", "{port}", "--log-level", "warning"]
    servers = {"baseline: verify+map, no queue": ({}, baseline_argv),
               "deskmate: verify+map+redact+store job": ({"DESKMATE_DATA_DIR": str(tmp / "accept"),
                                                          "DESKMATE_JOBS__IN_PROCESS": "false"}, None)}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in servers}
    with ExitStack() as stack:
        bases = {name: stack.enter_context(running_server({**env, **extra}, argv=argv))
                 for name, (extra, argv) in servers.items()}
        first = 1
        for base in bases.values():  # warm-up
            asyncio.run(closed_loop(base, clients=clients, seconds=2, first_id=5_000_000))
        for _ in range(rounds):
            for name, base in bases.items():
                runs[name].append(asyncio.run(closed_loop(base, clients=clients, seconds=seconds, first_id=first)))
                first += 1_000_000
    rows = []
    for name, results in runs.items():
        median = sorted(results, key=lambda r: float(r["events_per_s"]))[len(results) // 2]
        rows.append({"server": name, "clients": clients, "rounds": rounds, **median,
                     "all_rounds_per_s": [r["events_per_s"] for r in results]})
    return rows


def measure_latency(env: dict[str, str], tmp: Path, fake: FakeZendesk, *, rates: list[float],
                    events_per_rate: int, seconds_per_rate: float) -> list[dict[str, Any]]:
    rows = []
    with running_server({**env, "DESKMATE_DATA_DIR": str(tmp / "latency")}) as base:
        first = 6_000_000
        for rate in rates:
            count = max(5, min(events_per_rate, int(rate * seconds_per_rate)))
            ids = list(range(first, first + count))
            first += count
            for ticket_id in ids:
                fake.add_ticket(ticket_id)
            sent = asyncio.run(open_loop(base, ids, rate=rate))
            notes = wait_notes(fake, ids, timeout=60 + count / 2)
            samples = [(notes[t][0] - sent[t]) * 1000 for t in ids if t in notes]
            p = percentiles(samples)
            span = max(notes[t][-1] for t in ids if t in notes) - min(sent.values())
            rows.append({"rate_per_s": rate, "events": count, "written": len(samples),
                         "p50_ms": round(p["p50_ms"], 1), "p99_ms": round(p["p99_ms"], 1),
                         "max_ms": round(max(samples), 1), "written_per_s": round(len(samples) / span, 1)})
    return rows


@contextmanager
def worker_process(env: dict[str, str]) -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    try:
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()


def measure_exactly_once(env: dict[str, str], tmp: Path, fake: FakeZendesk, *, events: int,
                         clients: int, kills: int) -> dict[str, Any]:
    data_dir = tmp / "exactly-once"
    server_env = {**env, "DESKMATE_DATA_DIR": str(data_dir), "DESKMATE_JOBS__IN_PROCESS": "false"}
    worker_env = {**os.environ, **server_env, "DESKMATE_JOBS__LEASE_SECONDS": "5", "DESKMATE_JOBS__POLL_SECONDS": "0.1",
                  "DESKMATE_LOG_LEVEL": "WARNING"}
    ids = list(range(1, events + 1))
    for ticket_id in ids:
        fake.add_ticket(ticket_id)
    redelivered = ids[:: 100]
    statuses: dict[int, int] = {}
    started = time.monotonic()
    killed = 0

    def start_worker() -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "scripts.cli", "worker"], cwd=REPO_ROOT, env=worker_env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    async def send_all(base: str) -> None:
        pending = iter([*ids, *redelivered])

        async def one(client: httpx.AsyncClient) -> None:
            for ticket_id in pending:
                body, headers = event(ticket_id)
                response = await client.post(f"{base}/v1/desks/zendesk/events", content=body, headers=headers)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        async with httpx.AsyncClient(timeout=60) as client:
            await asyncio.gather(*(one(client) for _ in range(clients)))

    with running_server(server_env) as base, worker_process(worker_env) as procs:
        procs.append(start_worker())
        asyncio.run(send_all(base))
        sent_s = time.monotonic() - started
        deadline = time.monotonic() + 600 + events / 5
        marks = [events * (k + 1) // (kills + 1) for k in range(kills)]
        while time.monotonic() < deadline:
            done = len(note_times(fake).keys() & set(ids))
            if killed < kills and done >= marks[killed]:
                os.kill(procs[-1].pid, signal.SIGKILL)  # mid-job: the worker is never idle while jobs wait
                procs[-1].wait()
                killed += 1
                procs.append(start_worker())
            if done >= events:
                break
            time.sleep(0.2)
        elapsed = time.monotonic() - started
    notes = note_times(fake)
    queue = JobQueue(create_engine(f"sqlite:///{data_dir / 'deskmate.db'}"))
    counts = queue.counts()
    # Jobs run more than once: those in the hands of a killed worker (taken over after its lease) and retries.
    run_again = sum(1 for job in queue.list(limit=events + len(redelivered)) if job.attempts > 1)
    return {"events": events, "redelivered": len(redelivered), "worker_kills": killed,
            "written_once": sum(1 for t in ids if len(notes.get(t, [])) == 1),
            "lost": sum(1 for t in ids if t not in notes),
            "duplicated": sum(1 for t in ids if len(notes.get(t, [])) > 1),
            "webhook_statuses": statuses, "jobs": counts, "jobs_run_more_than_once": run_again,
            "send_s": round(sent_s, 1), "total_s": round(elapsed, 1),
            "write_backs_per_s": round(len(notes) / elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000, help="events of the exactly-once run")
    parser.add_argument("--engine", choices=("tiny", "demo"), default="tiny")
    parser.add_argument("--clients", type=int, default=8, help="concurrent webhook connections")
    parser.add_argument("--accept-seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3, help="accept measurements per server, in turn")
    parser.add_argument("--rates", type=float, nargs="+", default=[1.0, 20.0])
    parser.add_argument("--latency-seconds", type=float, default=20.0, help="seconds of open-loop load per rate")
    parser.add_argument("--latency-events", type=int, default=400, help="most events per rate")
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--skip", nargs="*", default=[], choices=("accept", "latency", "exactly-once"))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    result: dict[str, Any] = {"command": " ".join(["python -m bench.desk_connectors", *sys.argv[1:]]),
                              "engine": args.engine}
    with tempfile.TemporaryDirectory(prefix="deskmate-bench-desks-") as tmp_dir, \
            FakeZendesk(token=API_TOKEN) as fake:
        tmp = Path(tmp_dir)
        assert isinstance(fake, FakeZendesk)
        env = {**(tiny_engine(tmp) if args.engine == "tiny" else demo_engine()), **desk_config(tmp / "desks", fake.url),
               "DESKMATE_LOG_LEVEL": "WARNING"}
        if "accept" not in args.skip:
            result["accept"] = measure_accept(env, tmp, clients=args.clients, seconds=args.accept_seconds,
                                              rounds=args.rounds)
            print_table("Webhook accept (events/s answered 202)", result["accept"], list(result["accept"][0]))
        if "latency" not in args.skip:
            result["latency"] = measure_latency(env, tmp, fake, rates=args.rates, events_per_rate=args.latency_events,
                                                seconds_per_rate=args.latency_seconds)
            print_table("Event -> private note at the desk (in-process worker)", result["latency"],
                        list(result["latency"][0]))
        if "exactly-once" not in args.skip:
            result["exactly_once"] = measure_exactly_once(env, tmp, fake, events=args.events, clients=args.clients,
                                                          kills=args.kills)
    emit_json(result, args.out)


if __name__ == "__main__":
    main()
