"""Cold start from a topic list: validation, zero-shot and few-shot models, loading, registry and retrain."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from models.classifier import HeadConfig
from models.cold_start import (
    ColdStartOptions,
    PrototypeClassifier,
    build_cold_start_model,
    description_from_name,
    fold_ids,
    load_topics,
    parse_topics,
    train_from_topics,
)
from models.embedding.hashing import HashingEmbedder
from models.errors import InvalidInputError
from models.registry import ModelRegistry
from models.retraining import retrain
from models.routing_heads import RoutingModel
from service.settings import REPO_ROOT

DEMO_TOPICS = REPO_ROOT / "data" / "demo" / "topics.yaml"
FAST = ColdStartOptions(head=HeadConfig(C=10.0, tfidf=False))

ZERO_SHOT = """
topics:
  - name: billing
    description: invoice charges payment card plan price
  - name: login_access
    description: password login sign in locked account reset
  - name: outage
    description: service down unreachable error everyone
"""


@pytest.fixture(autouse=True)
def _one_blas_thread() -> Iterator[None]:
    with threadpool_limits(limits=1):
        yield


@pytest.fixture()
def embedder() -> HashingEmbedder:
    return HashingEmbedder(256)


def _write(tmp_path: Path, text: str, name: str = "topics.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_demo_topics_file_is_valid() -> None:
    topics = load_topics(DEMO_TOPICS)
    assert len(topics.topics) == 12
    assert all(len(t.examples) >= 3 for t in topics.topics)
    assert {t.queue for t in topics.topics} >= {"billing", "security"}
    assert len(topics.sha256) == 64


@pytest.mark.parametrize(("raw", "message"), [
    ([], "expected a mapping with a `topics:` list"),
    ({"topics": [{"name": "a", "description": "x"}]}, "need at least two topics"),
    ({"topics": [{"name": "a", "description": "x"}, {"name": "a", "description": "y"}]}, "duplicate topic name"),
    ({"topics": [{"name": "a"}, {"name": "b", "description": "y"}]}, r"topic 1 \('a'\): description is missing"),
    ({"topics": [{"name": "a", "description": "x", "exampels": []}, {"name": "b", "description": "y"}]},
     r"unknown key\(s\) \['exampels'\]"),
    ({"topics": [{"name": "oos", "description": "x"}, {"name": "b", "description": "y"}]},
     "is the out-of-scope label"),
    ({"topics": [{"name": "a", "description": "x", "examples": "one"}, {"name": "b", "description": "y"}]},
     "examples must be a list"),
    ({"topics": [{"name": "a", "description": "x", "examples": ["ok", ""]}, {"name": "b", "description": "y"}]},
     "example 2 must be a non-empty string"),
    ({"topics": [{"name": "a", "description": "x"}, {"name": "b", "description": "y"}], "extra": 1},
     "unknown top-level key"),
])
def test_invalid_topic_lists_are_refused_with_the_reason(raw: object, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_topics(raw, source="topics.yaml")


def test_every_problem_is_listed_at_once() -> None:
    raw = {"topics": [{"name": "a"}, {"description": "y"}, {"name": "c", "description": "z", "queue": 3}]}
    with pytest.raises(InvalidInputError) as info:
        parse_topics(raw, source="t.yaml")
    text = str(info.value)
    assert "topic 1 ('a'): description is missing" in text
    assert "topic 2: name is missing" in text
    assert "topic 3 ('c'): queue must be a non-empty string" in text


def test_bad_yaml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="not valid YAML"):
        load_topics(_write(tmp_path, "topics: [\n  - name: a\n"))
    with pytest.raises(InvalidInputError, match="cannot read topic list"):
        load_topics(tmp_path / "missing.yaml")


def test_description_rule_from_intent_names() -> None:
    assert description_from_name("card_arrival") == "card arrival"
    assert description_from_name("Top-Up__failed") == "top up failed"


def test_zero_shot_predicts_the_described_topic(tmp_path: Path, embedder: HashingEmbedder) -> None:
    topics = load_topics(_write(tmp_path, ZERO_SHOT))
    result = build_cold_start_model(topics=topics, embedder=embedder, options=FAST)
    model = result.model
    assert result.manifest["cold_start"]["method"] == "zero-shot prototypes"
    assert isinstance(model.topic.state()["estimator"], PrototypeClassifier)
    texts = ["I cannot login, my password reset fails and the account is locked",
             "the invoice shows a second charge on my card",
             "the service is down, error for everyone"]
    preds = model.predict(texts, embedder.encode(texts))
    assert [p.topic.label for p in preds] == ["login_access", "billing", "outage"]
    assert model.abstain.oos_score == "energy" and model.abstain.min_in_scope is not None


def test_few_shot_model_is_a_normal_model_directory(tmp_path: Path, embedder: HashingEmbedder) -> None:
    out = tmp_path / "model"
    path, result = train_from_topics(topics_path=DEMO_TOPICS, out_dir=out, embedder=embedder, options=FAST,
                                     command="deskmate train-topics --topics data/demo/topics.yaml")
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["format"] == "deskmate-routing-model"
    assert manifest["cold_start"]["method"] == "few-shot logistic regression"
    assert manifest["cold_start"]["topics"][0] == {"name": "billing", "description": load_topics(
        DEMO_TOPICS).topics[0].description, "examples": 3, "queue": "billing", "urgency": None}
    assert manifest["training"]["abstain_background"] is True
    assert 0.0 < manifest["metrics"]["validation"]["topic"]["accuracy"] <= 1.0
    loaded = RoutingModel.load(path, embedder=embedder)
    texts = ["I was charged twice, please check my invoice", "please delete all my personal data (GDPR)"]
    primary = embedder.encode(texts)
    assert [p.topic.label for p in loaded.predict(texts, primary)] == \
        [p.topic.label for p in result.model.predict(texts, primary)]
    assert loaded.topic.labels == sorted(load_topics(DEMO_TOPICS).names)


def test_zero_shot_directory_round_trips(tmp_path: Path, embedder: HashingEmbedder) -> None:
    path, result = train_from_topics(topics_path=_write(tmp_path, ZERO_SHOT), out_dir=tmp_path / "m",
                                     embedder=embedder, options=FAST)
    loaded = RoutingModel.load(path, embedder=embedder)
    texts = ["my password does not work", "what is the weather like on mars"]
    a = loaded.predict_outputs(texts, embedder.encode(texts))[0].probabilities
    b = result.model.predict_outputs(texts, embedder.encode(texts))[0].probabilities
    np.testing.assert_allclose(a, b)


def test_fold_ids_hold_out_rows_of_every_class_but_never_a_whole_class() -> None:
    labels = ["a"] * 5 + ["b"] * 2 + ["c"]
    ids = fold_ids(labels, folds=3, seed=1)
    assert ids[-1] == -1  # a class with one row is never held out
    for fold in range(3):
        kept = {label for label, f in zip(labels, ids, strict=True) if f != fold}
        assert kept == {"a", "b", "c"}


def test_cold_start_model_is_accepted_as_active_and_retrain_takes_it_as_reference(
        tmp_path: Path, embedder: HashingEmbedder) -> None:
    registry = ModelRegistry(tmp_path / "models")
    model_dir, _ = train_from_topics(topics_path=DEMO_TOPICS, out_dir=tmp_path / "cold", embedder=embedder,
                                     options=FAST)
    version = registry.register(model_dir)
    registry.promote(version, reason="cold start")
    assert registry.active_version() == version
    demo = [json.loads(line) for line in (REPO_ROOT / "data" / "demo" / "tickets.jsonl").read_text().splitlines()]
    feedback, held = tmp_path / "feedback.jsonl", tmp_path / "eval.jsonl"
    feedback.write_text("".join(json.dumps(r) + "\n" for r in demo[:240]))
    held.write_text("".join(json.dumps(r) + "\n" for r in demo[240:360]))
    report = retrain(registry=registry, embedder=embedder, data=[feedback], eval_data=[held], dry_run=True)
    assert report.current_version == version
    assert report.current_basis == "active model"
    assert report.current_metrics is not None
    assert report.candidate_metrics["topic"]["accuracy"] > 0.0
