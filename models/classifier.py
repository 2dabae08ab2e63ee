"""Topic and urgency heads over sentence embeddings, temperature-calibrated, with an abstain rule.

A head is a linear model (logistic regression or linear SVM) over the ticket's dense embedding(s),
optionally joined with TF-IDF word and character n-grams of the same text. Scores are turned into
calibrated probabilities by temperature scaling fitted on held-out validation rows.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import weakref
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from scipy.special import erf, log_softmax, logsumexp, softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l1, inplace_csr_row_normalize_l2

from models.errors import InvalidInputError

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
Features = Any  # numpy array or scipy sparse matrix


@dataclass(frozen=True, slots=True)
class HeadConfig:
    """How a head is built. The defaults are what measured best on Banking77 (see README, Results)."""

    estimator: Literal["logreg", "linear_svm", "mlp"] = "logreg"
    C: float = 10.0
    tfidf: bool = True  # ignored by the mlp head, which sees the dense embeddings only
    dense_weight: float = 1.0  # scale of the dense block next to the unit-norm TF-IDF block
    max_iter: int = 3000
    seed: int = 13
    # mlp head: one hidden GELU layer, dropout, AdamW with a one-cycle schedule, label smoothing
    hidden: int = 1024
    epochs: int = 60
    learning_rate: float = 2e-3
    label_smoothing: float = 0.1

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> HeadConfig:
        return cls(**{k: v for k, v in raw.items() if k in cls.__dataclass_fields__})


def _tfidf() -> FeatureUnion:
    return FeatureUnion([
        ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, lowercase=True)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
    ])


def same_fitted_vectorizer(a: FeatureUnion | None, b: FeatureUnion | None) -> bool:
    """Whether two fitted TF-IDF unions transform every text identically (same settings, vocabulary and idf)."""
    if a is None or b is None:
        return False
    if a is b:
        return True
    if type(a) is not type(b) or a.transformer_weights != b.transformer_weights:
        return False
    if [name for name, _ in a.transformer_list] != [name for name, _ in b.transformer_list]:
        return False
    for (_, left), (_, right) in zip(a.transformer_list, b.transformer_list, strict=True):
        if type(left) is not type(right) or left.get_params(deep=False) != right.get_params(deep=False):
            return False
        try:
            if left.vocabulary_ != right.vocabulary_ or not np.array_equal(left.idf_, right.idf_):
                return False
        except AttributeError:  # not fitted, or not a TF-IDF vectorizer
            return False
    return True


_ANALYZERS: weakref.WeakKeyDictionary[TfidfVectorizer, Callable[[str], list[str]]] = weakref.WeakKeyDictionary()


def _analyzer(vectorizer: TfidfVectorizer) -> Callable[[str], list[str]]:
    """`vectorizer.build_analyzer()`, built once per fitted vectorizer object."""
    analyze = _ANALYZERS.get(vectorizer)
    if analyze is None:
        analyze = _ANALYZERS[vectorizer] = vectorizer.build_analyzer()
    return analyze


def _normalize_rows(matrix: sp.csr_matrix, norm: str | None) -> None:
    if norm == "l2":
        inplace_csr_row_normalize_l2(matrix)
    elif norm == "l1":
        inplace_csr_row_normalize_l1(matrix)
    elif norm is not None:
        raise ValueError(f"unsupported norm {norm!r}")


def tfidf_transform(vectorizer: TfidfVectorizer, texts: list[str]) -> sp.csr_matrix:
    """`vectorizer.transform(texts)` of a fitted TF-IDF vectorizer, bit for bit, without scikit-learn's per-call
    checks (about 0.3 ms of a 0.4 ms call for one ticket): the same analyzer, counts, sublinear tf, idf and norm,
    in the same order (`CountVectorizer._count_vocab` and `TfidfTransformer.transform` of scikit-learn 1.x).
    tests/models/test_classifier.py compares both on the demo tickets."""
    analyze = _analyzer(vectorizer)
    vocabulary: dict[str, int] = vectorizer.vocabulary_
    indices: list[int] = []
    counts: list[int] = []
    indptr = [0]
    for text in texts:
        counter: dict[int, int] = {}
        for feature in analyze(text):
            column = vocabulary.get(feature)
            if column is not None:
                counter[column] = counter.get(column, 0) + 1
        indices.extend(counter)
        counts.extend(counter.values())
        indptr.append(len(indices))
    matrix = sp.csr_matrix((np.asarray(counts, dtype=vectorizer.dtype), np.asarray(indices, dtype=np.int32),
                            np.asarray(indptr, dtype=np.int32)), shape=(len(texts), len(vocabulary)))
    matrix.sort_indices()
    if vectorizer.binary:
        matrix.data.fill(1)
    if vectorizer.sublinear_tf:
        np.log(matrix.data, matrix.data)
        matrix.data += 1.0
    if vectorizer.use_idf:
        matrix.data *= vectorizer.idf_[matrix.indices]
    _normalize_rows(matrix, vectorizer.norm)
    return matrix


def union_transform(union: FeatureUnion, texts: list[str]) -> sp.csr_matrix:
    """`union.transform(texts)` without FeatureUnion's joblib dispatch and input checks (~1 ms per request).

    Same blocks, weights and hstack as FeatureUnion; unions of anything but TF-IDF vectorizers go through it.
    """
    parts = union.transformer_list
    if not parts or not all(isinstance(t, TfidfVectorizer) for _, t in parts):
        return sp.csr_matrix(union.transform(texts))
    weights = union.transformer_weights or {}
    blocks = []
    for name, vectorizer in parts:
        block = tfidf_transform(vectorizer, texts)
        weight = weights.get(name)
        blocks.append(block if weight is None else block * weight)
    return sp.hstack(blocks).tocsr()


def join_dense(sparse: sp.csr_matrix, block: FloatArray) -> sp.csr_matrix:
    """`sp.hstack([sparse, sp.csr_matrix(block)]).tocsr()`, the same matrix (entries, order, zeros dropped) built
    directly: scipy's generic stacking took about 0.4 ms per head for one ticket."""
    rows, columns = sparse.shape
    if block.shape[0] != rows:
        raise InvalidInputError(f"{rows} TF-IDF rows but {block.shape[0]} embedding rows")
    dense_rows, dense_columns = np.nonzero(block)
    sparse_counts = np.diff(sparse.indptr)
    dense_counts = np.bincount(dense_rows, minlength=rows)
    indptr = np.zeros(rows + 1, dtype=np.int64)
    np.cumsum(sparse_counts + dense_counts, out=indptr[1:])
    index_dtype = np.int32 if max(int(indptr[-1]), columns + block.shape[1]) < np.iinfo(np.int32).max else np.int64
    data = np.empty(int(indptr[-1]), dtype=np.float64)
    indices = np.empty(int(indptr[-1]), dtype=index_dtype)
    sparse_rows = np.repeat(np.arange(rows), sparse_counts)
    at = indptr[sparse_rows] + (np.arange(sparse.nnz) - sparse.indptr[sparse_rows])
    data[at], indices[at] = sparse.data, sparse.indices
    dense_start = np.concatenate(([0], np.cumsum(dense_counts)[:-1]))
    at = indptr[dense_rows] + sparse_counts[dense_rows] + (np.arange(dense_rows.size) - dense_start[dense_rows])
    data[at], indices[at] = block[dense_rows, dense_columns], columns + dense_columns
    return sp.csr_matrix((data, indices, indptr.astype(index_dtype)), shape=(rows, columns + block.shape[1]))


@dataclass(frozen=True, slots=True)
class TextFeatures:
    """The L2-normalized TF-IDF block of some texts, as one fitted vectorizer computed it.

    Heads whose vectorizer is this very object reuse the block instead of transforming the texts again.
    """

    vectorizer: FeatureUnion
    matrix: sp.csr_matrix


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


class MlpClassifier:
    """A small torch MLP trained on dense features; inference is plain numpy (no torch at serving time)."""

    def __init__(self, config: HeadConfig) -> None:
        self.config = config
        self.weights: list[FloatArray] = []

    def fit(self, X: npt.NDArray[np.float64], y: npt.NDArray[np.int64], n_classes: int) -> MlpClassifier:
        import torch
        from tqdm.auto import tqdm

        cfg = self.config
        torch.manual_seed(cfg.seed)
        features = torch.tensor(X, dtype=torch.float32)
        targets = torch.tensor(y, dtype=torch.long)
        net = torch.nn.Sequential(
            torch.nn.Dropout(0.1), torch.nn.Linear(features.shape[1], cfg.hidden), torch.nn.GELU(),
            torch.nn.Dropout(0.3), torch.nn.Linear(cfg.hidden, n_classes),
        )
        batch = 64
        steps = cfg.epochs * ((len(y) + batch - 1) // batch)
        optimizer = torch.optim.AdamW(net.parameters(), lr=cfg.learning_rate, weight_decay=1e-2)
        schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, cfg.learning_rate, total_steps=steps)
        loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=cfg.label_smoothing)
        generator = torch.Generator().manual_seed(cfg.seed)
        for _ in tqdm(range(cfg.epochs), desc="mlp epochs", leave=False, disable=None):
            net.train()
            order = torch.randperm(len(y), generator=generator)
            for start in range(0, len(y), batch):
                idx = order[start:start + batch]
                optimizer.zero_grad()
                loss_fn(net(features[idx]), targets[idx]).backward()
                optimizer.step()
                schedule.step()
        net.eval()
        first, second = net[1], net[4]
        assert isinstance(first, torch.nn.Linear) and isinstance(second, torch.nn.Linear)
        self.weights = [t.detach().numpy().astype(np.float64).copy()
                        for t in (first.weight, first.bias, second.weight, second.bias)]
        return self

    def decision_function(self, X: Features) -> FloatArray:
        w1, b1, w2, b2 = self.weights
        hidden = np.asarray(X, dtype=np.float64) @ w1.T + b1
        hidden = 0.5 * hidden * (1.0 + erf(hidden / np.sqrt(2.0)))  # exact GELU, as torch's default
        return np.asarray(hidden @ w2.T + b2, dtype=np.float64)


class ClassifierHead:
    """One label set (topic or urgency): features -> linear model -> temperature-scaled softmax."""

    def __init__(self, config: HeadConfig | None = None) -> None:
        self.config = config or HeadConfig()
        self.labels: list[str] = []
        self.temperature = 1.0
        self._vectorizer: FeatureUnion | None = None
        self._estimator: LogisticRegression | LinearSVC | MlpClassifier | None = None
        self._coef_t: tuple[object, FloatArray] | None = None  # (estimator, its coef_.T in C order)

    # -- features -------------------------------------------------------------------------------
    @property
    def uses_tfidf(self) -> bool:
        return self.config.tfidf and self.config.estimator != "mlp"

    def text_features(self, texts: list[str]) -> TextFeatures | None:
        """This head's TF-IDF block of `texts` (None when it has none), to share with heads of the same vectorizer."""
        if not self.uses_tfidf or self._vectorizer is None:
            return None
        matrix = union_transform(self._vectorizer, texts)
        inplace_csr_row_normalize_l2(matrix)  # as `normalize`, in place: the matrix is this call's own
        return TextFeatures(self._vectorizer, matrix)

    @property
    def vectorizer(self) -> FeatureUnion | None:
        """The fitted TF-IDF transform (word and character n-grams): None before `fit` and for the mlp head; one
        object for both heads after `share_vectorizer`."""
        return self._vectorizer

    def share_vectorizer(self, other: ClassifierHead) -> bool:
        """Make `other` use this head's vectorizer when both transform identically; True when they now share."""
        if not (self.uses_tfidf and other.uses_tfidf):
            return False
        if not same_fitted_vectorizer(self._vectorizer, other._vectorizer):
            return False
        other._vectorizer = self._vectorizer
        return True

    def _features(self, texts: list[str], dense: npt.NDArray[np.float32], *, fit: bool,
                  shared: TextFeatures | None = None) -> Features:
        if len(texts) != dense.shape[0]:
            raise InvalidInputError(f"{len(texts)} texts but {dense.shape[0]} embedding rows")
        block = dense.astype(np.float64) * self.config.dense_weight
        if not self.uses_tfidf:
            return block
        if fit:
            self._vectorizer = _tfidf()
            sparse = normalize(self._vectorizer.fit_transform(texts))
        elif shared is not None and shared.vectorizer is self._vectorizer:
            if shared.matrix.shape[0] != len(texts):
                raise InvalidInputError(f"{len(texts)} texts but {shared.matrix.shape[0]} TF-IDF rows")
            sparse = shared.matrix
        else:
            assert self._vectorizer is not None
            sparse = normalize(union_transform(self._vectorizer, texts))
        return join_dense(sparse, block)

    # -- training -------------------------------------------------------------------------------
    def fit(self, texts: list[str], dense: npt.NDArray[np.float32], labels: list[str],
            sample_weight: npt.NDArray[np.float64] | None = None) -> ClassifierHead:
        """Fit on (text, dense row, label); `sample_weight` (linear estimators only) weighs each row's loss."""
        classes = sorted(set(labels))
        if len(classes) < 2:
            raise InvalidInputError(f"need at least two classes to train, got {classes}")
        self.labels = classes
        index = {label: i for i, label in enumerate(classes)}
        y = np.array([index[label] for label in labels])
        X = self._features(texts, dense, fit=True)
        cfg = self.config
        if sample_weight is not None and len(sample_weight) != len(labels):
            raise InvalidInputError(f"{len(sample_weight)} sample weights for {len(labels)} rows")
        if cfg.estimator == "mlp":
            if sample_weight is not None:
                raise InvalidInputError("the mlp head does not take sample weights")
            self._estimator = MlpClassifier(cfg).fit(np.asarray(X), y, len(classes))
        else:
            linear: LogisticRegression | LinearSVC
            if cfg.estimator == "logreg":
                linear = LogisticRegression(C=cfg.C, max_iter=cfg.max_iter, random_state=cfg.seed)
            else:
                linear = LinearSVC(C=cfg.C, max_iter=cfg.max_iter, random_state=cfg.seed)
            self._estimator = linear.fit(X, y, sample_weight=sample_weight)
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
    def logits(self, texts: list[str], dense: npt.NDArray[np.float32], *,
               text_features: TextFeatures | None = None) -> FloatArray:
        """Raw scores; `text_features` from a head with the same vectorizer object skips the TF-IDF transform."""
        if self._estimator is None:
            raise InvalidInputError("head is not trained")
        features = self._features(texts, dense, fit=False, shared=text_features)
        estimator = self._estimator
        if sp.issparse(features) and isinstance(estimator, LogisticRegression | LinearSVC):
            # `decision_function` without its checks, bit for bit: scipy multiplies a CSR matrix by a C-ordered
            # copy of `coef_.T`, which scikit-learn would make on every call (8 MB for the demo topic head).
            if self._coef_t is None or self._coef_t[0] is not estimator:
                self._coef_t = (estimator, np.ascontiguousarray(estimator.coef_.T))
            scores: FloatArray = np.asarray(features @ self._coef_t[1]) + estimator.intercept_
            if scores.shape[1] == 1:
                scores = scores.reshape(-1)
        else:
            scores = np.asarray(estimator.decision_function(features))
        if scores.ndim == 1:  # binary problems return one column
            scores = np.stack([-scores, scores], axis=1)
        return scores.astype(np.float64)

    def predict(self, texts: list[str], dense: npt.NDArray[np.float32], *,
                text_features: TextFeatures | None = None) -> HeadOutput:
        logits = self.logits(texts, dense, text_features=text_features)
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


@functools.cache
def _blas_threads() -> Any:
    """threadpoolctl's view of the loaded BLAS libraries (scanning them costs ~0.1 ms, so it is done once)."""
    from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

    return ThreadpoolController()


# Up to this many query rows the kNN product runs on one BLAS thread: a request-sized product is ~0.1 ms of work,
# and waking a second BLAS thread on a busy 2-core machine made it wait for a time slice (5-15 ms measured).
KNN_SINGLE_THREAD_ROWS = 64


def limit_blas_threads(threads: int) -> None:
    """Cap the BLAS libraries' threads for the rest of this process (the service: one thread per batch, as for
    ONNX Runtime and FAISS). Then `knn_similarity` need not lower and restore the count around each product,
    which cost about 0.15 ms per request."""
    _blas_threads().limit(limits=threads, user_api="blas")


def _blas_single_threaded() -> bool:
    return all(lib.num_threads <= 1 for lib in _blas_threads().select(user_api="blas").lib_controllers)


def _knn_blas_threads(rows: int) -> contextlib.AbstractContextManager[Any]:
    """One BLAS thread for a product of up to KNN_SINGLE_THREAD_ROWS query rows (nothing to do once
    `limit_blas_threads(1)` ran)."""
    if rows <= KNN_SINGLE_THREAD_ROWS and not _blas_single_threaded():
        return _blas_threads().limit(limits=1, user_api="blas")  # type: ignore[no-any-return]
    return contextlib.nullcontext()


def knn_similarity(bank: npt.NDArray[np.float32], queries: npt.NDArray[np.float32], *, k: int = 10) -> FloatArray:
    """In-scope score (higher = more in scope): mean cosine of each query's k nearest training rows."""
    if bank.shape[0] == 0:
        return np.zeros(queries.shape[0])
    k = min(k, bank.shape[0])
    queries = np.asarray(queries, dtype=bank.dtype)  # float32 x float32 product; a float64 query would upcast the bank
    out = np.empty(queries.shape[0])
    with _knn_blas_threads(queries.shape[0]):
        for start in range(0, queries.shape[0], 512):
            sims = queries[start:start + 512] @ bank.T
            out[start:start + 512] = np.partition(sims, -k, axis=1)[:, -k:].mean(axis=1)
    return out


def knn_partial(bank: npt.NDArray[np.float32], queries: npt.NDArray[np.float32]) -> FloatArray:
    """Un-normalized products of `queries` with `bank`, when both are some of the columns of the features
    `knn_similarity` multiplies: one share of it, computed apart (see `knn_similarity_joined`)."""
    queries = np.asarray(queries, dtype=bank.dtype)
    with _knn_blas_threads(queries.shape[0]):
        return np.asarray(queries @ bank.T)


def knn_similarity_joined(bank_first: npt.NDArray[np.float32], features: npt.NDArray[np.float32],
                          partial: FloatArray, *, k: int = 10) -> FloatArray:
    """`knn_similarity(bank, normalize(features))`, where `bank_first` is the bank's first columns (as many as
    `features` has before the share already computed) and `partial = knn_partial(bank's other columns, features'
    other columns)`: the first share is taken here and both are divided by the rows' norms. Equal up to float
    rounding (each product is summed in two parts)."""
    if bank_first.shape[0] == 0:
        return np.zeros(features.shape[0])
    k = min(k, bank_first.shape[0])
    features = np.asarray(features, dtype=bank_first.dtype)
    norms = np.linalg.norm(features, axis=1)
    norms[norms == 0] = 1.0
    sims = (knn_partial(bank_first, features[:, :bank_first.shape[1]]) + partial) / norms[:, None]
    return np.asarray(np.partition(sims, -k, axis=1)[:, -k:].mean(axis=1), dtype=np.float64)


OOS_SCORES = ("energy", "knn")


@dataclass(slots=True)
class AbstainRule:
    """When to hand a ticket to a human instead of routing it automatically.

    - out_of_scope: the in-scope score (`oos_score`: energy = log-sum-exp of the logits, or knn = mean cosine
      to the 10 nearest training rows) is below `min_in_scope`, tuned so that at most `max_false_reject` of
      in-scope validation rows are rejected; set only when the training data has out-of-scope rows, with
      whichever score caught more of them.
    - low_confidence / small_margin: the calibrated top probability or the gap to the runner-up is below
      its threshold (tuned so that the accepted validation rows reach `target_accuracy`).
    """

    min_confidence: float = 0.0
    min_margin: float = 0.0
    oos_score: str | None = None
    min_in_scope: float | None = None
    tuning: dict[str, float] = field(default_factory=dict)

    def decide(self, output: HeadOutput, knn: FloatArray | None = None) -> list[Reason | None]:
        probs = output.probabilities
        top = probs.max(axis=1)
        gap = margins(probs)
        scores: FloatArray | None = None
        if self.oos_score == "energy":
            scores = energy(output.logits)
        elif self.oos_score == "knn":
            if knn is None:
                raise InvalidInputError("this abstain rule needs nearest-neighbour similarities")
            scores = knn
        reasons: list[Reason | None] = []
        for i in range(probs.shape[0]):
            if scores is not None and self.min_in_scope is not None and scores[i] < self.min_in_scope:
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
        in_knn: FloatArray | None = None,
        oos_knn: FloatArray | None = None,
        max_false_reject: float = 0.04,
        target_accuracy: float = 0.9,
        max_confidence_reject: float = 0.2,
        oos_score: str | None = None,
    ) -> AbstainRule:
        """Thresholds from validation outputs (in-scope rows with `correct` flags, and oos rows if any).

        The out-of-scope score is the one of "energy" and "knn" (when kNN scores are given) that catches more oos
        rows at the false-reject budget; `oos_score` fixes it instead (a language's rule uses the global rule's, so
        that their thresholds are on one scale)."""
        n = in_scope.probabilities.shape[0]
        if n == 0:
            return cls()
        rule = cls()
        accepted = np.ones(n, dtype=bool)
        if out_of_scope is not None and out_of_scope.probabilities.shape[0] > 0:
            candidates = {"energy": (energy(in_scope.logits), energy(out_of_scope.logits))}
            if in_knn is not None and oos_knn is not None:
                candidates["knn"] = (in_knn, oos_knn)
            if oos_score is not None:
                if oos_score not in candidates:
                    raise InvalidInputError(f"out-of-scope score {oos_score!r} needs its scores (kNN: in_knn, oos_knn)")
                candidates = {oos_score: candidates[oos_score]}
            best_recall = -1.0
            for name, (inside, outside) in candidates.items():
                threshold = float(np.quantile(inside, max_false_reject))
                recall = float((outside < threshold).mean())
                rule.tuning[f"oos_recall_{name}"] = recall
                if recall > best_recall:
                    best_recall, rule.oos_score, rule.min_in_scope = recall, name, threshold
                    accepted = inside >= threshold
            rule.tuning["oos_recall"] = best_recall
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
        kept = accepted & (top >= best[0]) & (gap >= best[1])
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
        oos_score = raw.get("oos_score")
        if oos_score is not None and oos_score not in OOS_SCORES:
            raise InvalidInputError(f"unknown out-of-scope score {oos_score!r}")
        return cls(min_confidence=float(raw.get("min_confidence", 0.0)),
                   min_margin=float(raw.get("min_margin", 0.0)), oos_score=oos_score,
                   min_in_scope=None if raw.get("min_in_scope") is None else float(raw["min_in_scope"]),
                   tuning=dict(raw.get("tuning", {})))
