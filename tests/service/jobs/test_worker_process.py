"""`deskmate worker` as a real process on a SQLite store: SIGKILLed mid-job, restarted, the job completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from service.jobs import JobQueue
from service.settings import REPO_ROOT
from service.store import db


def _start_worker(tmp_path: Path, store_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DESKMATE_DATA_DIR": str(tmp_path / "var"), "DESKMATE_STORE__URL": store_url,
           "DESKMATE_JOBS__LEASE_SECONDS": "2", "DESKMATE_JOBS__POLL_SECONDS": "0.1", "DESKMATE_LOG_JSON": "true"}
    command = [sys.executable, "-c", "from scripts.cli import app; app()", "worker",
               "--handlers-module", "tests.service.jobs.sleepy_handlers"]
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_for(condition: object, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-3000:]}")
        time.sleep(0.05)


@pytest.mark.slow  # two worker processes load the service's components: 5 s idle, 30 s on a busy machine
def test_a_killed_worker_s_job_completes_after_restart(tmp_path: Path) -> None:
    store_url = f"sqlite:///{tmp_path / 'deskmate.db'}"
    engine = db.open_engine(store_url)
    db.upgrade(engine)
    queue = JobQueue(engine)
    marks = tmp_path / "marks"
    marks.mkdir()
    log = tmp_path / "worker.log"
    job_id, _ = queue.enqueue("test.sleep", {"dir": str(marks), "first_seconds": 60, "seconds": 0.1})

    first = _start_worker(tmp_path, store_url, log)
    try:
        _wait_for(lambda: (marks / f"started-{job_id}-1").exists(), 60, "the first attempt to start", log)
        first.send_signal(signal.SIGKILL)  # mid-job: no cleanup, the lease is left to expire
        first.wait(10)
    finally:
        first.kill()
    info = queue.get(job_id)
    assert info is not None and info.state == "running" and info.attempts == 1

    second = _start_worker(tmp_path, store_url, log)
    try:
        _wait_for(lambda: (done := queue.get(job_id)) is not None and done.state == "done", 60,
                  "the job to complete after the restart", log)
        second.send_signal(signal.SIGTERM)  # a clean stop: exits 0
        assert second.wait(30) == 0
    finally:
        second.kill()
    info = queue.get(job_id)
    assert info is not None and info.result == {"attempt": 2} and info.attempts == 2
    assert not (marks / f"finished-{job_id}-1").exists() and (marks / f"finished-{job_id}-2").exists()
    engine.dispose()
