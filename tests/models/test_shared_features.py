"""The topic and urgency heads share one TF-IDF transform per request without changing any output."""

from pathlib import Path

import joblib
import numpy as np
import pytest

from models.classifier import ClassifierHead, HeadConfig, same_fitted_vectorizer, union_transform
from models.embedding.hashing import HashingEmbedder
from models.errors import InvalidInputError
from models.routing_heads import MODEL_FORMAT_VERSION, RoutingModel, read_manifest
from tests.conftest import synthetic_rows

TEXTS = ["invoice charged twice on my credit card", "site is down 502 error since yesterday",
         "please add dark mode", "recipe for banana bread", "cannot log in, locked out after password reset"]


def _separate_heads(model_dir: Path) -> tuple[ClassifierHead, ClassifierHead]:
    """The heads as the files hold them: each with its own vectorizer object, never shared."""
    topic = ClassifierHead.from_state(joblib.load(model_dir / "topic.joblib"))
    urgency = ClassifierHead.from_state(joblib.load(model_dir / "urgency.joblib"))
    assert topic.vectorizer is not urgency.vectorizer
    return topic, urgency


def _count_transforms(head: ClassifierHead, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the word-n-gram TF-IDF transforms the head's vectorizer runs from now on (`tfidf_transform`, which
    the request path uses instead of the vectorizer's own `transform`)."""
    import models.classifier

    calls = [0]
    assert head.vectorizer is not None
    vectorizer = head.vectorizer.transformer_list[0][1]
    original = models.classifier.tfidf_transform

    def counting(transformer: object, texts: list[str]) -> object:
        calls[0] += transformer is vectorizer
        return original(transformer, texts)

    monkeypatch.setattr(models.classifier, "tfidf_transform", counting)
    return calls


def test_v1_model_shares_tfidf_and_predicts_identically(trained_model_dir: Path, embedder: HashingEmbedder,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    assert read_manifest(trained_model_dir)["format_version"] == 1 == MODEL_FORMAT_VERSION
    model = RoutingModel.load(trained_model_dir, embedder=embedder)
    assert model.urgency is not None and model.urgency.vectorizer is model.topic.vectorizer
    dense = model.dense_features(TEXTS, embedder.encode(TEXTS))
    calls = _count_transforms(model.topic, monkeypatch)
    topic_out, urgency_out = model.predict_outputs(TEXTS, dense)
    assert calls[0] == 1 and urgency_out is not None

    topic, urgency = _separate_heads(trained_model_dir)
    expected_topic, expected_urgency = topic.predict(TEXTS, dense), urgency.predict(TEXTS, dense)
    assert np.array_equal(topic_out.probabilities, expected_topic.probabilities)
    assert np.array_equal(topic_out.logits, expected_topic.logits)
    assert np.array_equal(urgency_out.probabilities, expected_urgency.probabilities)
    assert np.array_equal(urgency_out.logits, expected_urgency.logits)
    labels = [p.topic.label for p in model.predict(TEXTS, embedder.encode(TEXTS))]
    assert labels[:3] == ["billing", "outage", "feature_request"]


def test_heads_fitted_on_other_texts_keep_their_own_transform(embedder: HashingEmbedder,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    rows = synthetic_rows(seed=5, n_oos=0)
    texts, dense = [r.text for r in rows], embedder.encode([r.text for r in rows])
    topic = ClassifierHead(HeadConfig(C=1.0)).fit(texts, dense, [r.topic for r in rows])
    urgency = ClassifierHead(HeadConfig(C=1.0)).fit(texts[::2], dense[::2], [str(r.urgency) for r in rows][::2])
    assert not same_fitted_vectorizer(topic.vectorizer, urgency.vectorizer)
    assert not topic.share_vectorizer(urgency)
    query = embedder.encode(TEXTS)
    expected = urgency.predict(TEXTS, query)
    calls = _count_transforms(urgency, monkeypatch)
    features = topic.text_features(TEXTS)  # another vectorizer's block: ignored, the head transforms itself
    out = urgency.predict(TEXTS, query, text_features=features)
    assert calls[0] == 1
    assert np.array_equal(out.probabilities, expected.probabilities)


def test_same_fitted_vectorizer_compares_settings_vocabulary_and_idf(embedder: HashingEmbedder) -> None:
    rows = synthetic_rows(seed=6, n_oos=0)
    texts, dense = [r.text for r in rows], embedder.encode([r.text for r in rows])
    labels = [r.topic for r in rows]
    a = ClassifierHead(HeadConfig(C=1.0)).fit(texts, dense, labels)
    b = ClassifierHead(HeadConfig(C=5.0)).fit(list(reversed(texts)), dense[::-1], list(reversed(labels)))
    assert same_fitted_vectorizer(a.vectorizer, b.vectorizer)  # row order and C do not change the transform
    assert a.share_vectorizer(b) and b.vectorizer is a.vectorizer
    c = ClassifierHead(HeadConfig(C=1.0)).fit(texts, dense, labels)
    assert c.vectorizer is not None
    c.vectorizer.transformer_list[1][1].set_params(sublinear_tf=False)
    assert not same_fitted_vectorizer(a.vectorizer, c.vectorizer)
    assert not same_fitted_vectorizer(a.vectorizer, None)
    mlp = ClassifierHead(HeadConfig(estimator="mlp", hidden=8, epochs=1))
    assert mlp.text_features(texts) is None and not a.share_vectorizer(mlp)


def test_shared_block_with_wrong_row_count_is_refused(trained_model: RoutingModel,
                                                      embedder: HashingEmbedder) -> None:
    features = trained_model.topic.text_features(TEXTS[:2])
    assert trained_model.urgency is not None
    with pytest.raises(InvalidInputError, match="TF-IDF rows"):
        trained_model.urgency.predict(TEXTS, embedder.encode(TEXTS), text_features=features)


def test_union_transform_equals_feature_union(trained_model: RoutingModel) -> None:
    union = trained_model.topic.vectorizer
    assert union is not None
    fast, reference = union_transform(union, TEXTS), union.transform(TEXTS).tocsr()
    assert fast.shape == reference.shape
    assert np.array_equal(fast.indptr, reference.indptr) and np.array_equal(fast.indices, reference.indices)
    assert np.array_equal(fast.data, reference.data)
    union.set_params(transformer_weights={"char": 0.5})
    try:
        assert np.array_equal(union_transform(union, TEXTS).toarray(), union.transform(TEXTS).toarray())
    finally:
        union.set_params(transformer_weights=None)
