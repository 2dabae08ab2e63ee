"""End to end over real HTTP: a desk's signed webhook in -> 202 -> a durable job -> the worker routes, drafts and
writes back -> the fake desk (tests/service/desks/fakes.py) receives the update and ONE private note.

The service runs in-process (TestClient, the tiny hashing engine, its in-process worker thread); the fake desks
listen on loopback. The killed-worker test runs `deskmate worker` as real processes and SIGKILLs one mid-job.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.jobs import JobInfo, JobQueue
from service.settings import DeskSettings, JobsSettings, Settings, StoreSettings
from service.state import state_of
from service.store import db
from tests.service.desks.fakes import (
    FakeDesk,
    FakeFreshdesk,
    FakeZammad,
    FakeZendesk,
    Webhook,
    desk_webhook,
    public_replies,
)
from tests.service.test_retrieval_api import CASES, make_index, make_settings

REPO_ROOT = Path(__file__).resolve().parents[3]
QUEUES = ("general-support", "triage", "billing", "account-access", "privacy", "security", "incident-response",
          "technical-support", "customer-success", "product-feedback", "vip-escalations")
SECRETS = {"zendesk": "zd-signing-secret", "freshdesk": "fd-shared-secret", "zammad": "zm-hmac-token"}
TICKET = 4821


def desk_yaml(kind: str, fake: FakeDesk) -> str:
    """A desk's YAML pointing at its fake; every queue of config/routing.yaml has a group."""
    groups = ", ".join(f"{q}: {'Billing' if kind == 'zammad' else 500 + i}" for i, q in enumerate(QUEUES))
    credentials = {"zendesk": "{email: bot@example.com, token: {env: E2E_API_ZENDESK}}",
                   "freshdesk": "{token: {env: E2E_API_FRESHDESK}}",
                   "zammad": "{token: {env: E2E_API_ZAMMAD}}"}[kind]
    return (f"kind: {kind}\nbase_url: {fake.url}\ncredentials: {credentials}\n"
            f"webhook: {{secret: {{env: E2E_HOOK_{kind.upper()}}}}}\ngroups: {{{groups}}}\n")


@dataclass
class Rig:
    """The fakes, the settings and the env a service (or a `deskmate worker` process) needs to reach them."""

    fakes: dict[str, FakeDesk]
    config_dir: Path
    model_dir: Path
    index_dir: Path
    data_dir: Path
    env: dict[str, str]

    def settings(self, *, store_url: str | None = None, **jobs: Any) -> Settings:
        options: dict[str, Any] = {"poll_seconds": 0.05, "base_delay_seconds": 0.05, "max_delay_seconds": 0.2,
                                   "max_attempts": 4, **jobs}
        return make_settings(self.model_dir, self.index_dir, self.data_dir, store=StoreSettings(url=store_url),
                             desks=DeskSettings(config_dir=self.config_dir), jobs=JobsSettings(**options))


@pytest.fixture()
def rig(trained_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    fakes: dict[str, FakeDesk] = {"zendesk": FakeZendesk(token="zd-api"), "freshdesk": FakeFreshdesk(api_key="fd-api"),
                                  "zammad": FakeZammad(token="zm-api")}
    env = {"E2E_API_ZENDESK": "zd-api", "E2E_API_FRESHDESK": "fd-api", "E2E_API_ZAMMAD": "zm-api",
           **{f"E2E_HOOK_{k.upper()}": v for k, v in SECRETS.items()}}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config_dir = tmp_path / "desks"
    config_dir.mkdir()
    for kind, fake in fakes.items():
        fake.start()
        fake.add_ticket(TICKET, tags=["vip"])
        (config_dir / f"{kind}.yaml").write_text(desk_yaml(kind, fake), encoding="utf-8")
    try:
        yield Rig(fakes, config_dir, trained_model_dir, make_index(tmp_path, "index", CASES), tmp_path / "var", env)
    finally:
        for fake in fakes.values():
            fake.stop()


def wait_for(condition: Callable[[], Any], *, timeout: float = 20.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def post(client: TestClient, kind: str, hook: Webhook) -> Any:
    return client.post(f"/v1/desks/{kind}/events", content=hook.body, headers=hook.headers)


def queue_of(client: TestClient) -> JobQueue:
    return JobQueue(state_of(client.app).require_store().engine)


def finished(client: TestClient, job_id: int) -> JobInfo | None:
    job = queue_of(client).get(job_id)
    return job if job is not None and job.state in ("done", "dead") else None


@pytest.mark.parametrize("kind", ["zendesk", "freshdesk", "zammad"])
def test_a_webhook_event_becomes_one_private_note_and_a_merged_update(rig: Rig, kind: str) -> None:
    fake = rig.fakes[kind]
    with TestClient(create_app(rig.settings())) as client:
        hook = desk_webhook(kind, "created", SECRETS[kind], ticket_id=TICKET, delivery_id="d-1")
        started = time.monotonic()
        response = post(client, kind, hook)
        assert response.status_code == 202, response.text
        assert time.monotonic() - started < 5  # answered before the work is done (the desk waits 10 s at most)
        job_id = response.json()["job_id"]
        job = wait_for(lambda: finished(client, job_id), what="the job")
    assert job.state == "done", job.last_error
    notes = fake.notes(TICKET)
    assert len(notes) == 1 and f"deskmate-suggestion: {kind}-job-{job_id}" in notes[0]["body"]
    assert "Deskmate suggestion (private note" in notes[0]["body"] and "Routing: topic" in notes[0]["body"]
    assert public_replies(fake) == []
    ticket = fake.tickets[TICKET]
    assert ticket.tags[0] == "vip" and "deskmate" in ticket.tags  # merged: the desk's own tag kept
    assert any(t.startswith("deskmate-") for t in ticket.tags)
    written = job.result["write_back"] if job.result else {}
    assert written["note_posted"] is True and written["group_id"] is not None
    assert ticket.group_id == (2 if kind == "zammad" else written["group_id"])  # Zammad: "Billing" by name
    assert ticket.priority is not None
    assert all(r.headers["authorization"] == fake.authorization for r in fake.requests)


def test_a_redelivered_event_is_written_back_once(rig: Rig) -> None:
    fake = rig.fakes["zendesk"]
    with TestClient(create_app(rig.settings())) as client:
        hook = desk_webhook("zendesk", "created", SECRETS["zendesk"], ticket_id=TICKET, delivery_id="inv-77")
        first = post(client, "zendesk", hook)
        job_id = first.json()["job_id"]
        wait_for(lambda: finished(client, job_id), what="the job")
        again = post(client, "zendesk", hook)  # Zendesk retries the same invocation
        assert (first.status_code, again.status_code) == (202, 200)
        assert again.json()["duplicate"] is True and again.json()["job_id"] == job_id
        time.sleep(0.3)
    assert len(fake.notes(TICKET)) == 1
    assert len([r for r in fake.writes() if r.path == f"/api/v2/tickets/{TICKET}.json"]) == 1


def test_429_500_and_timeouts_are_retried_then_written_once(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("service.desks.clients.base.DEFAULT_TIMEOUT_S", 1.0)
    zd, fd = rig.fakes["zendesk"], rig.fakes["freshdesk"]
    zd.fail(429, retry_after="1", times=1)
    zd.fail(500, times=1)
    fd.fail(delay_s=2.5, after_apply=True, method="POST", path="/notes$")  # the note is made, the answer is late
    with TestClient(create_app(rig.settings())) as client:
        zd_job = post(client, "zendesk", desk_webhook("zendesk", "created", SECRETS["zendesk"],
                                                      ticket_id=TICKET)).json()["job_id"]
        fd_job = post(client, "freshdesk", desk_webhook("freshdesk", "created", SECRETS["freshdesk"],
                                                        ticket_id=TICKET)).json()["job_id"]
        jobs = [wait_for(lambda j=j: finished(client, j), what="the job") for j in (zd_job, fd_job)]  # type: ignore[misc]
    assert [j.state for j in jobs] == ["done", "done"], [j.last_error for j in jobs]
    assert jobs[0].attempts == 3 and jobs[1].attempts == 2
    rate_limited, after = zd.requests[0], zd.requests[1]
    assert after.at - rate_limited.at >= 0.95  # the desk's Retry-After was honoured
    assert len(zd.notes(TICKET)) == 1 and len(fd.notes(TICKET)) == 1
    assert fd.notes(TICKET)[0]["private"] is True


def test_persistent_failures_become_dead_letters_that_can_be_retried(rig: Rig) -> None:
    zd, zm = rig.fakes["zendesk"], rig.fakes["zammad"]
    zd.fail(500, times=100)
    zm.fail(401, times=100)
    with TestClient(create_app(rig.settings(max_attempts=3))) as client:
        zd_job = post(client, "zendesk", desk_webhook("zendesk", "created", SECRETS["zendesk"],
                                                      ticket_id=TICKET)).json()["job_id"]
        zm_job = post(client, "zammad", desk_webhook("zammad", "created", SECRETS["zammad"],
                                                     ticket_id=TICKET)).json()["job_id"]
        dead = [wait_for(lambda j=j: finished(client, j), what="the job") for j in (zd_job, zm_job)]  # type: ignore[misc]
        assert [d.state for d in dead] == ["dead", "dead"]
        assert dead[0].attempts == 3 and "500" in (dead[0].last_error or "")
        assert dead[1].attempts == 1 and "401" in (dead[1].last_error or "")  # no retry storm on refused creds
        assert "credentials" in (dead[1].last_error or "")
        assert len(zm.requests) == 1
        listed = {j.id for j in queue_of(client).list(state="dead")}
        assert {zd_job, zm_job} <= listed
        zd.faults.clear()  # the desk is back: retry the dead letter by command
        assert queue_of(client).retry(zd_job)
        job = wait_for(lambda: (j := finished(client, zd_job)) and j.state == "done" and j, what="the retried job")
    assert job.state == "done"
    assert len(zd.notes(TICKET)) == 1 and zm.notes(TICKET) == []


def _worker(rig: Rig, *, lease: float, store_url: str | None = None) -> subprocess.Popen[bytes]:
    env = {**os.environ, **rig.env, **({"DESKMATE_STORE__URL": store_url} if store_url else {}),
           "DESKMATE_DATA_DIR": str(rig.data_dir), "DESKMATE_MODEL_DIR": str(rig.model_dir),
           "DESKMATE_EMBEDDER__BACKEND": "hashing", "DESKMATE_EMBEDDER__MODEL": "256",
           "DESKMATE_RETRIEVAL__INDEX_DIR": str(rig.index_dir), "DESKMATE_DESKS__CONFIG_DIR": str(rig.config_dir),
           "DESKMATE_JOBS__LEASE_SECONDS": str(lease), "DESKMATE_JOBS__POLL_SECONDS": "0.1",
           "DESKMATE_JOBS__BASE_DELAY_SECONDS": "0.1"}
    return subprocess.Popen([sys.executable, "-m", "scripts.cli", "worker"], cwd=REPO_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.slow
def test_a_worker_killed_mid_job_leaves_a_job_that_completes_after_restart(rig: Rig) -> None:
    fake = rig.fakes["zammad"]
    # The note is made, then the desk hangs: the worker is killed while it waits for the answer.
    fake.fail(delay_s=60, after_apply=True, method="POST", path="^/api/v1/ticket_articles$")
    with TestClient(create_app(rig.settings(in_process=False))) as client:
        job_id = post(client, "zammad", desk_webhook("zammad", "created", SECRETS["zammad"],
                                                     ticket_id=TICKET)).json()["job_id"]
        first = _worker(rig, lease=3)
        try:
            wait_for(lambda: fake.notes(TICKET), timeout=90, what="the first worker to post the note")
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            first.kill()
        assert queue_of(client).get(job_id).state == "running"  # type: ignore[union-attr]
        second = _worker(rig, lease=3)
        try:
            job = wait_for(lambda: finished(client, job_id), timeout=90, what="the job after the restart")
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=30)
    assert job.state == "done" and job.attempts == 2, job.last_error
    assert len(fake.notes(TICKET)) == 1  # the marker kept the retried job from posting it again
    assert job.result and job.result["write_back"]["note_already_present"] is True


@pytest.mark.slow
def test_several_workers_on_postgresql_write_each_event_once(rig: Rig, postgres_url: str) -> None:
    fake = rig.fakes["zendesk"]
    ids = list(range(1, 31))
    for ticket_id in ids:
        fake.add_ticket(ticket_id, tags=["vip"])
    with db.scratch_schema(postgres_url) as url, \
            TestClient(create_app(rig.settings(store_url=url, in_process=False))) as client:
        for ticket_id in ids:
            hook = desk_webhook("zendesk", "created", SECRETS["zendesk"], ticket_id=ticket_id)
            assert post(client, "zendesk", hook).status_code == 202
        workers = [_worker(rig, lease=3, store_url=url) for _ in range(2)]
        try:
            wait_for(lambda: sum(len(fake.notes(t)) for t in ids) >= 2, timeout=90,
                     what="the workers to start writing")
            os.kill(workers[0].pid, signal.SIGKILL)  # one worker dies mid-run; the other takes its job over
            workers[0].wait(timeout=10)
            counts = wait_for(lambda: (c := queue_of(client).counts()).get("done") == len(ids) and c, timeout=120,
                              what="every job to finish")
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=30)
    assert [len(fake.notes(t)) for t in ids] == [1] * len(ids)
    assert counts.get("done") == len(ids) and not counts.get("dead")
