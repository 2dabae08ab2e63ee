"""Multi-process mode: worker processes write to one PROMETHEUS_MULTIPROC_DIR and a scrape sums them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from service.metrics.registry import MULTIPROC_ENV, prepare_multiprocess_dir, render, worker_exited
from tests.service.test_retrieval_api import index_dir  # noqa: F401

REPO = Path(__file__).resolve().parents[2]

# A worker that imported prometheus-client BEFORE the variable was set (as a parent that forks would): the
# metrics must still go to the shared files (service.metrics.registry.use_multiprocess_values).
FEEDER = """
import os, sys
import prometheus_client
os.environ["PROMETHEUS_MULTIPROC_DIR"] = sys.argv[1]
from service.metrics.collectors import ServiceMetrics
n, cases, version, lag = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
metrics = ServiceMetrics()
for _ in range(n):
    metrics.observe_http("POST", "/v1/route", 200, 0.01)
metrics.observe_batch([0.001] * n)
metrics.refresh(index={"cases": cases, "articles": 2, "version": version}, model=("m-1", "hashing-256"),
                lag_seconds=lag, change_seq=n, jobs={"queued": n, "running": 0, "done": 0, "dead": 0})
print(os.getpid())
"""

# A whole app in a worker process: two routed tickets, then its own scrape (which must include the other worker).
APP = """
import json, sys
from pathlib import Path
from fastapi.testclient import TestClient
from service.app import create_app
from service.settings import EmbedderSettings, RetrievalSettings, Settings
model_dir, index_dir, data_dir = map(Path, sys.argv[1:4])
settings = Settings(data_dir=data_dir, model_dir=model_dir, embedder=EmbedderSettings(backend="hashing", model="256"),
                    retrieval=RetrievalSettings(index_dir=index_dir))
with TestClient(create_app(settings)) as client:
    for _ in range(2):
        assert client.post("/v1/route", json={"subject": "Charged twice", "body": "invoice charged twice"}).is_success
    sys.stdout.write(client.get("/metrics").text)
"""


def run(script: str, *args: object, directory: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO), "DESKMATE_AUTH__DISABLED": "true"}
    env.pop(MULTIPROC_ENV, None)
    if script is APP:
        env[MULTIPROC_ENV] = str(directory)
    done = subprocess.run([sys.executable, "-c", script, *map(str, args)], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def parse(text: str) -> dict[tuple[str, str], float]:
    """(sample name, its labels as sorted JSON) -> value."""
    return {(s.name, json.dumps(s.labels, sort_keys=True)): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def sample(samples: dict[tuple[str, str], float], name: str, **labels: str) -> float | None:
    return samples.get((name, json.dumps(labels, sort_keys=True)))


def test_two_processes_are_summed_and_a_dead_ones_gauges_dropped(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    directory = prepare_multiprocess_dir(tmp_path / "prom")
    first = int(run(FEEDER, directory, 3, 12, "idx-1", 0.5, directory=directory))
    second = int(run(FEEDER, directory, 4, 10, "idx-2", 2.0, directory=directory))
    assert first != second
    assert len(list(directory.glob("*.db"))) >= 4  # counters, histograms and gauges of each process
    monkeypatch.setenv(MULTIPROC_ENV, str(directory))
    samples = parse(render(CollectorRegistry()).decode())
    assert sample(samples, "deskmate_http_requests_total", method="POST", route="/v1/route", status="200") == 7
    assert sample(samples, "deskmate_http_request_duration_seconds_count", method="POST", route="/v1/route") == 7
    assert sample(samples, "deskmate_batch_size_sum") == 7
    assert sample(samples, "deskmate_batch_size_count") == 2
    assert sample(samples, "deskmate_index_cases") == 12  # livemax: the largest of the live workers
    assert sample(samples, "deskmate_index_change_lag_seconds") == 2.0  # the worst worker's lag
    assert sample(samples, "deskmate_index_info", index_version="idx-1") == 1  # a worker still serves each
    assert sample(samples, "deskmate_index_info", index_version="idx-2") == 1
    assert sample(samples, "deskmate_model_info", model_version="m-1", embedder="hashing-256") == 1
    assert sample(samples, "deskmate_jobs", state="queued") == 4  # livemostrecent: the last value written
    assert sample(samples, "deskmate_index_change_seq") == 3  # livemin: the worker furthest behind
    worker_exited(first)
    after = parse(render(CollectorRegistry()).decode())
    assert sample(after, "deskmate_http_requests_total", method="POST", route="/v1/route", status="200") == 7
    assert sample(after, "deskmate_index_cases") == 10  # only the live worker's gauges count now
    assert sample(after, "deskmate_index_info", index_version="idx-1") is None
    # a fresh start empties the directory
    prepare_multiprocess_dir(directory)
    assert not list(directory.glob("*.db"))


def test_an_app_worker_scrape_includes_the_other_workers(trained_model_dir: Path, index_dir: Path,  # noqa: F811
                                                         tmp_path: Path) -> None:
    directory = prepare_multiprocess_dir(tmp_path / "prom")
    run(FEEDER, directory, 3, 12, "idx-1", 0.0, directory=directory)
    samples = parse(run(APP, trained_model_dir, index_dir, tmp_path / "var", directory=directory))
    assert sample(samples, "deskmate_http_requests_total", method="POST", route="/v1/route", status="200") == 5
    assert sum(v for (name, _), v in samples.items() if name == "deskmate_routed_total") == 2
    assert sample(samples, "deskmate_batch_size_sum") == 3 + 2
    # no per-process collectors in multi-process mode (they cannot be summed)
    assert not any(name.startswith("process_") for name, _ in samples)
