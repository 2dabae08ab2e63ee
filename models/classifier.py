"""Topic and urgency heads over sentence embeddings, temperature-calibrated, with an abstain rule.

A head is a linear model (logistic regression or linear SVM) over the ticket's dense embedding(s),
optionally joined with TF-IDF word and character n-grams of the same text. Scores are turned into
calibrated probabilities by temperature scaling fitted on held-out validation rows.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, logsumexp, softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from models.errors import InvalidInputError

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
Features = Any  # numpy array or scipy sparse matrix


@dataclass(frozen=True, slots=True)
class HeadConfig:
    """How a head is built. The defaults are what measured best on Banking77 (see README, Results)."""

    estimator: Literal["logreg", "linear_svm"] = "logreg"
    C: float = 10.0
    tfidf: bool = True
    dense_weight: float = 1.0  # scale of the dense block next to the unit-norm TF-IDF block
    max_iter: int = 3000
    seed: int = 13

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> HeadConfig:
        return cls(**{k: v for k, v in raw.items() if k in cls.__dataclass_fields__})


def _tfidf() -> FeatureUnion:
    return FeatureUnion([
        ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, lowercase=True)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
    ])


@dataclass(slots=True)
class LabelScore:
    label: str
    probability: float


@dataclass(slots=True)
class HeadOutput:
    """Per-row outputs of a head, aligned with its `labels`."""

    probabilities: FloatArray  # (n, n_labels), calibrated
    logits: FloatArray  # (n, n_labels), raw decision scores

    def top(self, row: int, k: int, labels: list[str]) -> list[LabelScore]:
        order = np.argsort(-self.probabilities[row])[:k]
        return [LabelScore(labels[i], float(self.probabilities[row, i])) for i in order]


class ClassifierHead:
    """One label set (topic or urgency): features -> linear model -> temperature-scaled softmax."""

    def __init__(self, config: HeadConfig | None = None) -> None:
        self.config = config or HeadConfig()
        self.labels: list[str] = []
        self.temperature = 1.0
        self._vectorizer: FeatureUnion | None = None
        self._estimator: LogisticRegression | LinearSVC | None = None

    # -- features -------------------------------------------------------------------------------
    def _features(self, texts: list[str], dense: npt.NDArray[np.float32], *, fit: bool) -> Features:
        if len(texts) != dense.shape[0]:
            raise InvalidInputError(f"{len(texts)} texts but {dense.shape[0]} embedding rows")
        block = dense.astype(np.float64) * self.config.dense_weight
        if not self.config.tfidf:
            return block
        if fit:
            self._vectorizer = _tfidf()
            sparse = self._vectorizer.fit_transform(texts)
        else:
            assert self._vectorizer is not None
            sparse = self._vectorizer.transform(texts)
        return sp.hstack([normalize(sparse), sp.csr_matrix(block)]).tocsr()

    # -- training -------------------------------------------------------------------------------
    def fit(self, texts: list[str], dense: npt.NDArray[np.float32], labels: list[str]) -> ClassifierHead:
        classes = sorted(set(labels))
        if len(classes) < 2:
            raise InvalidInputError(f"need at least two classes to train, got {classes}")
        self.labels = classes
        index = {label: i for i, label in enumerate(classes)}
        y = np.array([index[label] for label in labels])
        X = self._features(texts, dense, fit=True)
        cfg = self.config
        if cfg.estimator == "logreg":
            self._estimator = LogisticRegression(C=cfg.C, max_iter=cfg.max_iter, random_state=cfg.seed)
        else:
            self._estimator = LinearSVC(C=cfg.C, max_iter=cfg.max_iter, random_state=cfg.seed)
        self._estimator.fit(X, y)
        self.temperature = 1.0
        return self

    def calibrate(self, texts: list[str], dense: npt.NDArray[np.float32], labels: list[str]) -> float:
        """Fit the softmax temperature on held-out rows by minimizing negative log-likelihood."""
        known = [i for i, label in enumerate(labels) if label in self.labels]
        if not known:
            return self.temperature
        index = {label: i for i, label in enumerate(self.labels)}
        y = np.array([index[labels[i]] for i in known])
        logits = self.logits([texts[i] for i in known], dense[known])

        def nll(log_t: float) -> float:
            return float(-log_softmax(logits / np.exp(log_t), axis=1)[np.arange(len(y)), y].mean())

        result = minimize_scalar(nll, bounds=(-5.0, 5.0), method="bounded")
        self.temperature = float(np.exp(result.x))
        return self.temperature

    # -- inference ------------------------------------------------------------------------------
    def logits(self, texts: list[str], dense: npt.NDArray[np.float32]) -> FloatArray:
        if self._estimator is None:
            raise InvalidInputError("head is not trained")
        scores = np.asarray(self._estimator.decision_function(self._features(texts, dense, fit=False)))
        if scores.ndim == 1:  # binary problems return one column
            scores = np.stack([-scores, scores], axis=1)
        return scores.astype(np.float64)

    def predict(self, texts: list[str], dense: npt.NDArray[np.float32]) -> HeadOutput:
        logits = self.logits(texts, dense)
        return HeadOutput(probabilities=softmax(logits / self.temperature, axis=1), logits=logits)

    def state(self) -> dict[str, Any]:
        """Everything needed to rebuild the head (saved with joblib by the model directory)."""
        return {"config": asdict(self.config), "labels": self.labels, "temperature": self.temperature,
                "vectorizer": self._vectorizer, "estimator": self._estimator}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ClassifierHead:
        head = cls(HeadConfig.from_dict(state["config"]))
        head.labels = list(state["labels"])
        head.temperature = float(state["temperature"])
        head._vectorizer = state["vectorizer"]
        head._estimator = state["estimator"]
        return head


# -- abstain rule ----------------------------------------------------------------------------------
Reason = Literal["out_of_scope", "low_confidence", "small_margin"]


def energy(logits: FloatArray) -> FloatArray:
    """Free-energy style in-scope score (higher = more in scope): log-sum-exp of the raw logits."""
    return np.asarray(logsumexp(logits, axis=1), dtype=np.float64)


def margins(probabilities: FloatArray) -> FloatArray:
    if probabilities.shape[1] < 2:
        return np.ones(probabilities.shape[0])
    top2 = np.sort(probabilities, axis=1)[:, -2:]
    return np.asarray(top2[:, 1] - top2[:, 0], dtype=np.float64)


@dataclass(slots=True)
class AbstainRule:
    """When to hand a ticket to a human instead of routing it automatically.

    - out_of_scope: the energy score is below `min_energy` (tuned so that at most `max_false_reject` of
      in-scope validation rows are rejected); only set when the training data has out-of-scope rows.
    - low_confidence / small_margin: the calibrated top probability or the gap to the runner-up is below
      its threshold (tuned so that the accepted validation rows reach `target_accuracy`).
    """

    min_confidence: float = 0.0
    min_margin: float = 0.0
    min_energy: float | None = None
    tuning: dict[str, float] = field(default_factory=dict)

    def decide(self, output: HeadOutput) -> list[Reason | None]:
        probs = output.probabilities
        top = probs.max(axis=1)
        gap = margins(probs)
        scores = energy(output.logits) if self.min_energy is not None else None
        reasons: list[Reason | None] = []
        for i in range(probs.shape[0]):
            if scores is not None and self.min_energy is not None and scores[i] < self.min_energy:
                reasons.append("out_of_scope")
            elif top[i] < self.min_confidence:
                reasons.append("low_confidence")
            elif gap[i] < self.min_margin:
                reasons.append("small_margin")
            else:
                reasons.append(None)
        return reasons

    @classmethod
    def tune(
        cls,
        in_scope: HeadOutput,
        correct: npt.NDArray[np.bool_],
        out_of_scope: HeadOutput | None,
        *,
        max_false_reject: float = 0.04,
        target_accuracy: float = 0.9,
        max_confidence_reject: float = 0.2,
    ) -> AbstainRule:
        """Thresholds from validation outputs (in-scope rows with `correct` flags, and oos rows if any)."""
        n = in_scope.probabilities.shape[0]
        if n == 0:
            return cls()
        rule = cls()
        accepted = np.ones(n, dtype=bool)
        if out_of_scope is not None and out_of_scope.probabilities.shape[0] > 0:
            in_energy = energy(in_scope.logits)
            rule.min_energy = float(np.quantile(in_energy, max_false_reject))
            accepted = in_energy >= rule.min_energy
            rule.tuning["oos_recall"] = float((energy(out_of_scope.logits) < rule.min_energy).mean())
        top = in_scope.probabilities.max(axis=1)
        gap = margins(in_scope.probabilities)
        best = (0.0, 0.0)
        best_coverage = -1.0
        base = accepted.copy()
        if base.any() and correct[base].mean() < target_accuracy:
            for qc in np.linspace(0.0, max_confidence_reject, 21):
                t_conf = float(np.quantile(top[base], qc)) if qc > 0 else 0.0
                for qm in np.linspace(0.0, max_confidence_reject, 21):
                    t_margin = float(np.quantile(gap[base], qm)) if qm > 0 else 0.0
                    keep = base & (top >= t_conf) & (gap >= t_margin)
                    if keep.sum() == 0 or 1.0 - keep.sum() / base.sum() > max_confidence_reject:
                        continue
                    coverage = keep.mean()
                    if correct[keep].mean() >= target_accuracy and coverage > best_coverage:
                        best, best_coverage = (t_conf, t_margin), coverage
            if best_coverage < 0:  # target unreachable within the reject budget: use the whole budget
                best = (float(np.quantile(top[base], max_confidence_reject)), 0.0)
        rule.min_confidence, rule.min_margin = best
        reasons = rule.decide(in_scope)
        kept = np.array([r is None for r in reasons])
        rule.tuning.update({
            "false_reject_rate": float(1.0 - kept.mean()),
            "accepted_accuracy": float(correct[kept].mean()) if kept.any() else 0.0,
            "max_false_reject": max_false_reject,
            "target_accuracy": target_accuracy,
        })
        return rule

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> AbstainRule:
        return cls(min_confidence=float(raw.get("min_confidence", 0.0)),
                   min_margin=float(raw.get("min_margin", 0.0)),
                   min_energy=None if raw.get("min_energy") is None else float(raw["min_energy"]),
                   tuning=dict(raw.get("tuning", {})))
