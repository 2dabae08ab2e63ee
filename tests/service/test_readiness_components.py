"""One failing component does not take the others down: a model that does not load leaves the index loaded
(it needs only the embedder), and readiness reports each part."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from service.app import create_app
from tests.service.test_retrieval_api import CASES, make_index, make_settings


def test_a_model_that_fails_to_load_leaves_the_index_ready(trained_model_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken-model"
    shutil.copytree(trained_model_dir, broken)
    (broken / "manifest.json").write_text("{not json")
    index_dir = make_index(tmp_path, "index", CASES)
    with TestClient(create_app(make_settings(broken, index_dir, tmp_path / "var"))) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        ready = response.json()
        assert ready["ready"] is False and "manifest" in ready["reason"]
        assert ready["index_ready"] is True and ready["index_version"] and ready["index_reason"] is None
        assert ready["store_ready"] is True and ready["store_reason"] is None


def test_without_model_and_index_each_reason_is_reported(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path / "no-model", tmp_path / "no-index", tmp_path / "var"))) as c:
        ready = c.get("/readyz").json()
        assert ready["ready"] is False and ready["index_ready"] is False
        assert ready["reason"] and ready["index_reason"] and ready["index_reason"] != ready["reason"]
