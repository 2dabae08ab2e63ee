"""Micro-batching wired into the service: concurrent /v1/route calls share pipeline batches and answer correctly."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from models.embedding.hashing import HashingEmbedder
from models.routing_policy import RoutingPolicy
from service.app import create_app
from service.batching import PipelineBatcher
from service.pipeline import Engine
from service.settings import REPO_ROOT, BatchingSettings, EmbedderSettings, Settings
from service.state import state_of

TICKETS = [
    {"subject": "Charged twice", "body": "my credit card invoice was charged twice"},
    {"subject": "Cannot log in", "body": "password reset link fails, locked out since yesterday"},
    {"subject": "Site is down", "body": "502 error, whole team offline, dashboard down"},
    {"subject": "Idea", "body": "please add dark mode, feature idea for the wish list"},
]


def settings(model_dir: Path, tmp_path: Path, *, batching: bool) -> Settings:
    return Settings(data_dir=tmp_path, model_dir=model_dir, embedder=EmbedderSettings(backend="hashing", model="256"),
                    batching=BatchingSettings(enabled=batching, max_wait_ms=5, max_batch_size=8))


def route_concurrently(client: TestClient, n: int) -> list[dict[str, Any]]:
    def call(i: int) -> dict[str, Any]:
        response = client.post("/v1/route", json={"id": f"T-{i}", **TICKETS[i % len(TICKETS)]})
        assert response.status_code == 200, response.text
        out: dict[str, Any] = response.json()
        return out

    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(call, range(n)))


def test_concurrent_routes_succeed_through_the_batcher(trained_model_dir: Path, tmp_path: Path) -> None:
    off = create_app(settings(trained_model_dir, tmp_path / "off", batching=False))
    with TestClient(off) as client:
        assert state_of(off).batcher is None
        expected = route_concurrently(client, 48)
    app = create_app(settings(trained_model_dir, tmp_path / "on", batching=True))
    with TestClient(app) as client:
        batcher = state_of(app).batcher
        assert isinstance(batcher, PipelineBatcher)
        got = route_concurrently(client, 48)
        assert batcher.stats.jobs == 48  # every route went through the batcher
        assert batcher.stats.largest > 1  # and concurrent ones shared batches
        similar = client.post("/v1/similar", json=TICKETS[0])
        assert similar.status_code == 503  # no index in this test, so it answers before embedding
        assert batcher.stats.jobs == 48
    assert batcher is not None and batcher.closed and state_of(app).batcher is None  # the lifespan stopped it
    for a, b in zip(expected, got, strict=True):
        assert a["id"] == b["id"] and a["queue"] == b["queue"] and a["topic"]["label"] == b["topic"]["label"]
        assert abs(a["topic"]["confidence"] - b["topic"]["confidence"]) < 1e-3


def test_an_empty_ticket_in_a_batch_gets_its_own_422(trained_model_dir: Path, tmp_path: Path) -> None:
    app = create_app(settings(trained_model_dir, tmp_path, batching=True))
    bad = {"subject": "<p></p>", "body": "<br/>"}  # no text once the HTML is removed

    def call(i: int) -> int:
        return client.post("/v1/route", json=bad if i == 5 else TICKETS[i % len(TICKETS)]).status_code

    with TestClient(app) as client, ThreadPoolExecutor(12) as pool:
        codes = list(pool.map(call, range(12)))
    assert codes[5] == 422 and codes.count(200) == 11


def test_the_batcher_serves_an_engine_that_arrives_after_a_failed_start(trained_model_dir: Path,
                                                                        tmp_path: Path) -> None:
    app = create_app(settings(tmp_path / "no-model-here", tmp_path, batching=True))
    with TestClient(app) as client:
        assert client.post("/v1/route", json=TICKETS[0]).status_code == 503  # not ready: no model yet
        batcher = state_of(app).batcher
        assert isinstance(batcher, PipelineBatcher) and batcher.stats.jobs == 0
        policy = RoutingPolicy.from_yaml(REPO_ROOT / "config" / "routing.yaml")
        state_of(app).set_engine(Engine.load(embedder=HashingEmbedder(256), model_dir=trained_model_dir,
                                                  policy=policy))  # what a model reload does
        response = client.post("/v1/route", json=TICKETS[0])
        assert response.status_code == 200, response.text
        assert batcher.stats.jobs == 1
