"""The segment head: fitted on weakly labelled segments, it gives a topic to a sentence that names a problem and none
to one that occurs under every topic; saved with its SHA-256, loaded with checks, trained with the routing model."""

import json
from pathlib import Path

import numpy as np
import pytest

from models.embedding.hashing import HashingEmbedder
from models.errors import ArtifactError
from models.routing_heads import RoutingModel
from models.segment_head import SEGMENT_HEAD_FILE, SegmentHead
from models.training import TrainOptions, fit_segment_head, train_routing_model
from tests.conftest import synthetic_rows


def _segments(rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    """Billing sentences near axis 0, integration sentences near axis 1, and one courtesy sentence (axis 2) that
    occurs in the tickets of both topics."""
    rows, labels = [], []
    for topic, axis in (("billing", 0), ("integrations", 1)):
        for _ in range(40):
            own = np.zeros(4)
            own[axis] = 1.0
            rows.append(own + rng.normal(0, 0.05, 4))
            labels.append(topic)
            courtesy = np.zeros(4)
            courtesy[2] = 1.0
            rows.append(courtesy + rng.normal(0, 0.05, 4))
            labels.append(topic)
    return np.asarray(rows, dtype=np.float32), labels


def test_a_sentence_of_every_topic_gets_no_topic() -> None:
    vectors, labels = _segments(np.random.default_rng(0))
    head = SegmentHead.fit(vectors, labels, c=10.0)
    assert head.labels == ("billing", "integrations") and head.segments == 80 * 2 and head.dim == 4
    probe = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], dtype=np.float32)
    p = head.probabilities(probe)
    assert np.allclose(p.sum(axis=1), 1.0)
    assert p[0, 0] > 0.95 and p[1, 1] > 0.95  # a sentence naming the problem speaks for its topic
    assert 0.3 < p[2, 0] < 0.7  # the courtesy line speaks for neither
    assert head.support(probe[:1])[0]["billing"] == pytest.approx(p[0, 0])
    with pytest.raises(ValueError, match="4-d"):
        head.probabilities(np.zeros((1, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="two topics"):
        SegmentHead.fit(vectors[:2], ["billing", "billing"])


def test_two_topics_give_the_same_probabilities_as_the_fitted_regression() -> None:
    from sklearn.linear_model import LogisticRegression

    vectors, labels = _segments(np.random.default_rng(1))
    head = SegmentHead.fit(vectors, labels, c=10.0)
    reference = LogisticRegression(C=10.0, max_iter=3000).fit(vectors.astype(np.float64), labels)
    assert np.allclose(head.probabilities(vectors[:10]), reference.predict_proba(vectors[:10]), atol=1e-5)


def test_saved_and_loaded_with_its_checksum(tmp_path: Path) -> None:
    vectors, labels = _segments(np.random.default_rng(2))
    head = SegmentHead.fit(vectors, labels)
    entry = head.save(tmp_path)
    assert entry["file"] == SEGMENT_HEAD_FILE and entry["labels"] == ["billing", "integrations"]
    loaded = SegmentHead.load(tmp_path, entry, dim=4)
    assert np.array_equal(loaded.coef, head.coef) and loaded.labels == head.labels and loaded.c == head.c
    with pytest.raises(ArtifactError, match="holds a"):
        SegmentHead.load(tmp_path, entry, dim=8)  # a head for another embedder
    (tmp_path / SEGMENT_HEAD_FILE).write_bytes((tmp_path / SEGMENT_HEAD_FILE).read_bytes() + b"x")
    with pytest.raises(ArtifactError, match="SHA-256"):
        SegmentHead.load(tmp_path, entry, dim=4)
    (tmp_path / SEGMENT_HEAD_FILE).unlink()
    with pytest.raises(ArtifactError, match="missing"):
        SegmentHead.load(tmp_path, entry, dim=4)


def test_fit_segment_head_splits_texts_and_reuses_a_one_segment_texts_vector() -> None:
    embedder = HashingEmbedder(64)
    texts = ["Charged twice for the Pro plan", "The Jira sync stopped working. Nothing shows up on our board.",
             "Hello Orbitly team,\nThe export to CSV fails every time.\nKind regards,\nMaria Lopez\nIT Lead, Acme"]
    vectors = embedder.encode(texts)
    head, info = fit_segment_head(embedder, texts, ["billing", "integrations", "data_export"], vectors)
    assert head is not None and head.labels == ("billing", "data_export", "integrations")
    # the third text keeps one candidate segment (greeting and signature left out): encoded on its own
    assert info["segments"] == 4 and info["whole_texts"] == 1 and info["split_texts"] == 2
    assert fit_segment_head(embedder, texts[:2], ["billing", "billing"], vectors[:2])[0] is None


def test_the_routing_model_is_trained_saved_and_loaded_with_its_segment_head(tmp_path: Path) -> None:
    embedder = HashingEmbedder(256)
    options = TrainOptions(val_size=0.25, seed=3, aux_embedders=())
    model, metrics = train_routing_model(rows=synthetic_rows(), embedder=embedder, options=options)
    assert model.segment_head is not None and metrics["segment_head"]["segments"] >= len(synthetic_rows()) * 0.5
    out = model.save(tmp_path / "model")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["segment_head"]["sha256"] and (out / SEGMENT_HEAD_FILE).is_file()
    loaded = RoutingModel.load(out, embedder=embedder)
    assert loaded.segment_head is not None and loaded.segment_head.labels == model.segment_head.labels
    plain, _ = train_routing_model(rows=synthetic_rows(), embedder=embedder,
                                   options=TrainOptions(val_size=0.25, seed=3, aux_embedders=(), segment_head=False))
    assert plain.segment_head is None
    saved = plain.save(tmp_path / "plain")
    assert json.loads((saved / "manifest.json").read_text())["segment_head"] is None
    assert RoutingModel.load(saved, embedder=embedder).segment_head is None
