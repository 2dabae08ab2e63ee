"""The change log (service/changes/): ordered, grouped by write, scrubbed by erasure; two service instances on
one store and one index directory agree, and a restart replays what its snapshot lacks. In-process (two apps
made by `create_app`, each with its own state: what two workers are), on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from index.search_index import SearchIndex
from models.pii import Redactor
from models.registry import ModelRegistry
from service.app import create_app
from service.changes.follower import CHANGE_SEQ
from service.changes.log import SCRUBBED, ChangeLog, NewChange
from service.changes.writes import log_model_change
from service.settings import ChangeLogSettings, EmbedderSettings, RetrievalSettings, Settings, StoreSettings
from service.state import state_of
from service.store.repository import FeedbackStore
from tests.service.test_api import ticket
from tests.service.test_reload import train_into
from tests.service.test_retrieval_api import CASES, make_index, make_settings

LAG_S = 5.0  # generous here: the documented lag is one poll (0.2 s) plus the apply


def wait_until(check: Callable[[], bool], seconds: float = LAG_S) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not propagated in time"
        time.sleep(0.05)


def settings_for(trained_model_dir: Path, index_dir: Path, data_dir: Path, store_url: str) -> Settings:
    return make_settings(trained_model_dir, index_dir, data_dir, admin_token="s3cret",
                         store=StoreSettings(url=store_url), changes=ChangeLogSettings(enabled=True),
                         model_reload_seconds=0)


def case_ids(client: TestClient, text: str) -> set[str]:
    response = client.post("/v1/similar", json={"body": text, "k_cases": 10})
    assert response.status_code == 200, response.text
    return {hit["id"] for hit in response.json()["cases"]}


def test_log_orders_groups_and_scrubs(store_url: str) -> None:
    store = FeedbackStore.open(store_url, redactor=Redactor(enabled=False))
    try:
        log = ChangeLog(store.engine, origin="test:1")
        assert log.head() == 0 and log.since(0) == [] and log.last_swap() is None
        first = log.append([NewChange("add", "a", {"case": {"id": "a"}}), NewChange("add", "b", {"case": {}})])
        second = log.append([NewChange("swap", None, {"path": "/x"})])
        third = log.append([NewChange("delete", "a")])
        assert log.head() == third.last_seq > second.last_seq > first.last_seq
        rows = log.since(0)
        assert [r.op for r in rows] == ["add", "add", "swap", "delete"]
        assert rows[0].txn == rows[1].txn == first.txn != rows[2].txn
        assert rows[0].origin == "test:1" and rows[0].created_at.tzinfo is not None
        # A limit never cuts a write in two: its rows come whole or not at all.
        assert [r.op for r in log.since(0, limit=1)] == ["add", "add"]
        assert [r.op for r in log.since(0, limit=3)] == ["add", "add"]
        assert [r.seq for r in log.since(first.last_seq)] == [second.last_seq, third.last_seq]
        last_swap = log.last_swap()
        assert last_swap is not None and last_swap.seq == second.last_seq
        with store.session() as session:
            assert log.scrub_cases(session, ["a"]) == 1
        assert log.since(0)[0].payload == SCRUBBED and log.since(0)[1].payload == {"case": {}}
    finally:
        store.close()


@pytest.fixture()
def pair(trained_model_dir: Path, tmp_path: Path, store_url: str) -> Iterator[tuple[TestClient, TestClient, Settings]]:
    """Two service instances (two workers) on one data directory, one index directory and one store."""
    settings = settings_for(trained_model_dir, make_index(tmp_path, "index", CASES), tmp_path / "var", store_url)
    with ExitStack() as stack:
        a = stack.enter_context(TestClient(create_app(settings)))
        b = stack.enter_context(TestClient(create_app(settings)))
        yield a, b, settings


NEW_CASE: dict[str, Any] = {"id": "c9", "subject": "Export to CSV fails", "body": "csv export button gives an error",
                            "resolution": "Fixed in release 4.2; please retry the export.", "topic": "data_export"}


def test_a_change_through_one_reaches_the_other(pair: tuple[TestClient, TestClient, Settings],
                                                tmp_path: Path) -> None:
    a, b, settings = pair
    added = a.post("/v1/cases", json={"cases": [NEW_CASE]})
    assert added.status_code == 200 and added.json()["added"] == ["c9"], added.text
    assert "c9" in case_ids(a, "csv export error")  # read-your-writes on the instance that took it
    wait_until(lambda: "c9" in case_ids(b, "csv export error"))

    assert b.delete("/v1/cases/c1").json()["deleted"] is True
    wait_until(lambda: "c1" not in case_ids(a, "charged twice refund invoice"))
    assert a.delete("/v1/cases/c1").status_code == 404  # gone everywhere, not only where it was erased
    # The erasure wrote a snapshot: the erased case's text is neither in the index files nor in the log.
    index_dir = settings.resolved_index_dir
    manifest = SearchIndex.read_manifest(index_dir)
    assert manifest.options[CHANGE_SEQ] >= 2
    assert not any("c1" in line and "charged" in line.lower() for f in index_dir.glob("cases-r*.jsonl")
                   for line in f.read_text().splitlines())
    log = state_of(a.app).changes
    assert log is not None
    assert all(c.case_id != "c1" or c.op != "add" or c.payload == SCRUBBED for c in log.log.since(0))
    assert b.post("/v1/cases", json={"cases": [CASES[0]]}).json()["refused_deleted"] == ["c1"]

    # An admin swap through one instance: both serve the rebuilt index, with the live changes carried over.
    rebuilt = make_index(tmp_path, "rebuilt", [*CASES[:3], {**CASES[0], "id": "c5", "body": "refund the second "
                                                            "charge on my card invoice", "resolved_at": "2026-04-01"}])
    swapped = b.post("/v1/admin/index/swap", json={"path": str(rebuilt)}, headers={"authorization": "Bearer s3cret"})
    assert swapped.status_code == 200, swapped.text
    version = swapped.json()["index_version"]
    wait_until(lambda: a.get("/readyz").json()["index_version"] == version)
    for client in (a, b):
        ids = case_ids(client, "csv export error charged twice refund second charge")
        assert "c9" in ids and "c5" in ids and "c1" not in ids


def test_a_restart_replays_the_log_after_its_snapshot(trained_model_dir: Path, tmp_path: Path,
                                                      store_url: str) -> None:
    settings = settings_for(trained_model_dir, make_index(tmp_path, "index", CASES), tmp_path / "var", store_url)
    with TestClient(create_app(settings)) as a:
        assert a.post("/v1/cases", json={"cases": [NEW_CASE]}).json()["added"] == ["c9"]
        follower = state_of(a.app).changes
        assert follower is not None and follower.applied_seq == 1 and follower.lag_seconds() == 0.0
    # Live changes are not saved into the shared index directory: the log holds them.
    assert CHANGE_SEQ not in SearchIndex.read_manifest(settings.resolved_index_dir).options
    with TestClient(create_app(settings)) as again:
        assert "c9" in case_ids(again, "csv export error")
        follower = state_of(again.app).changes
        assert follower is not None and follower.applied_seq == 1
        assert again.delete("/v1/cases/c9").json()["deleted"] is True  # takes a snapshot at seq 2
    assert SearchIndex.read_manifest(settings.resolved_index_dir).options[CHANGE_SEQ] == 2
    with TestClient(create_app(settings)) as third:
        assert "c9" not in case_ids(third, "csv export error")
        follower = state_of(third.app).changes
        assert follower is not None and follower.applied_seq == 2


def test_changes_on_without_a_store_refuse_index_writes(trained_model_dir: Path, tmp_path: Path) -> None:
    settings = settings_for(trained_model_dir, make_index(tmp_path, "index", CASES), tmp_path / "var",
                            "postgresql+psycopg://nobody@127.0.0.1:1/none")
    with TestClient(create_app(settings)) as client:
        response = client.post("/v1/cases", json={"cases": [NEW_CASE]})
        assert response.status_code == 503, response.text


def test_a_logged_model_change_makes_every_process_check_the_registry(trained_model_dir: Path, tmp_path: Path,
                                                                      store_url: str) -> None:
    settings = settings_for(trained_model_dir, make_index(tmp_path, "index", CASES), tmp_path / "var", store_url)
    assert not log_model_change(settings.model_copy(update={"changes": ChangeLogSettings()}), version="v", action="x")
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        checks: list[str] = []
        for client, name in ((a, "a"), (b, "b")):
            follower = state_of(client.app).changes
            assert follower is not None
            follower.on_model = lambda name=name: checks.append(name)
        assert log_model_change(settings, version="20261204-000000", action="rollback")
        wait_until(lambda: sorted(checks) == ["a", "b"])


def test_a_promotion_reaches_every_process_under_load(trained_model_dir: Path, tmp_path: Path,
                                                      store_url: str) -> None:
    """`deskmate retrain`/`rollback` log the promotion: both processes switch (no registry polling here:
    model_reload_seconds=0) while routes keep answering."""
    registry = ModelRegistry(tmp_path / "var" / "models")
    registry.register(trained_model_dir, version="v1")
    registry.promote("v1", reason="initial")
    registry.register(train_into(tmp_path / "second", seed=5), version="v2")
    settings = Settings(data_dir=tmp_path / "var", embedder=EmbedderSettings(backend="hashing", model="256"),
                        retrieval=RetrievalSettings(index_dir=make_index(tmp_path, "index", CASES)),
                        store=StoreSettings(url=store_url), changes=ChangeLogSettings(enabled=True),
                        model_reload_seconds=0)
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        failures: list[str] = []
        stop = threading.Event()

        def hammer(client: TestClient) -> None:
            while not stop.is_set():
                response = client.post("/v1/route", json=ticket())
                if response.status_code != 200:
                    failures.append(response.text)

        threads = [threading.Thread(target=hammer, args=(c,)) for c in (a, b)]
        for thread in threads:
            thread.start()
        try:
            registry.promote("v2", reason="test")
            assert log_model_change(settings, version="v2", action="promote")
            wait_until(lambda: all(c.get("/readyz").json()["model_version"] == "v2" for c in (a, b)), seconds=20)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        assert failures == []
