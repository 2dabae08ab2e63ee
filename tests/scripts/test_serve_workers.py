"""`deskmate serve --workers N` wiring (scripts/serve_workers.py); the real processes are in
tests/service/changes/test_processes_slow.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scripts.serve_workers import CHANGES_ENV, prepare_worker_env, serve_workers, worker_config
from service.metrics.registry import MULTIPROC_ENV
from service.settings import Settings


def test_workers_get_the_change_log_and_a_clean_metrics_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MULTIPROC_ENV, "")  # recorded, so that the values set below are undone after the test
    monkeypatch.setenv(CHANGES_ENV, "false")
    stale = tmp_path / "var" / "prometheus-multiproc" / "counter_123.db"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    settings = Settings(data_dir=tmp_path / "var")
    directory = prepare_worker_env(settings)
    assert directory == stale.parent and not stale.exists()
    assert os.environ[MULTIPROC_ENV] == str(directory) and os.environ[CHANGES_ENV] == "true"
    assert Settings().changes.enabled  # what each worker reads from the environment


def test_worker_config_serves_the_factory_with_the_api_limits(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    config = worker_config(settings, host="127.0.0.1", port=8123, workers=3)
    assert config.app == "scripts.serve_workers:worker_app" and config.factory and config.workers == 3
    assert config.limit_concurrency == settings.api.limit_concurrency
    with pytest.raises(ValueError, match="at least 2"):
        serve_workers(settings=settings, host="127.0.0.1", port=8123, workers=1)
