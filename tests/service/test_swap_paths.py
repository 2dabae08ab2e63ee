"""Admin index swap: every bad path is a 422 in the one error shape that reveals no resolved path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from index.search_index import SearchIndex
from models.embedding.hashing import HashingEmbedder
from service.app import create_app
from service.settings import EmbedderSettings, RetrievalSettings, Settings
from tests.index.conftest import make_articles, make_cases


def build(directory: Path, dim: int = 256) -> Path:
    SearchIndex.build(cases=make_cases(20), articles=make_articles(), embedder=HashingEmbedder(dim)).save(directory)
    return directory


@pytest.fixture()
def client(trained_model_dir: Path, tmp_path: Path) -> Iterator[TestClient]:
    root = tmp_path / "index"
    build(root / "current")
    settings = Settings(data_dir=tmp_path / "var", model_dir=trained_model_dir,
                        embedder=EmbedderSettings(backend="hashing", model="256"),
                        retrieval=RetrievalSettings(index_dir=root / "current"))
    with TestClient(create_app(settings)) as c:
        yield c


def refused(client: TestClient, path: str, tmp_path: Path) -> str:
    response = client.post("/v1/admin/index/swap", json={"path": path})
    assert response.status_code == 422, response.text
    body = response.json()
    assert set(body) == {"error", "request_id"} and body["error"]["code"] in {"validation_error", "invalid_input",
                                                                             "artifact_mismatch"}
    assert str(tmp_path) not in response.text and str(Path.home()) not in response.text
    return str(body["error"]["message"])


def test_bad_swap_paths_are_422_without_resolved_paths(client: TestClient, tmp_path: Path) -> None:
    root = tmp_path / "index"
    (root / "a-file").write_text("not an index")
    (root / "empty").mkdir()
    (root / "escape").symlink_to(tmp_path / "var")
    build(root / "other-embedder", dim=32)
    before = client.get("/readyz").json()["index_version"]
    refused(client, "current\x00/x", tmp_path)
    refused(client, "x" * 5000, tmp_path)
    refused(client, "a" * 300 + "/" + "b" * 300 + "/" + "c" * 300, tmp_path)  # under 1,024, over NAME_MAX
    assert "home directory is unknown" in refused(client, "~nosuchuser/x", tmp_path)
    assert "inside the index root" in refused(client, "~", tmp_path)
    assert "inside the index root" in refused(client, "../var", tmp_path)
    assert "inside the index root" in refused(client, "/etc", tmp_path)
    assert "inside the index root" in refused(client, "escape", tmp_path)  # a symlink out of the root
    assert "not an existing directory" in refused(client, "a-file", tmp_path)
    assert "no manifest.json" in refused(client, "empty", tmp_path)
    assert "not an existing directory" in refused(client, str(root / "missing"), tmp_path)
    message = refused(client, "other-embedder", tmp_path)
    assert "other-embedder" in message and "embedder" in message
    assert client.get("/readyz").json()["index_version"] == before  # the old index kept serving


def test_swap_to_a_rebuild_inside_the_root(client: TestClient, tmp_path: Path) -> None:
    build(tmp_path / "index" / "rebuilt")
    response = client.post("/v1/admin/index/swap", json={"path": "rebuilt"})
    assert response.status_code == 200, response.text
    assert response.json()["path"] == "rebuilt"
    absolute = client.post("/v1/admin/index/swap", json={"path": str(tmp_path / "index" / "current")})
    assert absolute.status_code == 200 and absolute.json()["path"] == "current"
