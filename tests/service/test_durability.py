"""Acknowledged feedback survives a SIGKILL of the real server, exactly once (on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import func, select

from bench.common import free_port
from models.pii import Redactor
from service.store.repository import FeedbackStore
from service.store.tables import FeedbackEventRow

REPO_ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def server(env: dict[str, str], log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    with log.open("ab") as handle:
        proc = subprocess.Popen([sys.executable, "-m", "scripts.cli", "serve", "--port", str(port)], cwd=REPO_ROOT,
                                env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=handle)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, f"server exited: {log.read_text()[-3000:]}"
            try:
                if httpx.get(f"{base}/readyz", timeout=2).json().get("store_ready"):
                    break
            except (httpx.HTTPError, ValueError):
                pass
            assert time.monotonic() < deadline, "server did not become ready"
            time.sleep(0.2)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def test_acknowledged_feedback_survives_sigkill_exactly_once(trained_model_dir: Path, tmp_path: Path,
                                                             store_url: str) -> None:
    env = {"DESKMATE_DATA_DIR": str(tmp_path / "var"), "DESKMATE_MODEL_DIR": str(trained_model_dir),
           "DESKMATE_EMBEDDER__BACKEND": "hashing", "DESKMATE_EMBEDDER__MODEL": "256",
           "DESKMATE_STORE__URL": store_url, "DESKMATE_LOG_LEVEL": "WARNING", "DESKMATE_MODEL_RELOAD_SECONDS": "0"}
    log = tmp_path / "server.log"
    acknowledged: dict[str, int] = {}
    sent = failed = 0
    lock = threading.Lock()
    with server(env, log) as (base, proc):
        with httpx.Client(base_url=base, timeout=10) as client:
            suggestion_ids = [client.post("/v1/suggest", json={"id": f"T-{i}", "body": f"charged twice {i}"}).json()[
                "suggestion_id"] for i in range(10)]
        stop = threading.Event()

        def agent(worker: int) -> None:
            nonlocal sent, failed
            with httpx.Client(base_url=base, timeout=5) as client:
                n = 0
                while not stop.is_set():
                    key, sid = f"w{worker}-{n}", suggestion_ids[n % 10]
                    n += 1
                    with lock:
                        sent += 1
                    try:
                        response = client.post(f"/v1/suggestions/{sid}/feedback",
                                               json={"action": "accepted", "agent_id": f"agent-{worker}"},
                                               headers={"Idempotency-Key": key})
                    except httpx.HTTPError:
                        with lock:
                            failed += 1
                        time.sleep(0.01)  # the server is gone: stop soon
                        continue
                    if 200 <= response.status_code < 300:
                        with lock:
                            acknowledged[key] = response.json()["feedback_id"]

        workers = [threading.Thread(target=agent, args=(w,)) for w in range(8)]
        for thread in workers:
            thread.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < 150 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)  # mid-stream: requests are in flight
        proc.wait(timeout=30)
        time.sleep(0.3)
        stop.set()
        for thread in workers:
            thread.join(timeout=30)
    assert len(acknowledged) >= 150, log.read_text()[-3000:]

    with server(env, log) as (base, _):
        store = FeedbackStore.open(store_url, redactor=Redactor(enabled=False), migrate=False)
        try:
            with store.session() as session:
                rows = session.execute(select(FeedbackEventRow.idempotency_key, FeedbackEventRow.id)).tuples().all()
                total = session.scalar(select(func.count()).select_from(FeedbackEventRow))
            stored = dict(rows)
            missing = sorted(set(acknowledged) - set(stored))
            assert not missing, f"acknowledged but lost: {missing[:10]}"
            assert all(stored[key] == feedback_id for key, feedback_id in acknowledged.items())
            assert total == len(stored)  # one row per key: nothing duplicated
            # Agents retrying after the crash get the stored event back, not a second one.
            with httpx.Client(base_url=base, timeout=10) as client:
                for key in list(acknowledged)[:20]:
                    worker, n = key[1:].split("-")
                    response = client.post(f"/v1/suggestions/{suggestion_ids[int(n) % 10]}/feedback",
                                           json={"action": "accepted", "agent_id": f"agent-{worker}"},
                                           headers={"Idempotency-Key": key})
                    assert response.status_code == 200 and response.json()["feedback_id"] == acknowledged[key]
            with store.session() as session:
                assert session.scalar(select(func.count()).select_from(FeedbackEventRow)) == total
        finally:
            store.close()
    counts = {"backend": store_url.split(":")[0], "sent": sent, "acknowledged": len(acknowledged),
              "connection_errors": failed, "stored_after_restart": total,
              "stored_but_unacknowledged": total - len(acknowledged), "lost": 0, "duplicated": 0}
    print("durability:", json.dumps(counts))
    report = os.environ.get("DESKMATE_DURABILITY_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(counts) + "\n")
