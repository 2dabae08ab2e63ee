"""No silent traps at training time: the abstain rule without out-of-scope rows, urgency labels the routing policy
does not know, field flags that name no column."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from models.background import BACKGROUND_PATH, background_split, load_background
from models.data import FieldMapping, check_fields
from models.embedding.hashing import HashingEmbedder
from models.errors import InvalidInputError
from models.routing_heads import RoutingModel
from models.routing_policy import RoutingPolicy
from models.training import TrainOptions, train_from_file, train_routing_model
from scripts.cli import app
from service.settings import REPO_ROOT
from tests.conftest import OOS, synthetic_rows

OPTIONS = TrainOptions(val_size=0.25, seed=3, aux_embedders=())


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _tickets(path: Path, *, urgency: dict[str, str] | None = None, n_oos: int = 0) -> Path:
    rows = synthetic_rows(n_per_topic=30, seed=8, n_oos=n_oos)
    return _jsonl(path, [{"id": f"T{i}", "subject": "", "body": r.text, "topic": r.topic,
                          "urgency": (urgency or {}).get(str(r.urgency), r.urgency)} for i, r in enumerate(rows)])


def test_background_set_is_ours_multilingual_and_split_by_seed() -> None:
    rows = load_background()
    assert len(rows) >= 250 and {r.language for r in rows} == {"en", "de", "es", "fr"}
    assert len({r.category for r in rows}) >= 10 and len({r.text for r in rows}) == len(rows)
    split = background_split(seed=1)
    assert not set(split.tune) & set(split.heldout) and len(split.tune) + len(split.heldout) == len(rows)
    assert background_split(seed=1).heldout == split.heldout != background_split(seed=2).heldout


def test_training_without_oos_rows_tunes_abstain_on_the_background_set() -> None:
    model, metrics = train_routing_model(rows=synthetic_rows(seed=5, n_oos=0), embedder=HashingEmbedder(256),
                                         options=OPTIONS)
    background = metrics["background"]
    assert background["tune_rows"] > 150 and background["heldout_rows"] > 60
    assert background["heldout_caught"] >= 0.8  # off-topic requests the rule never saw are sent to triage
    assert background["validation_false_reject"] <= 0.1
    assert model.abstain.oos_score is not None and model.abstain.min_in_scope is not None
    unseen = [f"{a} {b}" for a, b in zip(OOS, reversed(OOS), strict=True)]
    embedder = HashingEmbedder(256)
    dense = model.dense_features(unseen, embedder.encode(unseen))
    reasons = model.abstain_reasons(model.topic.predict(unseen, dense), dense)
    assert sum(r is not None for r in reasons) >= len(unseen) - 1

    off, off_metrics = train_routing_model(rows=synthetic_rows(seed=5, n_oos=0), embedder=HashingEmbedder(256),
                                           options=TrainOptions(val_size=0.25, seed=3, aux_embedders=(),
                                                                background=False))
    assert "background" not in off_metrics and off.abstain.oos_score is None  # the old trap, only when asked
    _, with_oos = train_routing_model(rows=synthetic_rows(seed=5, n_oos=20), embedder=HashingEmbedder(256),
                                      options=OPTIONS)
    assert "background" not in with_oos  # the desk's own out-of-scope rows win


def test_cli_train_says_it_used_the_background_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKMATE_EMBEDDER__BACKEND", "hashing")
    monkeypatch.setenv("DESKMATE_EMBEDDER__MODEL", "256")
    data = _tickets(tmp_path / "t.jsonl")
    result = CliRunner().invoke(app, ["train", "--data", str(data), "--out", str(tmp_path / "m"),
                                      "--aux-embedder", "none", "--val-size", "0.25"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "background set" in said and "held-out requests" in said
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text())
    assert manifest["training"]["abstain_background"] is True
    assert manifest["metrics"]["background"]["sha256"] and manifest["metrics"]["background"]["heldout_caught"] > 0.5


def _policy(tmp_path: Path, vocabulary: dict[str, Any] | None = None) -> RoutingPolicy:
    raw = yaml.safe_load((REPO_ROOT / "config" / "routing.yaml").read_text())
    if vocabulary is not None:
        raw["vocabulary"] = vocabulary
    path = tmp_path / "routing.yaml"
    path.write_text(yaml.safe_dump(raw))
    return RoutingPolicy.from_yaml(path)


def test_unknown_urgency_labels_fail_at_train_time_with_the_fix(tmp_path: Path) -> None:
    data = _tickets(tmp_path / "t.jsonl", urgency={"normal": "medium"})
    with pytest.raises(InvalidInputError, match=r"\['medium'\].*vocabulary: \{urgency: \{medium: normal\}\}"):
        train_from_file(data=data, out_dir=tmp_path / "m", embedder=HashingEmbedder(256), options=OPTIONS,
                        policy=_policy(tmp_path))
    assert not (tmp_path / "m").exists()

    path, _ = train_from_file(data=data, out_dir=tmp_path / "m", embedder=HashingEmbedder(256), options=OPTIONS,
                              policy=_policy(tmp_path, {"urgency": {"medium": "normal"}}))
    model = RoutingModel.load(path, embedder=HashingEmbedder(256))
    assert model.urgency is not None and set(model.urgency.labels) <= {"low", "normal", "high", "urgent"}
    assert "normal" in model.urgency.labels
    assert json.loads((path / "manifest.json").read_text())["training"]["urgency_vocabulary"] == {"medium": "normal"}


def test_policy_vocabulary_must_map_onto_its_levels(tmp_path: Path) -> None:
    from models.errors import ArtifactError

    with pytest.raises(ArtifactError, match="unknown urgency level"):
        _policy(tmp_path, {"urgency": {"medium": "middling"}})


def test_a_field_named_by_a_flag_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _tickets(tmp_path / "t.jsonl")
    with pytest.raises(InvalidInputError, match=r"'priority' \(--urgency-field\)"):
        check_fields(data, FieldMapping(urgency="priority"), ["urgency", "topic"])
    check_fields(data, FieldMapping(), ["urgency", "topic", "body"])  # present: no error

    monkeypatch.setenv("DESKMATE_EMBEDDER__BACKEND", "hashing")
    monkeypatch.setenv("DESKMATE_EMBEDDER__MODEL", "256")
    runner = CliRunner()
    named = runner.invoke(app, ["train", "--data", str(data), "--out", str(tmp_path / "m"), "--aux-embedder",
                                "none", "--urgency-field", "priority"])
    assert named.exit_code == 2 and "priority" in named.output and not (tmp_path / "m").exists()

    no_urgency = _jsonl(tmp_path / "n.jsonl", [{k: v for k, v in json.loads(line).items() if k != "urgency"}
                                               for line in data.read_text().splitlines()])
    quiet = runner.invoke(app, ["train", "--data", str(no_urgency), "--out", str(tmp_path / "m2"),
                                "--aux-embedder", "none"])
    assert quiet.exit_code == 0, quiet.output  # the default field may be absent, but training says so
    assert "no urgency head" in " ".join(quiet.output.split())


def test_background_file_is_packaged() -> None:
    assert BACKGROUND_PATH.is_file() and BACKGROUND_PATH.parent.name == "resources"
    lines = BACKGROUND_PATH.read_text(encoding="utf-8").splitlines()
    assert all(json.loads(line)["text"].strip() for line in lines)
    assert np.mean([json.loads(line)["language"] == "en" for line in lines]) < 0.5  # not English-only


def _word_vocabulary(model: RoutingModel) -> set[str]:
    union = model.topic._vectorizer
    assert union is not None
    return set(dict(union.transformer_list)["word"].vocabulary_)


def test_training_texts_are_redacted_before_the_vocabulary_is_learned(tmp_path: Path) -> None:
    """The TF-IDF vocabulary stores words of the training texts: without redaction a customer's name, e-mail and
    phone number would stay in the model artifact, where no erasure reaches them."""
    from service.privacy import training_redactor
    from service.settings import Settings

    rows = synthetic_rows(n_per_topic=30, seed=8)
    data = _jsonl(tmp_path / "t.jsonl", [
        {"id": f"T{i}", "subject": "", "topic": r.topic, "urgency": r.urgency,
         "body": f"{r.text} Regards, Ana Souza, ana.souza@mail.example, +44 20 7946 0958"} for i, r in enumerate(rows)])
    raw, _ = train_from_file(data=data, out_dir=tmp_path / "raw", embedder=HashingEmbedder(256), options=OPTIONS)
    raw_vocabulary = _word_vocabulary(RoutingModel.load(raw, embedder=HashingEmbedder(256)))
    assert {"souza", "ana souza", "mail", "7946"} <= raw_vocabulary
    assert json.loads((raw / "manifest.json").read_text())["redaction"] is None

    redact, redaction = training_redactor(Settings(data_dir=tmp_path / "var"))
    path, _ = train_from_file(data=data, out_dir=tmp_path / "m", embedder=HashingEmbedder(256), options=OPTIONS,
                              redact=redact, redaction=redaction)
    vocabulary = _word_vocabulary(RoutingModel.load(path, embedder=HashingEmbedder(256)))
    assert not {w for w in vocabulary if {"ana", "souza", "mail", "7946", "0958"} & set(w.split())}
    assert {"email", "phone"} <= vocabulary  # the placeholders' words instead
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["redaction"]["enabled"] is True and "email" in manifest["redaction"]["kinds"]
    assert not (tmp_path / "var").exists()  # no pseudonym key is made for training
    assert training_redactor(Settings(), enabled=False) == (None, None)
