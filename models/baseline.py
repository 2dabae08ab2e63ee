"""The classic baseline Deskmate is measured against: TF-IDF word and character n-grams + a linear SVM.

Used by `bench/quality.py` and the evaluation report. It abstains like Deskmate does: rows whose highest
decision score is below a threshold are handed to a human; the threshold rejects `max_false_reject` of the
in-scope rows of a validation split. Its retrieval counterpart is TF-IDF cosine nearest neighbours.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from models.data import stratified_split
from models.errors import InvalidInputError

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)


def tfidf_features() -> FeatureUnion:
    """Word 1-2 grams and character 2-5 grams (within word boundaries), sublinear TF, L2-normalized blocks."""
    return FeatureUnion([
        ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
    ])


@dataclass(frozen=True, slots=True)
class BaselineOptions:
    """`C=None` tunes C over `c_grid` by validation accuracy; a number fixes it."""

    C: float | None = None
    c_grid: tuple[float, ...] = C_GRID
    val_size: float = 0.1
    seed: int = 13
    max_false_reject: float = 0.03
    refit: bool = True  # refit on train + validation with the chosen C (the threshold is kept), as Deskmate does


@dataclass(slots=True)
class TfidfSvm:
    """TF-IDF + LinearSVC over in-scope labels, with an optional abstain threshold on the max decision score."""

    C: float = 1.0
    seed: int = 13
    labels: list[str] = field(default_factory=list)
    min_score: float | None = None
    _vectorizer: FeatureUnion | None = None
    _svm: LinearSVC | None = None

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> TfidfSvm:
        if len(set(labels)) < 2:
            raise InvalidInputError("the baseline needs at least two labels")
        self._vectorizer = tfidf_features()
        features = normalize(self._vectorizer.fit_transform(list(texts)))
        self._svm = LinearSVC(C=self.C, max_iter=5000, random_state=self.seed).fit(features, list(labels))
        self.labels = [str(c) for c in self._svm.classes_]
        return self

    def decision(self, texts: Sequence[str]) -> FloatArray:
        """Decision scores, one column per label in `labels` order."""
        if self._vectorizer is None or self._svm is None:
            raise InvalidInputError("the baseline is not trained")
        scores = np.asarray(self._svm.decision_function(normalize(self._vectorizer.transform(list(texts)))),
                            dtype=np.float64)
        return np.stack([-scores, scores], axis=1) if scores.ndim == 1 else scores

    def predict(self, texts: Sequence[str]) -> tuple[list[str], FloatArray]:
        """Predicted labels and each row's max decision score."""
        scores = self.decision(texts)
        return [self.labels[i] for i in scores.argmax(axis=1)], scores.max(axis=1)

    def abstains(self, max_scores: FloatArray) -> npt.NDArray[np.bool_]:
        if self.min_score is None:
            return np.zeros(max_scores.shape[0], dtype=bool)
        return np.asarray(max_scores < self.min_score)


def fit_baseline(
    texts: Sequence[str], labels: Sequence[str], *, options: BaselineOptions = BaselineOptions(),
    abstain: bool = False,
) -> tuple[TfidfSvm, dict[str, Any]]:
    """Fit on in-scope rows: tune C (unless fixed) and, with `abstain`, the score threshold on a seeded
    stratified validation split; then refit on everything. Returns the model and what was tuned."""
    texts, labels = list(texts), [str(label) for label in labels]
    train, val = stratified_split(labels, test_size=options.val_size, seed=options.seed + 1)
    t_texts, t_labels = [texts[i] for i in train], [labels[i] for i in train]
    v_texts, v_labels = [texts[i] for i in val], [labels[i] for i in val]
    grid = (options.C,) if options.C is not None else options.c_grid
    sweep: dict[str, float] = {}
    best: tuple[float, TfidfSvm] | None = None
    for c in grid:
        candidate = TfidfSvm(C=c, seed=options.seed).fit(t_texts, t_labels)
        pred, _ = candidate.predict(v_texts)
        accuracy = float(np.mean([p == t for p, t in zip(pred, v_labels, strict=True)])) if v_labels else 0.0
        sweep[f"{c:g}"] = accuracy
        if best is None or accuracy > best[0]:
            best = (accuracy, candidate)
    assert best is not None
    model = best[1]
    info: dict[str, Any] = {"C": model.C, "c_tuned": options.C is None, "validation_accuracy": best[0],
                            "c_sweep": sweep, "n_train": len(train), "n_validation": len(val)}
    if abstain and len(val):
        _, v_scores = model.predict(v_texts)
        threshold = float(np.quantile(v_scores, options.max_false_reject))
        info.update({"min_score": threshold, "max_false_reject": options.max_false_reject})
    else:
        threshold = None
    if options.refit:
        model = TfidfSvm(C=model.C, seed=options.seed).fit(texts, labels)
    model.min_score = threshold
    logger.info("baseline fitted", extra={"C": model.C, "validation_accuracy": best[0]})
    return model, info


def tfidf_neighbour_hits(
    index_texts: Sequence[str], index_labels: Sequence[str], query_texts: Sequence[str],
    query_labels: Sequence[str], *, ks: Sequence[int] = (1, 5, 10),
) -> dict[str, float]:
    """hit@k and MRR of TF-IDF cosine nearest neighbours (a hit = a retrieved row with the query's label)."""
    if not index_texts or not query_texts:
        raise InvalidInputError("retrieval baseline needs indexed rows and queries")
    vectorizer = tfidf_features()
    bank = normalize(vectorizer.fit_transform(list(index_texts)))
    queries = normalize(vectorizer.transform(list(query_texts)))
    labels = np.asarray([str(label) for label in index_labels])
    depth = min(max(ks), len(index_texts))
    first: list[int | None] = []
    for start in range(0, len(query_texts), 256):
        sims = (queries[start:start + 256] @ bank.T).toarray()
        top = np.argpartition(-sims, depth - 1, axis=1)[:, :depth]
        order = np.take_along_axis(top, np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1), axis=1)
        for row, ranked in enumerate(order):
            same = np.flatnonzero(labels[ranked] == str(query_labels[start + row]))
            first.append(int(same[0]) + 1 if same.size else None)
    n = len(first)
    out = {f"hit@{k}": sum(1 for r in first if r is not None and r <= k) / n for k in ks}
    out["mrr"] = sum(1.0 / r for r in first if r is not None) / n  # over the top max(ks)
    return out
