"""Per-language abstain thresholds: computed per language, applied by language, stored in the model directory."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from models.classifier import AbstainRule, HeadOutput, energy
from models.embedding.hashing import HashingEmbedder
from models.errors import InvalidInputError
from models.fairness import (
    LanguageAbstain,
    calibrate_by_language,
    normal_quantile,
    normalize_language,
    widen_validation,
)
from models.routing_heads import RoutingModel
from models.training import TrainOptions, train_routing_model
from tests.conftest import synthetic_rows

N_LABELS = 4


def _outputs(energies: np.ndarray, rng: np.random.Generator) -> HeadOutput:
    """Head outputs whose energy (log-sum-exp of the logits) is about `energies`, with a clear top label."""
    logits = rng.normal(0.0, 0.1, size=(len(energies), N_LABELS))
    logits[np.arange(len(energies)), rng.integers(0, N_LABELS, len(energies))] += energies
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return HeadOutput(probabilities=probs, logits=logits)


@pytest.fixture()
def validation() -> tuple[HeadOutput, np.ndarray, list[str | None], HeadOutput]:
    """400 English rows with high in-scope scores, 10 German with lower ones, 3 French, and low-scoring oos rows."""
    rng = np.random.default_rng(0)
    energies = np.concatenate([rng.normal(10, 1, 400), rng.normal(6, 0.5, 10), rng.normal(9, 1, 3)])
    languages: list[str | None] = []
    languages += ["en"] * 400 + ["de"] * 10 + ["fr"] * 3
    in_scope = _outputs(energies, rng)
    oos = _outputs(rng.normal(2, 0.5, 50), rng)
    return in_scope, np.ones(len(energies), dtype=bool), languages, oos


def test_languages_with_enough_rows_get_their_own_rule_and_small_ones_fall_back(
        validation: tuple[HeadOutput, np.ndarray, list[str | None], HeadOutput]) -> None:
    in_scope, correct, languages, oos = validation
    global_rule = AbstainRule.tune(in_scope, correct, oos, max_false_reject=0.03)
    by_language = calibrate_by_language(in_scope, correct, languages, oos, global_rule=global_rule, min_rows=8)
    assert sorted(by_language.rules) == ["de"]  # fr has 3 rows < 8; en, the majority, keeps the global rule
    assert by_language.rows == {"de": 10, "en": 400, "fr": 3}
    assert by_language.rule_for("fr", global_rule) is global_rule
    assert by_language.rule_for(None, global_rule) is global_rule
    assert by_language.rule_for("DE-de", global_rule) is by_language.rules["de"]
    assert by_language.rule_for("en", global_rule) is global_rule
    de_rule = by_language.rules["de"]
    assert de_rule.oos_score == global_rule.oos_score == "energy"
    assert de_rule.min_in_scope is not None and global_rule.min_in_scope is not None
    assert de_rule.min_in_scope < global_rule.min_in_scope  # German scores are lower: a lower threshold
    english = np.arange(400)
    sub = HeadOutput(probabilities=in_scope.probabilities[english], logits=in_scope.logits[english])
    assert by_language.decide(sub, ["en"] * 400, global_rule) == global_rule.decide(sub)  # English unchanged


def test_german_ticket_rejected_by_global_threshold_is_accepted_by_its_language_rule(
        validation: tuple[HeadOutput, np.ndarray, list[str | None], HeadOutput]) -> None:
    in_scope, correct, languages, oos = validation
    global_rule = AbstainRule.tune(in_scope, correct, oos, max_false_reject=0.03)
    by_language = calibrate_by_language(in_scope, correct, languages, oos, global_rule=global_rule, min_rows=8)
    german = _outputs(np.array([6.0, 6.2, 5.8]), np.random.default_rng(1))
    assert global_rule.decide(german) == ["out_of_scope"] * 3
    assert by_language.decide(german, ["de", "de", "de"], global_rule) == [None, None, None]
    # French has too few rows for its own rule: the global one decides, and unknown languages likewise
    assert by_language.decide(german, ["fr", None, "und"], global_rule) == ["out_of_scope"] * 3
    # off-topic text in German is still caught
    off_topic = _outputs(np.array([2.0]), np.random.default_rng(2))
    assert by_language.decide(off_topic, ["de"], global_rule) == ["out_of_scope"]


def test_decide_refuses_misaligned_languages(
        validation: tuple[HeadOutput, np.ndarray, list[str | None], HeadOutput]) -> None:
    in_scope, correct, languages, oos = validation
    by_language = calibrate_by_language(in_scope, correct, languages, oos, global_rule=AbstainRule(), min_rows=8)
    with pytest.raises(ValueError, match="languages"):
        by_language.decide(in_scope, ["en"], AbstainRule())


def test_without_oos_score_the_language_rules_have_none_either(
        validation: tuple[HeadOutput, np.ndarray, list[str | None], HeadOutput]) -> None:
    in_scope, correct, languages, oos = validation
    by_language = calibrate_by_language(in_scope, correct, languages, oos, global_rule=AbstainRule(), min_rows=8)
    assert all(rule.oos_score is None and rule.min_in_scope is None for rule in by_language.rules.values())


def test_normalize_language() -> None:
    assert normalize_language("de-DE") == "de"
    assert normalize_language("FR") == "fr"
    assert normalize_language("und") is None
    assert normalize_language("") is None


def test_training_stores_language_rules_and_predict_applies_them(tmp_path: Path, embedder: HashingEmbedder) -> None:
    rows = synthetic_rows(30, seed=5)
    languages: list[str | None] = ["de" if i % 3 == 0 else "en" for i in range(len(rows))]
    model, metrics = train_routing_model(rows=rows, embedder=embedder, languages=languages,
                                         options=TrainOptions(val_size=0.4, seed=3, aux_embedders=(),
                                                              min_language_rows=10))
    assert model.abstain_by_language is not None
    assert set(model.abstain_by_language.rules) == {"de"}  # en holds 2/3 of the rows: the global rule
    assert metrics["validation"]["abstain_by_language"]["rows"]["de"] >= 10
    loaded = RoutingModel.load(model.save(tmp_path / "m"), embedder=embedder)
    assert loaded.abstain_by_language is not None
    assert loaded.abstain_by_language.to_dict() == model.abstain_by_language.to_dict()

    # a rule that rejects everything globally, and one for German that accepts: the ticket's language decides
    strict = copy.deepcopy(loaded)
    strict.abstain = AbstainRule(min_confidence=1.01)
    strict.abstain_by_language = LanguageAbstain(rules={"de": AbstainRule()}, min_rows=10)
    text = ["Ich habe die invoice zweimal bezahlt, credit card"]
    vector = embedder.encode(text)
    assert strict.predict(text, vector)[0].abstain_reason == "low_confidence"
    assert strict.predict(text, vector, languages=["de"])[0].abstain_reason is None
    assert strict.predict(text, vector, languages=["it"])[0].abstain_reason == "low_confidence"


def test_training_with_too_few_rows_per_language_keeps_only_the_global_rule(embedder: HashingEmbedder) -> None:
    rows = synthetic_rows(20, seed=6)
    model, _ = train_routing_model(rows=rows, embedder=embedder, languages=["es"] * len(rows),
                                   options=TrainOptions(val_size=0.2, seed=3, aux_embedders=(),
                                                        min_language_rows=1000))
    assert model.abstain_by_language is not None and model.abstain_by_language.rules == {}
    assert model.abstain_by_language.rows["es"] > 0


def test_widen_validation_borrows_training_rows_of_short_languages_only() -> None:
    languages: list[str | None] = []
    languages += ["en"] * 100 + ["de"] * 30
    topics = [("a", "b", "c")[i % 3] for i in range(130)]
    val_idx = np.array([*range(40), 100, 101], dtype=np.int64)  # 40 English, 2 German validation rows
    train_idx = np.array([i for i in range(130) if i not in set(val_idx.tolist())], dtype=np.int64)
    kept, extra = widen_validation(train_idx, val_idx, languages, topics, min_rows=10, seed=0)
    assert len(extra) == 8 and all(languages[i] == "de" for i in extra)  # 2 + 8 = 10 German rows
    assert sorted(kept.tolist() + extra.tolist()) == train_idx.tolist()
    # at most half of a language's rows are borrowed
    _, capped = widen_validation(train_idx, val_idx, languages, topics, min_rows=25, seed=0)
    assert len(capped) == 13


def test_small_languages_use_the_normal_quantile_when_it_is_lower() -> None:
    scores = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    assert normal_quantile(scores, 0.5) == pytest.approx(3.0)
    assert normal_quantile(scores, 0.03) == pytest.approx(3.0 - 1.8808 * scores.std(ddof=1), abs=1e-3)
    assert normal_quantile(np.array([2.0]), 0.03) == 2.0
    # 30 German rows: the empirical 3 % quantile is about the lowest row; the rule uses the lower normal estimate
    rng = np.random.default_rng(3)
    in_scope = _outputs(np.concatenate([rng.normal(10, 1, 400), rng.normal(6, 0.5, 30)]), rng)
    languages: list[str | None] = []
    languages += ["en"] * 400 + ["de"] * 30
    oos = _outputs(rng.normal(2, 0.5, 50), rng)
    correct = np.ones(430, dtype=bool)
    global_rule = AbstainRule.tune(in_scope, correct, oos, max_false_reject=0.03)
    rule = calibrate_by_language(in_scope, correct, languages, oos, global_rule=global_rule, min_rows=20).rules["de"]
    german = energy(in_scope.logits[400:])
    assert rule.min_in_scope == pytest.approx(min(float(np.quantile(german, 0.03)), normal_quantile(german, 0.03)))


def test_a_language_rule_keeps_the_global_score_so_its_threshold_is_on_the_same_scale() -> None:
    # No language holds half of the rows, so each gets a rule of its own. On these rows the energy score separates
    # the out-of-scope rows better, but the global rule uses the kNN score: a language rule tuned on energy and then
    # capped at the global kNN threshold (0.43) would never reject anything (energies are about 10).
    rng = np.random.default_rng(3)
    languages: list[str | None] = [*(["en"] * 40), *(["de"] * 40), *(["fr"] * 40)]
    in_scope = _outputs(rng.normal(10, 0.5, 120), rng)
    oos = _outputs(rng.normal(2, 0.5, 30), rng)
    in_knn, oos_knn = rng.normal(0.6, 0.05, 120), rng.normal(0.55, 0.05, 30)
    global_rule = AbstainRule(oos_score="knn", min_in_scope=0.43)
    by_language = calibrate_by_language(in_scope, np.ones(120, dtype=bool), languages, oos, global_rule=global_rule,
                                        in_knn=in_knn, oos_knn=oos_knn, min_rows=30, max_false_reject=0.03)
    assert sorted(by_language.rules) == ["de", "en", "fr"]
    for rule in by_language.rules.values():
        assert rule.oos_score == "knn" and rule.min_in_scope is not None and rule.min_in_scope <= 0.43
    off_topic = _outputs(np.array([10.0]), np.random.default_rng(4))  # confident head, far from every ticket
    assert by_language.decide(off_topic, ["en"], global_rule, np.array([0.2])) == ["out_of_scope"]


def test_tune_with_a_fixed_score_uses_it_and_needs_its_inputs(
        validation: tuple[HeadOutput, np.ndarray, list[str | None], HeadOutput]) -> None:
    in_scope, correct, _, oos = validation
    knn_in, knn_oos = np.full(413, 0.7), np.full(50, 0.69)  # kNN barely separates: energy would win if free
    assert AbstainRule.tune(in_scope, correct, oos, in_knn=knn_in, oos_knn=knn_oos).oos_score == "energy"
    fixed = AbstainRule.tune(in_scope, correct, oos, in_knn=knn_in, oos_knn=knn_oos, oos_score="knn")
    assert fixed.oos_score == "knn" and fixed.min_in_scope == pytest.approx(0.7)
    with pytest.raises(InvalidInputError, match="knn"):
        AbstainRule.tune(in_scope, correct, oos, oos_score="knn")
