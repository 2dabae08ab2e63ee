"""`deskmate erase`: the offline erasure over the store and the index directory, refused while a service runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from scripts.cli import app as cli
from service.app import create_app
from service.settings import Settings
from service.state import state_of
from tests.service.test_erasure_api import ERASED, KEPT, files_bytes, holding, put_customer
from tests.service.test_retrieval_api import CASES, make_index


@pytest.fixture()
def settings(trained_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The same configuration for the service and the command, through the environment as in production."""
    env = {"DESKMATE_DATA_DIR": str(tmp_path / "var"), "DESKMATE_MODEL_DIR": str(trained_model_dir),
           "DESKMATE_EMBEDDER__BACKEND": "hashing", "DESKMATE_EMBEDDER__MODEL": "256",
           "DESKMATE_RETRIEVAL__INDEX_DIR": str(make_index(tmp_path, "index", CASES)),
           "DESKMATE_AUTH__DISABLED": "true"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


def test_erase_customer_offline_and_refused_while_the_service_runs(settings: Settings, tmp_path: Path) -> None:
    runner = CliRunner()
    with TestClient(create_app(settings)) as client:
        put_customer(client, ticket="T-KEEP", case="K-KEEP", customer="C-KEEP", marker=KEPT)
        put_customer(client, ticket="T-GONE", case="K-GONE", customer="C-GONE", marker=ERASED)
        refused = runner.invoke(cli, ["erase", "--customer", "C-GONE"])
        assert refused.exit_code == 2 and "service is running" in refused.output
    assert holding(ERASED, files_bytes(tmp_path))

    done = runner.invoke(cli, ["erase", "--customer", "C-GONE"])

    assert done.exit_code == 0, done.output
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["kind"] == "customer" and out["counts"]["tickets"] == 1 and out["counts"]["index_cases"] == 2
    assert holding(ERASED, files_bytes(tmp_path)) == [] and holding(KEPT, files_bytes(tmp_path))
    # The service started again serves the index without the erased cases and the store without the ticket.
    with TestClient(create_app(Settings())) as client:
        found = {c["id"] for c in client.post("/v1/similar", json={"subject": "export fails", "k_cases": 10,
                                                                   "body": "csv export fails"}).json()["cases"]}
        assert "K-KEEP" in found and "K-GONE" not in found
        with state_of(client.app).require_store().session() as session:
            audit = session.execute(text("SELECT kind, key_name FROM erasures")).one()
        assert tuple(audit) == ("customer", "cli")
    unknown = runner.invoke(cli, ["erase", "--ticket", "never-was"])
    assert unknown.exit_code == 1 and "nothing was changed" in unknown.output
    both = runner.invoke(cli, ["erase", "--ticket", "T-1", "--customer", "C-1"])
    assert both.exit_code == 2 and "exactly one" in both.output
