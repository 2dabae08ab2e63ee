"""`deskmate index-snapshot` (scripts/snapshot.py): while the service runs, the served index directory gets the
live changes and the change sequence they reach, and a restart replays only what came after."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from index.search_index import SearchIndex
from models.errors import InvalidInputError
from scripts.snapshot import index_snapshot
from service.app import create_app
from service.changes.follower import CHANGE_SEQ
from service.settings import ChangeLogSettings
from service.state import state_of
from tests.service.changes.test_change_log import NEW_CASE, case_ids, settings_for
from tests.service.test_retrieval_api import CASES, make_index


def test_snapshot_saves_the_log_into_the_served_directory(trained_model_dir: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKMATE_AUTH__DISABLED", "true")
    settings = settings_for(trained_model_dir, make_index(tmp_path, "index", CASES), tmp_path / "var",
                            f"sqlite:///{tmp_path / 'deskmate.db'}")
    with TestClient(create_app(settings)) as client:
        assert client.post("/v1/cases", json={"cases": [NEW_CASE]}).json()["added"] == ["c9"]
        written = index_snapshot(settings=settings)  # while the service runs
    assert written["change_seq"] == 1 and written["path"] == str(settings.resolved_index_dir)
    saved = SearchIndex.read_manifest(settings.resolved_index_dir)
    assert saved.options[CHANGE_SEQ] == 1 and saved.counts["cases"] == len(CASES) + 1 - 1  # c4 has no resolution
    with TestClient(create_app(settings)) as again:
        follower = state_of(again.app).changes
        assert follower is not None and follower.applied_seq == 1
        assert "c9" in case_ids(again, "csv export error")


def test_snapshot_needs_the_change_log(trained_model_dir: Path, tmp_path: Path) -> None:
    settings = settings_for(trained_model_dir, make_index(tmp_path, "index", CASES), tmp_path / "var",
                            f"sqlite:///{tmp_path / 'deskmate.db'}").model_copy(update={"changes": ChangeLogSettings()})
    with pytest.raises(InvalidInputError, match="change log is off"):
        index_snapshot(settings=settings)
