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


def test_sample_weights_weigh_rows_and_are_checked() -> None:
    dense = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.45, 0.55]], dtype=np.float32)
    texts, labels = ["a1", "a2", "b1", "x"], ["a", "a", "b", "a"]
    probe = np.array([[0.4, 0.6]], dtype=np.float32)
    config = HeadConfig(C=10.0, tfidf=False)

    def p_a(weights: np.ndarray) -> float:
        head = ClassifierHead(config).fit(texts, dense, labels, sample_weight=weights)
        return float(head.predict(["probe"], probe).probabilities[0, head.labels.index("a")])

    # the row labelled "a" next to the probe counts ten times more: the probe leans to "a"
    assert p_a(np.array([1.0, 1.0, 1.0, 10.0])) > p_a(np.array([1.0, 1.0, 1.0, 0.1])) + 0.2
    with pytest.raises(InvalidInputError, match="3 sample weights for 4 rows"):
        ClassifierHead(config).fit(texts, dense, labels, sample_weight=np.ones(3))
    with pytest.raises(InvalidInputError, match="mlp head does not take sample weights"):
        ClassifierHead(HeadConfig(estimator="mlp")).fit(texts, dense, labels, sample_weight=np.ones(4))


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


# -- request-path fast paths: the same numbers as scikit-learn and scipy, without their per-call overhead ----------
FAST_TEXTS = ["Invoice INV-2231 was charged twice!!", "Le tableau de bord est en panne depuis 9h",
              "¿Puedo exportar mis tareas a CSV?", "", "ok", "charged charged charged twice twice"]


@pytest.mark.parametrize("settings", [
    {"ngram_range": (1, 2), "sublinear_tf": True},
    {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True, "min_df": 2},
    {"analyzer": "char", "ngram_range": (1, 3), "binary": True, "norm": "l1"},
    {"ngram_range": (1, 1), "use_idf": False, "norm": None},
])
def test_tfidf_transform_is_bit_identical_to_scikit_learn(settings: dict[str, object]) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from models.classifier import tfidf_transform

    corpus = [r.text for r in synthetic_rows(seed=4)] + FAST_TEXTS[:3]
    vectorizer = TfidfVectorizer(**settings).fit(corpus)
    texts = FAST_TEXTS + corpus[:40]
    expected, got = vectorizer.transform(texts), tfidf_transform(vectorizer, texts)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)  # bit for bit, not approximately
    one = tfidf_transform(vectorizer, [texts[0]])
    assert np.array_equal(one.toarray(), expected[:1].toarray())


def test_join_dense_builds_what_hstack_builds() -> None:
    import scipy.sparse as sp

    from models.classifier import join_dense

    rng = np.random.default_rng(5)
    sparse = (sp.diags([1.0, 1.0, 0.0, 1.0, 1.0]) @ sp.random(5, 40, density=0.2, random_state=6)).tocsr()
    sparse.eliminate_zeros()  # row 2 is empty
    assert sparse[2].nnz == 0
    block = rng.normal(size=(5, 7))
    block[0, :3] = 0.0  # zeros are dropped, as csr_matrix(block) drops them
    block[4] = 0.0
    expected, got = sp.hstack([sparse, sp.csr_matrix(block)]).tocsr(), join_dense(sparse, block)
    assert got.shape == expected.shape
    assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)
    with pytest.raises(InvalidInputError, match="embedding rows"):
        join_dense(sparse, block[:3])


@pytest.mark.parametrize("estimator", ["logreg", "linear_svm"])
def test_head_logits_equal_decision_function(embedder: HashingEmbedder, estimator: str) -> None:
    rows = synthetic_rows(seed=2, n_oos=0)
    texts, labels = [r.text for r in rows], [r.topic for r in rows]
    dense = embedder.encode(texts)
    head = ClassifierHead(HeadConfig(estimator=estimator, C=1.0)).fit(texts, dense, labels)  # type: ignore[arg-type]
    features = head._features(texts, dense, fit=False)
    assert np.array_equal(head.logits(texts, dense), head._estimator.decision_function(features))  # type: ignore[union-attr]
    binary = [label if label == "billing" else "other" for label in labels]  # one column of scores, stacked to two
    two = ClassifierHead(HeadConfig(estimator=estimator, C=1.0)).fit(texts, dense, binary)  # type: ignore[arg-type]
    scores = two._estimator.decision_function(two._features(texts, dense, fit=False))  # type: ignore[union-attr]
    assert np.array_equal(two.logits(texts, dense), np.stack([-scores, scores], axis=1))
    head.fit(texts[::2], dense[::2], labels[::2])  # a refit replaces the cached coefficients
    assert np.array_equal(head.logits(texts, dense),
                          head._estimator.decision_function(head._features(texts, dense, fit=False)))  # type: ignore[union-attr]


def test_knn_similarity_joined_matches_the_whole_product() -> None:
    from models.classifier import knn_partial, knn_similarity_joined
    from models.embedding.base import normalize

    rng = np.random.default_rng(8)
    bank = normalize(rng.normal(size=(300, 24)).astype(np.float32))
    features = rng.normal(size=(6, 24)).astype(np.float32)
    whole = knn_similarity(bank, normalize(features))
    first, rest = np.ascontiguousarray(bank[:, :16]), np.ascontiguousarray(bank[:, 16:])
    joined = knn_similarity_joined(first, features, knn_partial(rest, features[:, 16:]))
    assert np.allclose(joined, whole, atol=1e-6) and not np.allclose(joined, whole + 1e-3, atol=1e-6)


def test_limit_blas_threads_makes_the_knn_product_skip_its_per_call_limit() -> None:
    from models.classifier import _blas_single_threaded, _blas_threads, limit_blas_threads

    before = {lib.filepath: lib.num_threads for lib in _blas_threads().select(user_api="blas").lib_controllers}
    try:
        limit_blas_threads(1)
        assert _blas_single_threaded()
    finally:
        for lib in _blas_threads().select(user_api="blas").lib_controllers:
            lib.set_num_threads(before[lib.filepath])


def test_text_side_computed_apart_gives_the_same_routing(trained_model: RoutingModel,
                                                         embedder: HashingEmbedder) -> None:
    texts = ["invoice charged twice", "site is down 502 error", "please add dark mode", "what's the weather"]
    primary = embedder.encode(texts)
    side = trained_model.text_side(texts)
    assert side.text is not None and side.aux == ()
    inline, apart = trained_model.predict(texts, primary), trained_model.predict(texts, primary, side=side)
    assert apart == inline


def test_knn_share_of_the_auxiliary_columns_joins_to_the_whole_score(trained_model: RoutingModel) -> None:
    import dataclasses

    from models.classifier import knn_partial
    from models.embedding.base import normalize

    rng = np.random.default_rng(9)
    width = trained_model.embedder_dim
    bank = normalize(rng.normal(size=(200, width + 32)).astype(np.float32))
    model = dataclasses.replace(trained_model, knn_bank=bank,
                                abstain=dataclasses.replace(trained_model.abstain, oos_score="knn"))
    parts = model.knn_parts()
    assert parts is not None and parts[0].shape == (200, width) and parts[1].flags.c_contiguous
    dense = rng.normal(size=(3, width + 32)).astype(np.float32)
    joined = model.knn_scores(dense, knn_partial(parts[1], dense[:, width:]))
    whole = model.knn_scores(dense)
    assert joined is not None and whole is not None and np.allclose(joined, whole, atol=1e-6)
    narrow = dataclasses.replace(model, knn_bank=bank[:, :width].copy())  # no auxiliary columns: nothing to split
    assert narrow.knn_parts() is None
