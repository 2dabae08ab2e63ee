"""Acknowledged writes survive: feedback survives a SIGKILL of the real server, exactly once (on SQLite and
PostgreSQL); cases added (and deleted) from several threads while another thread swaps the live index to
rebuilt ones, again and again, are all there after a restart (issue 14, item 7; the restart is the service's
own: `components.open_index` opens the directory the active-index pointer names).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bench.common import free_port
from index.documents import Case
from index.holder import IndexHolder
from index.search_index import SearchIndex
from models.embedding.hashing import HashingEmbedder
from models.pii import Redactor
from service import components
from service.app import create_app
from service.settings import EmbedderSettings, RetrievalSettings, Settings
from service.state import state_of
from service.store.repository import FeedbackStore
from service.store.tables import FeedbackEventRow
from tests.index.conftest import make_articles, make_cases

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


# -- the index: acknowledged case adds and deletes survive swaps and restarts -------------------------------------

ADDERS = 3
ROUNDS = 12  # add calls per adder
SWAPS = 8


def build(directory: Path, embedder: HashingEmbedder, *, extra: int = 0) -> Path:
    """A rebuild from the same source data (plus `extra` cases only it has): it knows no live change."""
    cases = make_cases(40, seed=5, prefix="src") + make_cases(extra, seed=9, prefix=f"{directory.name}-")
    SearchIndex.build(cases=cases, articles=make_articles(), embedder=embedder).save(directory)
    return directory


class Ledger:
    """What the index acknowledged: the latest text of every added id, and the ids it deleted."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.added: dict[str, str | None] = {}  # None: the text is not checked
        self.deleted: set[str] = set()
        self.errors: list[BaseException] = []

    def check(self, index: SearchIndex) -> None:
        missing = [case_id for case_id in self.added if case_id not in index]
        assert not missing, f"{len(missing)} of {len(self.added)} acknowledged adds lost: {missing[:5]}"
        stale = [i for i, text in self.added.items()
                 if text is not None and ((case := index.case(i)) is None or case.text != text)]
        assert not stale, f"replaced cases reverted to an older version: {stale[:5]}"
        back = sorted(i for i in self.deleted if i in index)
        assert not back, f"deleted cases came back: {back}"


def adder(holder: IndexHolder, ledger: Ledger, worker: int) -> None:
    try:
        for n in range(ROUNDS):
            batch = [Case(id=f"w{worker}-{n}-{j}", text=f"worker {worker} round {n} item {j} okapi{worker}x{n}x{j}",
                          resolution="done", resolved_at="2025-02-01") for j in range(1 + n % 3)]
            if n % 4 == 3:  # a newer version of an earlier case of this worker
                batch.append(Case(id=f"w{worker}-{n - 2}-0", text=f"rewritten {worker} {n} lemur{worker}x{n}",
                                  resolution="new", resolved_at="2025-03-01"))
            report = holder.add_cases(batch)
            texts = {c.id: c.text for c in batch}
            with ledger.lock:
                ledger.added.update({case_id: texts[case_id] for case_id in report.added})
            if n % 5 == 4:
                victim = f"w{worker}-{n - 1}-0"
                if holder.delete_cases([victim]) == [victim]:
                    with ledger.lock:
                        ledger.added.pop(victim, None)
                        ledger.deleted.add(victim)
    except BaseException as exc:  # the test collects every failure
        ledger.errors.append(exc)


def test_acknowledged_adds_survive_swaps_and_restart(tmp_path: Path) -> None:
    embedder = HashingEmbedder(64)
    root = tmp_path / "index"
    settings = Settings(data_dir=tmp_path / "var", retrieval=RetrievalSettings(index_dir=root / "current"),
                        embedder=EmbedderSettings(backend="hashing", model="64"))
    build(root / "current", embedder)
    holder = IndexHolder()
    components.open_index(settings, holder, embedder)
    assert holder.ready
    ledger = Ledger()
    holds: list[float] = []

    def swapper() -> None:
        try:
            for i in range(SWAPS):  # fresh rebuilds, and twice back to a directory that was live before
                target = root / f"r{i - 3}" if i in (4, 6) else build(root / f"r{i}", embedder, extra=i)
                holder.swap(target, on_commit=lambda path: components.remember_active_index(settings, path))
                holds.append(holder.last_swap_hold_s or 0.0)
        except BaseException as exc:  # the test collects every failure
            ledger.errors.append(exc)

    threads = [threading.Thread(target=adder, args=(holder, ledger, w)) for w in range(ADDERS)]
    threads.append(threading.Thread(target=swapper))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not ledger.errors, ledger.errors
    assert len(holds) == SWAPS and len(ledger.added) > 50 and ledger.deleted
    ledger.check(holder.index)

    restarted = IndexHolder()
    components.open_index(settings, restarted, embedder)  # what the service does at startup
    assert restarted.index.path == holder.index.path == components.active_index_dir(settings)
    ledger.check(restarted.index)
    refused = restarted.add_cases([Case(id=sorted(ledger.deleted)[0], text="back again?")]).refused_deleted
    assert refused == [sorted(ledger.deleted)[0]]


VOCABULARY = [f"{stem}{n}" for stem in ("invoice", "parcel", "login", "printer", "export", "webhook") for n in range(8)]


def words(seed: str) -> str:
    """A text of its own (no near-duplicate of another): eight words drawn by `seed`, and a unique token."""
    rng = random.Random(seed)
    return " ".join([*rng.sample(VOCABULARY, 8), f"tapir{seed}"])


@pytest.fixture()
def http_settings(trained_model_dir: Path, tmp_path: Path) -> Settings:
    build(tmp_path / "index" / "current", HashingEmbedder(256))
    return Settings(data_dir=tmp_path / "var", model_dir=trained_model_dir,
                    embedder=EmbedderSettings(backend="hashing", model="256"),
                    retrieval=RetrievalSettings(index_dir=tmp_path / "index" / "current"))


def test_acknowledged_http_adds_survive_admin_swaps_and_restart(http_settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "index"
    ledger = Ledger()
    with TestClient(create_app(http_settings)) as client:

        def post(worker: int) -> None:
            try:
                for n in range(8):
                    cases = [{"id": f"h{worker}-{n}-{j}", "subject": "Charged twice", "body": words(f"{worker}{n}{j}"),
                              "resolution": "Refunded the duplicate charge.", "topic": "billing"} for j in range(2)]
                    response = client.post("/v1/cases", json={"cases": cases})
                    assert response.status_code == 200, response.text
                    assert sorted(response.json()["added"]) == sorted(c["id"] for c in cases)
                    with ledger.lock:
                        ledger.added.update({c["id"]: None for c in cases})
            except BaseException as exc:  # the test collects every failure
                ledger.errors.append(exc)

        def swap() -> None:
            try:
                for i in range(4):
                    build(root / f"r{i}", HashingEmbedder(256), extra=i)
                    response = client.post("/v1/admin/index/swap", json={"path": f"r{i}"})
                    assert response.status_code == 200, response.text
                    assert response.json()["path"] == f"r{i}"
            except BaseException as exc:  # the test collects every failure
                ledger.errors.append(exc)

        threads = [threading.Thread(target=post, args=(w,)) for w in range(2)] + [threading.Thread(target=swap)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not ledger.errors, ledger.errors
        assert len(ledger.added) == 32
        ledger.check(state_of(client.app).index.index)
    with TestClient(create_app(http_settings)) as client:  # restart: opens the last swapped-in directory
        index = state_of(client.app).index.index
        assert index.path == (root / "r3").resolve()
        ledger.check(index)
