"""`deskmate jobs list|show|retry|counts` on a SQLite store, and the worker thread inside `deskmate serve`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from scripts.cli import app
from service.app import create_app
from service.jobs import Handler, Job, JobQueue, PermanentFailure
from service.jobs import registry as job_registry
from service.settings import JobsSettings, Settings, StoreSettings
from service.state import ServiceState, state_of
from service.store import db

runner = CliRunner()


@pytest.fixture()
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[JobQueue]:
    url = f"sqlite:///{tmp_path / 'deskmate.db'}"
    monkeypatch.setenv("DESKMATE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DESKMATE_STORE__URL", url)
    engine = db.open_engine(url)
    db.upgrade(engine)
    yield JobQueue(engine)
    engine.dispose()


def _dead(queue: JobQueue, kind: str, reason: str) -> int:
    job_id, _ = queue.enqueue(kind, {"ticket": "ZD-1"})
    job = queue.claim(worker_id="w", kinds=[kind])
    assert job is not None
    queue.fail(job.id, worker_id="w", reason=reason, retry_in=None, dead=True)
    return job_id


def test_list_show_retry_and_counts(store: JobQueue) -> None:
    dead_a = _dead(store, "a", "desk answered 401")
    dead_b = _dead(store, "b", "desk answered 403")
    queued, _ = store.enqueue("a", {})

    out = runner.invoke(app, ["jobs", "list", "--state", "dead"])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["id"] for r in rows] == [dead_b, dead_a] and rows[0]["last_error"] == "desk answered 403"
    assert "payload" not in rows[0]  # listed without payloads; `show` has them

    shown = runner.invoke(app, ["jobs", "show", str(dead_a)])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["payload"] == {"ticket": "ZD-1"}
    assert runner.invoke(app, ["jobs", "show", "999"]).exit_code == 2
    assert runner.invoke(app, ["jobs", "list", "--state", "failed"]).exit_code == 2

    assert runner.invoke(app, ["jobs", "retry", str(queued)]).exit_code == 2  # not a dead letter
    assert runner.invoke(app, ["jobs", "retry"]).exit_code == 2  # an id or --all-dead
    retried = runner.invoke(app, ["jobs", "retry", str(dead_a)])
    assert retried.exit_code == 0 and json.loads(retried.stdout) == {"retried": 1}
    retried = runner.invoke(app, ["jobs", "retry", "--all-dead"])
    assert retried.exit_code == 0 and json.loads(retried.stdout) == {"retried": 1}

    assert json.loads(runner.invoke(app, ["jobs", "purge", "--days", "0"]).stdout) == {"purged": 0}
    counts = runner.invoke(app, ["jobs", "counts"])
    assert json.loads(counts.stdout) == {"queued": 3, "running": 0, "done": 0, "dead": 0}


def test_worker_without_handlers_says_so(store: JobQueue, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(job_registry, "HANDLER_MODULES", ())
    monkeypatch.setattr(job_registry, "_factories", {})
    out = runner.invoke(app, ["worker", "--burst"])
    assert out.exit_code == 2 and "no job kind has a handler" in out.output


def test_serve_runs_jobs_in_a_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def echo(job: Job) -> dict[str, Any]:
        if job.payload.get("refuse"):
            raise PermanentFailure("refused")
        return {"echo": job.payload["n"]}

    class Echo:
        closed = False

        def __call__(self, job: Job) -> dict[str, Any]:
            return echo(job)

        def close(self) -> None:
            Echo.closed = True

    def factory(settings: Settings, components: ServiceState) -> Handler:
        assert components.store is not None  # the running service's components
        return Echo()

    monkeypatch.setattr(job_registry, "_factories", {"test.echo": factory})
    settings = Settings(data_dir=tmp_path / "var", model_dir=tmp_path / "no-model",
                        store=StoreSettings(url=f"sqlite:///{tmp_path / 'deskmate.db'}"),
                        jobs=JobsSettings(poll_seconds=0.02), model_reload_seconds=0)
    with TestClient(create_app(settings)) as client:
        store = state_of(client.app).require_store()
        queue = JobQueue(store.engine)
        ok, _ = queue.enqueue("test.echo", {"n": 5})
        refused, _ = queue.enqueue("test.echo", {"refuse": True})
        deadline = time.monotonic() + 20
        while queue.counts()["queued"] + queue.counts()["running"] and time.monotonic() < deadline:
            time.sleep(0.02)
        assert (info := queue.get(ok)) is not None and info.result == {"echo": 5}
        assert (info := queue.get(refused)) is not None and info.state == "dead"
    assert Echo.closed  # the handlers are closed once the worker thread has stopped
    # Off: no thread, jobs wait for `deskmate worker`.
    settings = settings.model_copy(update={"jobs": JobsSettings(in_process=False)})
    with TestClient(create_app(settings)) as client:
        queue = JobQueue(state_of(client.app).require_store().engine)
        waiting, _ = queue.enqueue("test.echo", {"n": 1})
        time.sleep(0.3)
        assert (info := queue.get(waiting)) is not None and info.state == "queued"
