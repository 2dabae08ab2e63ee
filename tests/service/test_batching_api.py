"""Micro-batching wired into the service: concurrent /v1/route calls share encode batches and answer correctly."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from models.batching import BatchingEmbedder
from service.app import create_app
from service.settings import BatchingSettings, EmbedderSettings, Settings
from service.state import AppState

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
    with TestClient(create_app(settings(trained_model_dir, tmp_path / "off", batching=False))) as client:
        expected = route_concurrently(client, 48)
    app = create_app(settings(trained_model_dir, tmp_path / "on", batching=True))
    with TestClient(app) as client:
        state: AppState = app.state.deskmate
        assert state.engine is not None
        embedder = state.engine.embedder
        assert isinstance(embedder, BatchingEmbedder)
        before = embedder.stats.requests
        got = route_concurrently(client, 48)
        assert embedder.stats.requests - before == 48  # every route's encode went through the batcher
        assert client.get("/readyz").json()["embedder"] == "deskmate/hashing-v1-256"
    for a, b in zip(expected, got, strict=True):
        assert a["id"] == b["id"] and a["topic"] == b["topic"] and a["queue"] == b["queue"]
    assert not any(w.is_alive() for w in embedder._batcher._workers)  # the lifespan closed it on shutdown
