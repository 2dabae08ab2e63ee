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
    Topic,
    TopicList,
    build_cold_start_model,
    description_from_name,
    fold_ids,
    load_topics,
    parse_topics,
    self_train,
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


SEEDS = {"billing": ["invoice", "charge", "payment", "card"], "login_access": ["password", "login", "locked", "sign"],
         "outage": ["down", "unreachable", "error", "timeout"]}
# words the examples never use; the desk's unlabelled tickets use them next to the seed words
NEW = {"billing": ["ledger", "receipt", "vat", "dunning"], "login_access": ["sso", "okta", "mfa", "totp"],
       "outage": ["latency", "status", "incident", "degraded"]}


def _words_topics() -> TopicList:
    return TopicList(topics=tuple(Topic(name=name, description=f"{words[0]} and {words[1]} questions",
                                        examples=(f"help with my {words[0]} {words[1]}",
                                                  f"question about {words[2]} and {words[3]}"))
                                  for name, words in SEEDS.items()), source="test", sha256="")


def test_self_training_learns_the_desk_vocabulary_from_unlabelled_tickets(embedder: HashingEmbedder) -> None:
    rng = np.random.default_rng(5)
    names = list(SEEDS)
    pool = [f"{rng.choice(SEEDS[n])} {rng.choice(NEW[n])} {rng.choice(NEW[n])} please"
            for n in (names[i % 3] for i in range(150))]
    held = [(n, f"my {NEW[n][i]} and {NEW[n][(i + 1) % 4]} please") for n in names for i in range(4)]
    topics = _words_topics()
    plain = build_cold_start_model(topics=topics, embedder=embedder, options=FAST)
    trained = build_cold_start_model(topics=topics, embedder=embedder, options=FAST, unlabelled=pool)
    assert trained.manifest["cold_start"]["method"] == "few-shot logistic regression + self-training"
    info = trained.manifest["cold_start"]["self_training"]
    assert info["unlabelled"] == len(set(pool)) and 0 < info["pseudo_rows"] <= len(set(pool))
    assert plain.manifest["cold_start"]["self_training"] is None

    def accuracy(model: RoutingModel) -> float:
        texts = [t for _, t in held]
        preds = model.predict(texts, embedder.encode(texts))
        return float(np.mean([p.topic.label == n for p, (n, _) in zip(preds, held, strict=True)]))

    # tickets written only in the words the examples never used: known after self-training
    assert accuracy(plain.model) < 0.6
    assert accuracy(trained.model) >= 0.9
    off = build_cold_start_model(topics=topics, embedder=embedder, unlabelled=pool,
                                 options=ColdStartOptions(head=FAST.head, self_training_rounds=0))
    assert off.manifest["cold_start"]["method"] == "few-shot logistic regression"


def test_self_train_grows_per_topic_and_keeps_the_surest_rows() -> None:
    rng = np.random.default_rng(3)
    centres = np.eye(3, 8, dtype=np.float32) * 3
    labels = ["a", "b", "c"]
    dense = centres + rng.normal(0, 0.3, (3, 8)).astype(np.float32)
    pool_true = rng.integers(0, 3, 300)
    pool = centres[pool_true] + rng.normal(0, 0.6, (300, 8)).astype(np.float32)
    texts = [f"t{i}" for i in range(3)]
    pool_texts = [f"p{i}" for i in range(300)]
    config = HeadConfig(C=10.0, tfidf=False)
    head, pseudo = self_train(config, texts, dense, labels, pool_texts, pool, rounds=2, per_topic=10, weight=0.3)
    counts = {label: pseudo.labels.count(label) for label in labels}
    assert counts == {"a": 20, "b": 20, "c": 20}  # round 2 keeps 2 x 10 per predicted topic
    truth = {f"p{i}": labels[t] for i, t in enumerate(pool_true)}
    assert np.mean([truth[t] == label for t, label in zip(pseudo.texts, pseudo.labels, strict=True)]) > 0.95
    assert set(pseudo.weights) == {0.3} and head.labels == labels


def test_self_training_needs_examples(embedder: HashingEmbedder, tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="needs examples"):
        build_cold_start_model(topics=load_topics(_write(tmp_path, ZERO_SHOT)), embedder=embedder, options=FAST,
                               unlabelled=["my invoice is wrong"])


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
