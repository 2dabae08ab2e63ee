"""Abstain thresholds per ticket language, so non-English tickets are not sent to triage more often than English.

The global abstain rule is tuned on a validation split that is mostly English; the topic head's scores for the
other languages are lower (fewer training rows), so the same thresholds reject far more of their in-scope
tickets. Here each language with at least `min_rows` in-scope validation rows gets its own `AbstainRule`, tuned
on its rows alone with the same budgets as the global one (the same out-of-scope score, the same false-reject
budget and target accuracy), and never stricter than the global rule (so English, most of the validation rows,
keeps its decisions); a language with fewer rows, or a ticket whose language is unknown, keeps the global rule.
The rules are stored in the model manifest (`topic.abstain_by_language`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np
import numpy.typing as npt

from models.classifier import AbstainRule, ClassifierHead, FloatArray, HeadOutput, Reason, energy

# In-scope validation rows a language needs for its own thresholds (training borrows rows to reach it, up to half a
# language's rows). Below it the 3 % quantile of its scores and the accuracy search are mostly noise, so the language
# keeps the global rule.
MIN_LANGUAGE_ROWS = 30

# Below this many rows the empirical `max_false_reject` quantile of a language's in-scope scores is about its lowest
# score (one ticket decides it); the normal-approximation quantile (mean + z * sd) is used when it is lower.
SMALL_SAMPLE_ROWS = 100


def normal_quantile(scores: FloatArray, q: float) -> float:
    """The `q` quantile of a normal distribution with the scores' mean and standard deviation."""
    if scores.size < 2:
        return float(scores.min()) if scores.size else float("-inf")
    return float(scores.mean() + NormalDist().inv_cdf(q) * scores.std(ddof=1))


def _subset(output: HeadOutput, idx: npt.NDArray[np.int64]) -> HeadOutput:
    return HeadOutput(probabilities=output.probabilities[idx], logits=output.logits[idx])


def normalize_language(code: str | None) -> str | None:
    """`de-DE` / `DE` -> `de`; empty or `und` -> None."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return None if base in {"", "und"} else base


@dataclass(slots=True)
class LanguageAbstain:
    """Per-language abstain rules beside a model's global rule; languages without one use the global rule."""

    rules: dict[str, AbstainRule] = field(default_factory=dict)
    min_rows: int = MIN_LANGUAGE_ROWS
    rows: dict[str, int] = field(default_factory=dict)  # in-scope validation rows seen per language

    def rule_for(self, language: str | None, fallback: AbstainRule) -> AbstainRule:
        code = normalize_language(language)
        return self.rules.get(code, fallback) if code is not None else fallback

    def decide(self, output: HeadOutput, languages: Sequence[str | None], fallback: AbstainRule,
               knn: FloatArray | None = None) -> list[Reason | None]:
        """Each row decided by the rule of its language (`fallback` for unknown or uncalibrated languages)."""
        n = output.probabilities.shape[0]
        if len(languages) != n:
            raise ValueError(f"{n} rows but {len(languages)} languages")
        reasons: list[Reason | None] = [None] * n
        groups: dict[str | None, list[int]] = {}
        for i, language in enumerate(languages):
            code = normalize_language(language)
            groups.setdefault(code if code in self.rules else None, []).append(i)
        for code, members in groups.items():
            idx = np.array(members, dtype=np.int64)
            rule = fallback if code is None else self.rules[code]
            decided = rule.decide(_subset(output, idx), None if knn is None else knn[idx])
            for i, reason in zip(members, decided, strict=True):
                reasons[i] = reason
        return reasons

    def to_dict(self) -> dict[str, Any]:
        return {"min_rows": self.min_rows, "rows": dict(sorted(self.rows.items())),
                "rules": {code: rule.to_dict() for code, rule in sorted(self.rules.items())}}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> LanguageAbstain:
        return cls(rules={str(k): AbstainRule.from_dict(v) for k, v in dict(raw.get("rules", {})).items()},
                   min_rows=int(raw.get("min_rows", MIN_LANGUAGE_ROWS)),
                   rows={str(k): int(v) for k, v in dict(raw.get("rows", {})).items()})


def calibrate_by_language(
    in_scope: HeadOutput,
    correct: npt.NDArray[np.bool_],
    languages: Sequence[str | None],
    out_of_scope: HeadOutput | None,
    *,
    global_rule: AbstainRule,
    in_knn: FloatArray | None = None,
    oos_knn: FloatArray | None = None,
    min_rows: int = MIN_LANGUAGE_ROWS,
    max_false_reject: float = 0.03,
    target_accuracy: float = 0.9,
    max_confidence_reject: float = 0.2,
) -> LanguageAbstain:
    """A rule per language with `min_rows` or more in-scope validation rows, tuned on those rows alone; the
    language holding at least half of the rows keeps the global rule.

    Every language shares the global budgets and the global rule's out-of-scope score (a language cannot switch to
    the kNN score when the model keeps no kNN bank). The out-of-scope rows (any language) only choose between
    scores; the threshold itself is the quantile of the language's own in-scope scores.
    """
    n = in_scope.probabilities.shape[0]
    if len(languages) != n:
        raise ValueError(f"{n} validation rows but {len(languages)} languages")
    codes = [normalize_language(code) for code in languages]
    counts: dict[str, int] = {}
    for code in codes:
        if code is not None:
            counts[code] = counts.get(code, 0) + 1
    result = LanguageAbstain(min_rows=min_rows, rows=counts)
    use_oos = out_of_scope if global_rule.oos_score is not None else None
    use_knn = global_rule.oos_score == "knn"
    # the global rule's score, so a language's threshold is on its scale (capped by it in `_no_stricter`)
    fixed_score = global_rule.oos_score if use_oos is not None and (
        global_rule.oos_score == "energy" or (in_knn is not None and oos_knn is not None)) else None
    # The language holding most of the rows (English on most desks) keeps the global rule, which is tuned mostly on
    # it: a rule of its own would move its decisions by sampling noise alone.
    majority = max(counts, key=lambda c: counts[c]) if counts else None
    for code, count in sorted(counts.items()):
        if count < min_rows or (code == majority and count * 2 >= n):
            continue
        idx = np.array([i for i, c in enumerate(codes) if c == code], dtype=np.int64)
        rule = AbstainRule.tune(
            _subset(in_scope, idx), correct[idx], use_oos,
            in_knn=in_knn[idx] if use_knn and in_knn is not None else None,
            oos_knn=oos_knn if use_knn else None,
            max_false_reject=max_false_reject, target_accuracy=target_accuracy,
            max_confidence_reject=max_confidence_reject,
            oos_score=fixed_score)
        sub_knn = in_knn[idx] if use_knn and in_knn is not None else None
        if rule.min_in_scope is not None and count < SMALL_SAMPLE_ROWS:
            scores = energy(in_scope.logits[idx]) if rule.oos_score == "energy" else sub_knn
            if scores is not None:
                rule.min_in_scope = min(rule.min_in_scope, normal_quantile(scores, max_false_reject))
        rule = _no_stricter(rule, global_rule)
        rejected = [r is not None for r in rule.decide(_subset(in_scope, idx), sub_knn)]
        rule.tuning.update({"rows": float(count), "false_reject_rate": float(np.mean(rejected))})
        result.rules[code] = rule
    return result


def _no_stricter(rule: AbstainRule, global_rule: AbstainRule) -> AbstainRule:
    """`rule` with each threshold at most the global one: a language's rule only relaxes, so the languages that
    dominate validation (English) keep the global decisions and their false-reject rate."""
    if rule.oos_score != global_rule.oos_score:  # thresholds on two scales cannot be compared: the global one holds
        rule.oos_score, rule.min_in_scope = global_rule.oos_score, global_rule.min_in_scope
    elif rule.min_in_scope is not None and global_rule.min_in_scope is not None:
        rule.min_in_scope = min(rule.min_in_scope, global_rule.min_in_scope)
    rule.min_confidence = min(rule.min_confidence, global_rule.min_confidence)
    rule.min_margin = min(rule.min_margin, global_rule.min_margin)
    return rule


def detect_languages(texts: Sequence[str]) -> list[str | None]:
    """Language codes of texts as the service detects them (fastText lite); None where it cannot tell."""
    from models.language import LanguageDetector

    detector = LanguageDetector()
    return [normalize_language(detector.detect(text).code) for text in texts]


def widen_validation(train_idx: npt.NDArray[np.int64], val_idx: npt.NDArray[np.int64],
                     languages: Sequence[str | None], topics: Sequence[str], *, min_rows: int, seed: int,
                     max_share: float = 0.5) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(training rows for the pre-refit topic head, extra validation rows for the per-language rules).

    A language with fewer than `min_rows` validation rows borrows training rows of that language (seeded, at most
    `max_share` of its rows, never a topic's last two training rows) so it can be calibrated at all; the global rule
    is still tuned on `val_idx` alone, and the refit on train + validation puts the borrowed rows back.
    """
    codes = [normalize_language(code) for code in languages]
    in_val: dict[str, int] = {}
    for i in val_idx:
        code = codes[int(i)]
        if code is not None:
            in_val[code] = in_val.get(code, 0) + 1
    left: dict[str, int] = {}
    for i in train_idx:
        left[topics[int(i)]] = left.get(topics[int(i)], 0) + 1
    rng = np.random.default_rng(seed)
    moved: list[int] = []
    for code in sorted({c for c in codes if c is not None}):
        have = in_val.get(code, 0)
        pool = [int(i) for i in train_idx if codes[int(i)] == code]
        cap = int(max_share * (len(pool) + have)) - have
        want = min(min_rows - have, cap)
        if have >= min_rows or want <= 0:
            continue
        for i in rng.permutation(pool).tolist():
            if want <= 0:
                break
            if left[topics[i]] > 2:
                left[topics[i]] -= 1
                moved.append(i)
                want -= 1
    extra = set(moved)
    kept = np.array([i for i in train_idx if int(i) not in extra], dtype=np.int64)
    return kept, np.array(sorted(extra), dtype=np.int64)


def calibrate_with_extra(topic: ClassifierHead, val: HeadOutput, val_correct: npt.NDArray[np.bool_],
                         val_languages: Sequence[str | None], extra_texts: list[str],
                         extra_dense: npt.NDArray[np.float32], extra_topics: Sequence[str],
                         extra_languages: Sequence[str | None], out_of_scope: HeadOutput | None, *,
                         global_rule: AbstainRule, in_knn: FloatArray | None, oos_knn: FloatArray | None,
                         extra_knn: FloatArray | None, min_rows: int, max_false_reject: float, target_accuracy: float,
                         max_confidence_reject: float) -> LanguageAbstain:
    """`calibrate_by_language` over the validation rows plus the borrowed ones (scored by `topic`, which did not
    see them)."""
    out, correct, langs, knn = val, val_correct, list(val_languages), in_knn
    if extra_texts:
        extra = topic.predict(extra_texts, extra_dense)
        hits = np.array([topic.labels[j] == t for j, t in zip(extra.probabilities.argmax(axis=1), extra_topics,
                                                               strict=True)], dtype=bool)
        out = HeadOutput(probabilities=np.vstack([val.probabilities, extra.probabilities]),
                         logits=np.vstack([val.logits, extra.logits]))
        correct, langs = np.concatenate([val_correct, hits]), langs + list(extra_languages)
        if in_knn is not None and extra_knn is not None:
            knn = np.concatenate([in_knn, extra_knn])
    return calibrate_by_language(out, correct, langs, out_of_scope, global_rule=global_rule, in_knn=knn,
                                 oos_knn=oos_knn, min_rows=min_rows, max_false_reject=max_false_reject,
                                 target_accuracy=target_accuracy, max_confidence_reject=max_confidence_reject)
