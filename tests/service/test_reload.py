from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from models.embedding.hashing import HashingEmbedder
from models.registry import ModelRegistry
from models.training import TrainOptions, train_routing_model
from service.app import create_app
from service.settings import EmbedderSettings, Settings
from service.state import ServiceState, state_of
from tests.conftest import synthetic_rows
from tests.service.test_api import assert_error_shape, ticket

ADMIN = {"Authorization": "Bearer s3cret"}


def train_into(path: Path, *, seed: int, dim: int = 256) -> Path:
    model, metrics = train_routing_model(rows=synthetic_rows(seed=seed), embedder=HashingEmbedder(dim),
                                         options=TrainOptions(val_size=0.25, seed=seed, aux_embedders=()))
    return model.save(path, extra_manifest={"metrics": metrics, "oos_label": "oos"})


@pytest.fixture(scope="module")
def second_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_into(tmp_path_factory.mktemp("second") / "model", seed=5)


@pytest.fixture()
def registry(tmp_path: Path, trained_model_dir: Path) -> ModelRegistry:
    registry = ModelRegistry(tmp_path / "models")
    registry.register(trained_model_dir, version="v1")
    registry.promote("v1", reason="initial")
    return registry


@pytest.fixture()
def client(tmp_path: Path, registry: ModelRegistry) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, log_json=True, admin_token="s3cret", model_reload_seconds=0.05,
                        embedder=EmbedderSettings(backend="hashing", model="256"))
    with TestClient(create_app(settings)) as c:
        yield c


def served_version(client: TestClient) -> str:
    version: str = client.get("/readyz").json()["model_version"]
    return version


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_promoted_version_goes_live_without_restart_and_requests_keep_succeeding(
        client: TestClient, registry: ModelRegistry, second_model_dir: Path) -> None:
    state: ServiceState = state_of(client.app)
    assert state.engine is not None
    embedder_before = state.engine.embedder
    assert served_version(client) == "v1"

    statuses: list[int] = []
    versions: set[str] = set()
    stop = threading.Event()
    lock = threading.Lock()

    def hammer() -> None:
        while not stop.is_set():
            response = client.post("/v1/route", json=ticket())
            with lock:
                statuses.append(response.status_code)
                if response.status_code == 200:
                    versions.add(response.json()["model_version"])

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.2)
        registry.register(second_model_dir, version="v2")
        registry.promote("v2", reason="test")
        assert wait_for(lambda: served_version(client) == "v2"), "the service never picked up v2"
        time.sleep(0.2)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert statuses and set(statuses) == {200}
    assert versions == {"v1", "v2"}  # requests before and after the swap, none failed in between
    assert state.engine is not None and state.engine.embedder is embedder_before  # reused, not reloaded
    assert client.post("/v1/route", json=ticket()).json()["model_version"] == "v2"

    registry.rollback(reason="test rollback")
    out = client.post("/v1/admin/model/reload", headers=ADMIN)
    if out.json().get("changed") is False:  # the watcher may have been first; either way v1 is back
        assert out.json()["model_version"] == "v1"
    else:
        assert out.status_code == 200 and out.json()["previous_version"] == "v2"
    assert served_version(client) == "v1"


def _promote_and_reload(client: TestClient, registry: ModelRegistry, source: Path, version: str,
                        damage: Callable[[Path], Any] | None = None) -> Any:
    registry.register(source, version=version)
    if damage is not None:
        damage(registry.version_dir(version))
    registry.promote(version, reason="test")
    return client.post("/v1/admin/model/reload", headers=ADMIN)


def test_broken_model_does_not_replace_the_working_one(client: TestClient, registry: ModelRegistry,
                                                       second_model_dir: Path) -> None:
    def corrupt(path: Path) -> None:
        (path / "topic.joblib").write_bytes(b"not a joblib file")

    response = _promote_and_reload(client, registry, second_model_dir, "broken", corrupt)
    body = assert_error_shape(response, 409, "model_reload_failed")
    assert "incomplete or corrupt" in body["error"]["message"]
    time.sleep(0.3)  # the background watcher has had its turns too
    assert served_version(client) == "v1"
    assert client.post("/v1/route", json=ticket()).status_code == 200


def test_model_for_another_embedder_is_refused(client: TestClient, registry: ModelRegistry,
                                               tmp_path: Path) -> None:
    other = train_into(tmp_path / "other", seed=6, dim=128)
    response = _promote_and_reload(client, registry, other, "other-embedder")
    body = assert_error_shape(response, 409, "model_reload_failed")
    assert "trained on embeddings of deskmate/hashing-v1-128" in body["error"]["message"]
    assert served_version(client) == "v1"


@pytest.mark.keys_on
def test_admin_reload_needs_the_token_and_reports_no_change(client: TestClient) -> None:
    assert_error_shape(client.post("/v1/admin/model/reload"), 401, "unauthorized")
    out = client.post("/v1/admin/model/reload", headers=ADMIN)
    assert out.status_code == 200, out.text
    assert out.json() == {**out.json(), "changed": False, "previous_version": "v1", "model_version": "v1"}


def test_reload_off_keeps_the_first_model(tmp_path: Path, registry: ModelRegistry,
                                          second_model_dir: Path) -> None:
    settings = Settings(data_dir=tmp_path, model_reload_seconds=0, admin_token="s3cret",
                        embedder=EmbedderSettings(backend="hashing", model="256"))
    with TestClient(create_app(settings)) as c:
        registry.register(second_model_dir, version="v2")
        registry.promote("v2", reason="test")
        time.sleep(0.3)
        assert served_version(c) == "v1"
        assert c.post("/v1/admin/model/reload", headers=ADMIN).json()["model_version"] == "v2"


def test_explicit_model_dir_is_watched_too(tmp_path: Path, trained_model_dir: Path) -> None:
    pinned = tmp_path / "pinned"
    shutil.copytree(trained_model_dir, pinned)
    settings = Settings(data_dir=tmp_path, model_dir=pinned, model_reload_seconds=0.05,
                        embedder=EmbedderSettings(backend="hashing", model="256"))
    with TestClient(create_app(settings)) as c:
        before = served_version(c)
        time.sleep(1.1)  # manifest versions have one-second resolution
        retrained = train_into(tmp_path / "retrained", seed=8)
        shutil.rmtree(pinned)
        retrained.rename(pinned)  # `deskmate train --out pinned` replaces the directory the same way
        assert wait_for(lambda: served_version(c) != before)
