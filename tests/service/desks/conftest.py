"""A served app with the three test desks configured and the in-process job worker off (jobs stay queued)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import DeskSettings, JobsSettings, StoreSettings
from tests.service.desks.helpers import desk_dir
from tests.service.test_retrieval_api import index_dir, make_settings  # noqa: F401


def served(model_dir: Path, index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           store_url: str) -> Iterator[TestClient]:
    settings = make_settings(model_dir, index, tmp_path / "var", store=StoreSettings(url=store_url),
                             desks=DeskSettings(config_dir=desk_dir(tmp_path, monkeypatch)),
                             jobs=JobsSettings(in_process=False))
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture()
def desk_client(trained_model_dir: Path, index_dir: Path, tmp_path: Path,  # noqa: F811
                monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """On SQLite (fast); `any_store_client` runs on SQLite and PostgreSQL."""
    yield from served(trained_model_dir, index_dir, tmp_path, monkeypatch, f"sqlite:///{tmp_path / 'deskmate.db'}")


@pytest.fixture()
def any_store_client(trained_model_dir: Path, index_dir: Path, tmp_path: Path,  # noqa: F811
                     monkeypatch: pytest.MonkeyPatch, store_url: str) -> Iterator[TestClient]:
    yield from served(trained_model_dir, index_dir, tmp_path, monkeypatch, store_url)
