import json
from pathlib import Path

import numpy as np
import pytest

from models.classifier import AbstainRule, ClassifierHead, HeadConfig, HeadOutput, knn_similarity
from models.embedding.hashing import HashingEmbedder
from models.errors import ArtifactError, ArtifactMismatchError, InvalidInputError
from models.routing_heads import RoutingModel
from tests.conftest import synthetic_rows


def test_head_learns_topics_and_calibrates(embedder: HashingEmbedder) -> None:
    rows = synthetic_rows(seed=1, n_oos=0)
    texts, labels = [r.text for r in rows], [r.topic for r in rows]
    dense = embedder.encode(texts)
    head = ClassifierHead(HeadConfig(C=1.0)).fit(texts[::2], dense[::2], labels[::2])
    temperature = head.calibrate(texts[1::2], dense[1::2], labels[1::2])
    assert temperature > 0 and temperature != 1.0
    out = head.predict(texts[1::2], dense[1::2])
    assert np.allclose(out.probabilities.sum(axis=1), 1.0)
    predicted = [head.labels[i] for i in out.probabilities.argmax(axis=1)]
    assert np.mean([p == t for p, t in zip(predicted, labels[1::2], strict=True)]) > 0.9


def test_head_refuses_single_class_and_misaligned_input(embedder: HashingEmbedder) -> None:
    with pytest.raises(InvalidInputError, match="two classes"):
        ClassifierHead().fit(["a", "b"], embedder.encode(["a", "b"]), ["x", "x"])
    with pytest.raises(InvalidInputError, match="embedding rows"):
        ClassifierHead().fit(["a", "b"], embedder.encode(["a"]), ["x", "y"])


def test_save_load_round_trip_predicts_identically(trained_model_dir: Path, embedder: HashingEmbedder) -> None:
    model = RoutingModel.load(trained_model_dir, embedder=embedder)
    texts = ["invoice charged twice", "site is down 502 error", "please add dark mode"]
    first = model.predict(texts, embedder.encode(texts))
    again = RoutingModel.load(trained_model_dir, embedder=embedder).predict(texts, embedder.encode(texts))
    assert [p.topic.label for p in first] == ["billing", "outage", "feature_request"]
    assert [(p.topic.label, p.topic.confidence) for p in first] == [(p.topic.label, p.topic.confidence) for p in again]
    assert all(p.urgency is not None for p in first)
    assert len(first[0].topic.alternatives) == 3


def test_manifest_records_labels_embedder_and_metrics(trained_model_dir: Path) -> None:
    manifest = json.loads((trained_model_dir / "manifest.json").read_text())
    assert manifest["embedder"] == {"id": "deskmate/hashing-v1-256", "dim": 256}
    assert manifest["topic"]["labels"] == ["billing", "feature_request", "login_access", "outage"]
    assert "oos" not in manifest["topic"]["labels"]
    assert manifest["urgency"]["labels"] == ["high", "low", "normal", "urgent"]
    assert manifest["metrics"]["validation"]["topic"]["accuracy"] > 0.8
    assert manifest["topic"]["abstain"]["min_in_scope"] is not None
    assert (trained_model_dir / "MODEL_CARD.md").read_text().startswith("# Deskmate routing model")


def test_loading_refuses_other_embedder_and_broken_dirs(trained_model_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ArtifactMismatchError, match="hashing-v1-256"):
        RoutingModel.load(trained_model_dir, embedder=HashingEmbedder(128))
    with pytest.raises(ArtifactError, match=r"manifest\.json missing"):
        RoutingModel.load(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(ArtifactError, match="not a Deskmate routing model"):
        RoutingModel.load(tmp_path)


def test_out_of_scope_text_abstains(trained_model: RoutingModel, embedder: HashingEmbedder) -> None:
    texts = ["recipe for banana bread and the weather in paris", "cannot log in password reset locked out"]
    oos, ok = trained_model.predict(texts, embedder.encode(texts))
    assert oos.abstain_reason == "out_of_scope"
    assert ok.abstain_reason is None and ok.topic.label == "login_access"


def _output(probabilities: list[list[float]], logits: list[list[float]] | None = None) -> HeadOutput:
    p = np.array(probabilities)
    return HeadOutput(probabilities=p, logits=np.array(logits) if logits is not None else np.log(p))


def test_abstain_rule_reasons_in_order() -> None:
    rule = AbstainRule(min_confidence=0.6, min_margin=0.3, oos_score="energy", min_in_scope=0.5)
    out = _output([[0.9, 0.1], [0.55, 0.45], [0.64, 0.36], [0.9, 0.1]],
                  logits=[[2.0, 0.0], [2.0, 1.8], [2.0, 1.4], [-1.0, -3.0]])
    assert rule.decide(out) == [None, "low_confidence", "small_margin", "out_of_scope"]


def test_abstain_tuning_meets_reject_budget_and_accuracy_target() -> None:
    rng = np.random.default_rng(0)
    n = 400
    top = rng.uniform(0.3, 1.0, n)
    probs = np.stack([top, 1 - top], axis=1)
    correct = rng.uniform(0, 1, n) < top  # confident rows are right more often
    in_scope = HeadOutput(probabilities=probs, logits=np.log(probs) + 3.0)
    oos_top = rng.uniform(0.5, 0.6, 50)
    oos_probs = np.stack([oos_top, 1 - oos_top], axis=1)
    oos = HeadOutput(probabilities=oos_probs, logits=np.log(oos_probs))
    rule = AbstainRule.tune(in_scope, correct, oos, max_false_reject=0.05, target_accuracy=0.8,
                            max_confidence_reject=0.5)
    assert rule.min_in_scope is not None and rule.tuning["oos_recall"] > 0.9
    kept = np.array([r is None for r in rule.decide(in_scope)])
    assert correct[kept].mean() >= 0.8
    assert rule.tuning["accepted_accuracy"] == pytest.approx(correct[kept].mean())
    assert AbstainRule.from_dict(rule.to_dict()) == rule


def test_mlp_head_learns_and_serves_without_torch_state(embedder: HashingEmbedder) -> None:
    rows = synthetic_rows(seed=4, n_oos=0)
    texts, labels = [r.text for r in rows], [r.topic for r in rows]
    dense = embedder.encode(texts)
    config = HeadConfig(estimator="mlp", hidden=64, epochs=80, learning_rate=1e-2)
    head = ClassifierHead(config).fit(texts[::2], dense[::2], labels[::2])
    head.calibrate(texts[1::2], dense[1::2], labels[1::2])
    restored = ClassifierHead.from_state(head.state())
    out = restored.predict(texts[1::2], dense[1::2])
    predicted = [restored.labels[i] for i in out.probabilities.argmax(axis=1)]
    assert np.mean([p == t for p, t in zip(predicted, labels[1::2], strict=True)]) > 0.9
    assert np.allclose(out.probabilities, head.predict(texts[1::2], dense[1::2]).probabilities)


def test_knn_score_and_rule_choice() -> None:
    bank = np.eye(4, dtype=np.float32)
    queries = np.array([[1, 0, 0, 0], [0.5, 0.5, 0.5, 0.5]], dtype=np.float32)
    assert knn_similarity(bank, queries, k=1).tolist() == pytest.approx([1.0, 0.5])
    rule = AbstainRule(oos_score="knn", min_in_scope=0.8)
    out = _output([[0.9, 0.1], [0.9, 0.1]])
    assert rule.decide(out, knn_similarity(bank, queries, k=1)) == [None, "out_of_scope"]
    with pytest.raises(InvalidInputError, match="nearest-neighbour"):
        rule.decide(out)
    with pytest.raises(InvalidInputError, match="out-of-scope score"):
        AbstainRule.from_dict({"oos_score": "vibes"})


def test_tuning_picks_the_score_that_catches_more_out_of_scope() -> None:
    rng = np.random.default_rng(1)
    probs = np.tile([0.9, 0.1], (200, 1))
    in_scope = HeadOutput(probabilities=probs, logits=np.log(probs) + rng.normal(0, 1, (200, 1)))
    oos = HeadOutput(probabilities=np.tile([0.9, 0.1], (30, 1)), logits=np.log(np.tile([0.9, 0.1], (30, 1))))
    rule = AbstainRule.tune(in_scope, np.ones(200, dtype=bool), oos, in_knn=rng.uniform(0.7, 1.0, 200),
                            oos_knn=rng.uniform(0.2, 0.5, 30), max_false_reject=0.05)
    assert rule.oos_score == "knn" and rule.tuning["oos_recall_knn"] == 1.0
    assert rule.tuning["oos_recall_energy"] < 1.0
