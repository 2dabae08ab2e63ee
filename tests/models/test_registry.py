from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from models.errors import ArtifactError
from models.registry import ModelRegistry, RegistryError
from models.routing_heads import read_manifest
from service.settings import Settings


def _register(registry: ModelRegistry, source: Path, version: str) -> str:
    return registry.register(source, version=version)


def test_register_copies_and_gives_each_version_its_own_name(tmp_path: Path, trained_model_dir: Path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    first = registry.register(trained_model_dir)
    second = registry.register(trained_model_dir)
    assert first == read_manifest(trained_model_dir)["version"]
    assert second == f"{first}-2"
    assert (trained_model_dir / "manifest.json").is_file()  # copied, not moved
    for version in (first, second):
        manifest = read_manifest(registry.version_dir(version))
        assert manifest["version"] == version
        assert manifest["registry"]["source"] == str(trained_model_dir)
        assert f"model {version}" in (registry.version_dir(version) / "MODEL_CARD.md").read_text()
    assert [v.version for v in registry.versions()] == [second, first]  # newest first
    assert registry.active_version() is None and registry.active_dir() is None


def test_register_move_and_refusals(tmp_path: Path, trained_model_dir: Path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    staged = tmp_path / "staged"
    shutil.copytree(trained_model_dir, staged)
    assert registry.register(staged, move=True, version="v1") == "v1"
    assert not staged.exists() and (registry.version_dir("v1") / "topic.joblib").is_file()
    with pytest.raises(RegistryError, match="already registered"):
        registry.register(trained_model_dir, version="v1")
    with pytest.raises(RegistryError, match="invalid model version"):
        registry.register(trained_model_dir, version="../escape")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ArtifactError, match=r"manifest\.json missing"):
        registry.register(tmp_path / "empty")
    assert [v.version for v in registry.versions()] == ["v1"]
    assert not any(p.name.startswith(".") for p in registry.versions_dir.iterdir())  # no staging leftovers


def test_promote_and_rollback_walk_the_history(tmp_path: Path, trained_model_dir: Path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    for name in ("a", "b", "c"):
        _register(registry, trained_model_dir, name)
        registry.promote(name, reason=f"promote {name}")
    assert registry.active_version() == "c" and registry.active_dir() == registry.version_dir("c")
    pointer = registry.read_pointer()
    assert pointer is not None and pointer["history"] == ["a", "b"]
    assert [e["action"] for e in pointer["events"]] == ["promote", "promote", "promote"]
    assert pointer["events"][-1] == {**pointer["events"][-1], "version": "c", "previous": "b", "reason": "promote c"}
    assert registry.rollback_target() == "b"
    flags = {v.version: (v.active, v.rollback_target) for v in registry.versions()}
    assert flags == {"c": (True, False), "b": (False, True), "a": (False, False)}

    assert registry.rollback(reason="bad model") == "b"
    assert registry.active_version() == "b" and registry.rollback_target() == "a"
    assert registry.rollback() == "a"
    with pytest.raises(RegistryError, match="nothing to roll back to"):
        registry.rollback()
    assert registry.active_version() == "a"

    before = registry.read_pointer()
    registry.promote("a", reason="again")  # promoting the active version changes nothing
    assert registry.read_pointer() == before
    with pytest.raises(ArtifactError):
        registry.promote("missing", reason="x")


def test_rollback_skips_deleted_versions_and_needs_history(tmp_path: Path, trained_model_dir: Path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    with pytest.raises(RegistryError, match="no version was ever promoted"):
        registry.rollback()
    for name in ("a", "b", "c"):
        _register(registry, trained_model_dir, name)
        registry.promote(name, reason="test")
    shutil.rmtree(registry.version_dir("b"))
    assert registry.rollback_target() == "a"
    assert registry.rollback() == "a"


def test_pointer_is_replaced_atomically(tmp_path: Path, trained_model_dir: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    registry = ModelRegistry(tmp_path / "models")
    for name in ("a", "b"):
        _register(registry, trained_model_dir, name)
    registry.promote("a", reason="first")
    seen: set[str] = set()
    errors: list[Exception] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                seen.add(str(ModelRegistry(tmp_path / "models").active_version()))
            except Exception as exc:  # a torn read would surface here
                errors.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(60):
            registry.promote("b" if i % 2 == 0 else "a", reason=f"flip {i}")
    finally:
        stop.set()
        thread.join()
    assert not errors and seen <= {"a", "b"}
    assert not [p for p in registry.root.iterdir() if p.name.startswith(".active.")]  # no temp files left

    before = registry.pointer_path.read_bytes()

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        registry.promote("b", reason="fails")
    assert registry.pointer_path.read_bytes() == before
    assert not [p for p in registry.root.iterdir() if p.name.startswith(".active.")]


def test_bad_pointers_are_clear_errors(tmp_path: Path, trained_model_dir: Path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    registry.root.mkdir(parents=True)
    registry.pointer_path.write_text("{not json")
    with pytest.raises(RegistryError, match="not valid JSON"):
        registry.active_dir()
    registry.pointer_path.write_text(json.dumps({"format": "deskmate-model-registry", "active": "gone",
                                                 "history": []}))
    with pytest.raises(RegistryError, match="active model version gone has no directory"):
        registry.active_dir()


def test_legacy_current_is_active_until_the_first_promotion(tmp_path: Path, trained_model_dir: Path) -> None:
    root = tmp_path / "models"
    registry = ModelRegistry(root)
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_model_dir == root / "current"  # nothing at all: the old default
    shutil.copytree(trained_model_dir, root / "current")
    assert registry.active_version() is None and registry.active_dir() == root / "current"
    assert settings.resolved_model_dir == root / "current"

    _register(registry, trained_model_dir, "new")
    registry.promote("new", reason="first retrain")
    adopted = registry.rollback_target()
    assert adopted is not None and adopted != "new"
    assert read_manifest(registry.version_dir(adopted))["registry"]["source"] == str(root / "current")
    assert (root / "current" / "manifest.json").is_file()  # the legacy directory stays as it was
    assert settings.resolved_model_dir == registry.version_dir("new")
    assert Settings(data_dir=tmp_path, model_dir=tmp_path / "pinned").resolved_model_dir == tmp_path / "pinned"

    assert registry.rollback() == adopted
    assert settings.resolved_model_dir == registry.version_dir(adopted)


def test_prune_keeps_the_newest_the_active_and_the_rollback_target(tmp_path: Path, trained_model_dir: Path) -> None:
    registry = ModelRegistry(tmp_path / "models", keep=2)
    names = [f"v{i}" for i in range(6)]
    for name in names:
        _register(registry, trained_model_dir, name)
    registry.promote("v0", reason="old")
    registry.promote("v1", reason="active")
    removed = registry.prune()
    assert sorted(removed) == ["v2", "v3"]
    assert {v.version for v in registry.versions()} == {"v5", "v4", "v1", "v0"}
    assert registry.rollback() == "v0"  # the rollback target survived pruning
    assert registry.prune() == ["v1"]  # rolled back from: now just an old version beyond keep
    assert {v.version for v in registry.versions()} == {"v5", "v4", "v0"}
    with pytest.raises(RegistryError, match="keep must be at least 1"):
        ModelRegistry(tmp_path / "models", keep=0)


def test_versions_report_validation_metrics(tmp_path: Path, trained_model_dir: Path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    _register(registry, trained_model_dir, "v1")
    (entry,) = registry.versions()
    assert entry.version == "v1" and entry.path == registry.version_dir("v1")
    assert 0.0 < entry.metrics["topic_accuracy"] <= 1.0 and "topic_macro_f1" in entry.metrics
    assert entry.registered_at is not None and not entry.active


def test_eval_set_round_trip_manifest_and_refusals(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    rows = [{"id": f"T{i}", "subject": None, "body": f"ticket {i} é", "topic": "billing" if i % 3 else "outage",
             "urgency": None} for i in range(9)]
    written = registry.write_eval_set(rows, source="a.jsonl", seed=3, share=0.2, reason="test")
    read = registry.eval_set()
    assert read is not None and read.rows == rows and read.sha256 == written.sha256
    assert read.manifest["counts"] == {"billing": 6, "outage": 3} and read.manifest["rows"] == 9
    assert read.manifest["format"] == "deskmate-eval-set" and read.manifest["source"] == "a.jsonl"
    assert registry.versions() == []  # the set is not a model version
    replaced = registry.write_eval_set(rows[:4], source="b.jsonl", seed=3, share=0.2, reason="refresh")
    assert replaced.manifest["replaces"] == written.sha256 and len(registry.eval_set().rows) == 4  # type: ignore[union-attr]
    with pytest.raises(RegistryError, match="at least one row"):
        registry.write_eval_set([], source="c", seed=1, share=0.2, reason="x")
    (registry.eval_set_dir / "manifest.json").write_text('{"format": "other"}')
    with pytest.raises(RegistryError, match="not a Deskmate evaluation-set manifest"):
        registry.eval_set()
