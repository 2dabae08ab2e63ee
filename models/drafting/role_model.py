"""A learned second opinion on sentence roles, for wording the rules have never seen.

The rules (`models.drafting.roles`) are exact on the wording they were tuned on and miss case facts stated without
a cue word ("Your projects and docs are still there", "Aucune utilisation anormale"). This model reads the same
sentence with a logistic regression over hashed word 1-2-grams and character 2-5-grams joined with a multilingual
sentence embedding (USE by default), trained on our labelled resolution sentences (bench/data/roles: the dev part
and the written replies of test5 to test9).
It only ever *adds* caution: a sentence the rules call `guidance` becomes `case_fact` (or `action`) when the model's
probability for that role reaches its threshold; a rule's `action` or `case_fact` is never lowered.

Thresholds are chosen at training time on out-of-fold predictions, folds grouped by wording (a sentence and every
sentence with the same wording once its names, numbers and addresses are masked are held out together, so the
folds see new wording): for each role, the threshold (or none) with the fewest misread sentences on the rows whose
wording the rules were not written on (`LabelledSentence.unseen`: the written replies; all rows when there are none,
where the rules, tuned on them, are hard to beat and an upgrade stays off unless it helps).

Layout of a role-model directory::

    manifest.json   format, version, classes, thresholds, embedder id/dim, hashing sizes, training data and metrics,
                    SHA-256 of the weights
    weights.npz     the non-zero hashed-feature coefficients, the embedding coefficients and the intercepts

API::

    model = train_role_model(rows, embedder)          # rows: LabelledSentence
    model.save(directory);  RoleModel.load(directory, embedder)
    model.role(sentence, language) -> (role, by_model)
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from models.atomic import replace_dir
from models.drafting.composer import split_sentences
from models.drafting.roles import ROLES, SentenceRole, sentence_role
from models.embedding.base import Embedder, normalize
from models.errors import ArtifactError, ArtifactMismatchError, InvalidInputError

ROLE_MODEL_FORMAT = "deskmate-sentence-role-model"
ROLE_MODEL_FORMAT_VERSION = 1
N_FEATURES = 2**18  # per hashed analyzer (words, characters)
THRESHOLD_GRID = tuple(round(0.3 + 0.05 * i, 2) for i in range(14))  # 0.30 .. 0.95
UPGRADES: tuple[SentenceRole, ...] = ("action", "case_fact")  # the roles a rule's "guidance" may be raised to
FloatArray = npt.NDArray[np.float64]

_MASKED = re.compile(r"https?://\S+|[\w.+-]*@[\w.-]+|\{\{[^}]*\}\}")


def wording(sentence: str) -> str:
    """The wording of a sentence without its slots: addresses, URLs, numbers and capitalised words (names, companies,
    products) masked, a lead-in ("Regarding your other question:") and a greeting with a name removed. Demo
    resolutions are templates: two sentences with the same wording differ only in their slots."""
    text = re.sub(r"\d[\d.,:\s]*", "0 ", _MASKED.sub("U", sentence))
    text = re.sub(r"\b[A-ZÀ-ÖØ-Þ][\w'’-]*", "X", text)
    text = re.sub(r"^(?:[^:]{0,60}:\s+)+", "", text)
    text = re.sub(r"^¡?X(?: X)?[,!:]\s*", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


@dataclass(frozen=True)
class LabelledSentence:
    text: str
    language: str | None
    label: SentenceRole
    unseen: bool = False  # wording the rules were not written on (the written test parts): thresholds are chosen there


def read_labelled_sentences(paths: Sequence[Path], *, splits: Sequence[str] = ("dev",),
                            bitext_csv: Path | None = None) -> tuple[list[LabelledSentence], dict[str, int]]:
    """Labelled sentences of `splits` from role-set files (bench/data/roles format: one JSON record per line with
    `text` or, for Bitext, a reference `row` + `sentence` + `sha256` into `bitext_csv`). References are resolved
    when the CSV is given (a changed CSV or sentence splitter is an error), else skipped and counted."""
    responses: list[str] | None = None
    if bitext_csv is not None:
        if not bitext_csv.is_file():
            raise InvalidInputError(f"Bitext CSV {bitext_csv} does not exist")
        with bitext_csv.open(encoding="utf-8", newline="") as f:
            responses = [row["response"] for row in csv.DictReader(f)]
    rows: list[LabelledSentence] = []
    counts = {"read": 0, "skipped_references": 0}
    for path in paths:
        if not path.is_file():
            raise InvalidInputError(f"labelled role set {path} does not exist")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise InvalidInputError(f"{path}:{number}: not a JSON record ({exc})") from exc
            if not isinstance(record, dict) or record.get("split") not in splits:
                continue
            counts["read"] += 1
            if record.get("label") not in ROLES:
                raise InvalidInputError(f"{path}:{number}: label {record.get('label')!r} is not one of {ROLES}")
            text = record.get("text")
            if text is None:
                if responses is None:
                    counts["skipped_references"] += 1
                    continue
                try:
                    text = split_sentences(responses[int(record["row"])])[int(record["sentence"])]
                except (KeyError, IndexError, TypeError, ValueError) as exc:
                    raise InvalidInputError(f"{path}:{number}: a Bitext reference the CSV does not have") from exc
                if hashlib.sha256(text.encode()).hexdigest()[:16] != record["sha256"]:
                    raise InvalidInputError(f"{path}:{number}: the Bitext CSV or the sentence splitter changed")
            rows.append(LabelledSentence(text=str(text), language=record.get("language"), label=record["label"],
                                         unseen=record.get("source") == "written"))
    return rows, counts


class RoleFeatures:
    """Hashed word and character n-grams (stateless) joined with the embedder's normalised sentence vectors."""

    def __init__(self, embedder: Embedder, n_features: int = N_FEATURES) -> None:
        self.embedder = embedder
        self.n_features = n_features
        self.words = HashingVectorizer(n_features=n_features, ngram_range=(1, 2), alternate_sign=False, norm="l2")
        self.chars = HashingVectorizer(n_features=n_features, analyzer="char_wb", ngram_range=(2, 5),
                                       alternate_sign=False, norm="l2")

    def hashed(self, texts: Sequence[str]) -> csr_matrix:
        return hstack([self.words.transform(texts), self.chars.transform(texts)]).tocsr()

    def __call__(self, texts: Sequence[str]) -> csr_matrix:
        dense = normalize(self.embedder.encode(list(texts))).astype(np.float64)
        return hstack([self.hashed(texts), csr_matrix(dense)]).tocsr()


def _key(sentence: str) -> bytes:
    return hashlib.blake2b(sentence.encode("utf-8"), digest_size=16).digest()


def combine(rules: Sequence[SentenceRole], probabilities: FloatArray, classes: Sequence[str],
            thresholds: dict[str, float]) -> list[tuple[SentenceRole, bool]]:
    """The rules' roles, a `guidance` raised to the upgrade role whose probability reaches its threshold (action
    before case fact, as in the rules); (role, raised by the model)."""
    out: list[tuple[SentenceRole, bool]] = []
    for rule, p in zip(rules, probabilities, strict=True):
        role: tuple[SentenceRole, bool] = (rule, False)
        if rule == "guidance":
            for upgrade in UPGRADES:
                if upgrade in thresholds and p[classes.index(upgrade)] >= thresholds[upgrade]:
                    role = (upgrade, True)
                    break
        out.append(role)
    return out


def _precision_recall(predicted: Sequence[str], gold: Sequence[str], role: str) -> tuple[float, float]:
    tp = sum(p == role and g == role for p, g in zip(predicted, gold, strict=True))
    n_pred = sum(p == role for p in predicted)
    n_gold = sum(g == role for g in gold)
    return (tp / n_pred if n_pred else 1.0), (tp / n_gold if n_gold else 1.0)


class RoleModel:
    """Rules first, the learned model for a second opinion on the rules' `guidance` (see the module docstring).
    Probabilities are cached per sentence text (sources recur), `prime` fills the cache in one batch."""

    def __init__(self, *, features: RoleFeatures, classes: Sequence[str], hashed_index: npt.NDArray[np.int64],
                 hashed_coef: FloatArray, dense_coef: FloatArray, intercept: FloatArray, thresholds: dict[str, float],
                 manifest: dict[str, Any], cache_size: int = 50_000) -> None:
        self.features = features
        self.classes = list(classes)
        self.hashed_index = hashed_index
        self.hashed_coef = hashed_coef
        self.dense_coef = dense_coef
        self.intercept = intercept
        self.thresholds = dict(thresholds)
        self.manifest = manifest
        self.cache_size = cache_size
        self._cache: OrderedDict[bytes, FloatArray] = OrderedDict()  # digest of the sentence -> probabilities
        self._lock = threading.Lock()

    # -- scoring ---------------------------------------------------------------------------------------------------
    def _compute(self, texts: Sequence[str]) -> FloatArray:
        hashed = self.features.hashed(texts)[:, self.hashed_index]
        dense = normalize(self.features.embedder.encode(list(texts))).astype(np.float64)
        logits = hashed @ self.hashed_coef.T + dense @ self.dense_coef.T + self.intercept
        logits = np.asarray(logits) - np.asarray(logits).max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))

    def probabilities(self, sentences: Sequence[str]) -> FloatArray:
        """Class probabilities (columns in `classes` order), one row per sentence; the ones not cached are scored
        in one batch and cached (least recently used out first). The cache is keyed by a digest of the sentence,
        so no source text stays in it once its case is erased."""
        keys = [_key(s) for s in sentences]
        with self._lock:
            found = {k: self._cache[k] for k in keys if k in self._cache}
            for k in found:
                self._cache.move_to_end(k)
        todo = list(dict.fromkeys((k, s) for k, s in zip(keys, sentences, strict=True) if k not in found))
        if todo:
            found.update(zip((k for k, _ in todo), self._compute([s for _, s in todo]), strict=True))
            with self._lock:
                for k, _ in todo:
                    self._cache[k] = found[k]
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return np.stack([found[k] for k in keys]) if sentences else np.zeros((0, len(self.classes)))

    def prime(self, sentences: Sequence[str]) -> None:
        """Scores and caches the sentences not cached yet, in one batch."""
        self.probabilities(sentences)

    def roles(self, sentences: Sequence[str], language: str | None) -> list[tuple[SentenceRole, bool]]:
        """(role, given by the model) per sentence: the rules' role, a `guidance` raised where the model is sure."""
        rules = [sentence_role(s, language) for s in sentences]
        probabilities = np.zeros((len(sentences), len(self.classes)))
        asked = [i for i, role in enumerate(rules) if role == "guidance"]
        if asked:
            probabilities[asked] = self.probabilities([sentences[i] for i in asked])
        return combine(rules, probabilities, self.classes, self.thresholds)

    def role(self, sentence: str, language: str | None) -> tuple[SentenceRole, bool]:
        """The sentence's role and whether the model (not the rules) gave it."""
        return self.roles([sentence], language)[0]

    # -- artifact --------------------------------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        """Writes the directory atomically (a reader sees the old or the new model, never half of one)."""
        directory.parent.mkdir(parents=True, exist_ok=True)
        staged = Path(tempfile.mkdtemp(prefix=f".{directory.name}.new-", dir=directory.parent))
        try:
            np.savez_compressed(staged / "weights.npz", hashed_index=self.hashed_index, hashed_coef=self.hashed_coef,
                                dense_coef=self.dense_coef, intercept=self.intercept)
            digest = hashlib.sha256((staged / "weights.npz").read_bytes()).hexdigest()
            self.manifest = {**self.manifest, "weights_sha256": digest}
            (staged / "manifest.json").write_text(json.dumps(self.manifest, indent=2, ensure_ascii=False) + "\n",
                                                  encoding="utf-8")
            replace_dir(staged, directory)
        finally:
            shutil.rmtree(staged, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path, embedder: Embedder, *, cache_size: int = 50_000) -> RoleModel:
        """Loads and checks a role-model directory: format, weights digest, and that `embedder` is the one it was
        trained with (`ArtifactMismatchError` otherwise)."""
        manifest_path = directory / "manifest.json"
        if not manifest_path.is_file():
            raise ArtifactError(f"{directory} is not a role model: manifest.json is missing")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("format") != ROLE_MODEL_FORMAT or manifest.get("format_version") != ROLE_MODEL_FORMAT_VERSION:
            raise ArtifactError(f"{directory}: not a {ROLE_MODEL_FORMAT} v{ROLE_MODEL_FORMAT_VERSION} directory")
        weights = directory / "weights.npz"
        if not weights.is_file() or hashlib.sha256(weights.read_bytes()).hexdigest() != manifest.get("weights_sha256"):
            raise ArtifactError(f"{directory}: weights.npz is missing or does not match the manifest")
        expected = manifest["embedder"]
        if embedder.model_id != expected["id"] or embedder.dim != expected["dim"]:
            raise ArtifactMismatchError(f"{directory} was trained with embedder {expected['id']} ({expected['dim']} "
                                        f"dims), not {embedder.model_id} ({embedder.dim} dims)")
        with np.load(weights) as data:
            arrays = {k: data[k] for k in ("hashed_index", "hashed_coef", "dense_coef", "intercept")}
        return cls(features=RoleFeatures(embedder, int(manifest["hashing"]["n_features"])),
                   classes=manifest["classes"], thresholds=manifest["thresholds"], manifest=manifest,
                   cache_size=cache_size, **arrays)


def _fit(x: csr_matrix, y: Sequence[str], *, C: float, seed: int) -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=seed).fit(x, list(y))


def train_role_model(rows: Sequence[LabelledSentence], embedder: Embedder, *, seed: int = 13, folds: int = 5,
                     C: float = 10.0, n_features: int = N_FEATURES,
                     source: dict[str, Any] | None = None) -> RoleModel:
    """Fits the model on `rows` and picks each upgrade's threshold on out-of-fold predictions (folds grouped by
    `wording`): of `THRESHOLD_GRID` and "off", the one with the fewest misread sentences (final role != label) on
    the `unseen` rows (all rows when none is), action first, then case fact with the action threshold fixed; a tie
    keeps the higher threshold (fewer upgrades)."""
    labels = [r.label for r in rows]
    if len(rows) < 50 or len(set(labels)) < 3:
        raise InvalidInputError(f"a role model needs at least 50 labelled sentences of all three roles, got "
                                f"{len(rows)} ({sorted(set(labels))})")
    started = time.perf_counter()
    features = RoleFeatures(embedder, n_features)
    texts = [r.text for r in rows]
    x = features(texts)
    groups = [wording(t) for t in texts]
    folds = min(folds, len(set(groups)))
    oof = np.zeros((len(rows), len(ROLES)))
    classes: list[str] = sorted(ROLES)
    for train, held in GroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(x, labels, groups):
        fold = _fit(x[train], [labels[i] for i in train], C=C, seed=seed)
        oof[np.ix_(held, [classes.index(c) for c in fold.classes_])] = fold.predict_proba(x[held])
    rules = [sentence_role(r.text, r.language) for r in rows]
    tune = [i for i, r in enumerate(rows) if r.unseen] or list(range(len(rows)))

    def misread(thresholds: dict[str, float]) -> int:
        combined = combine(rules, oof, classes, thresholds)
        return sum(combined[i][0] != labels[i] for i in tune)

    thresholds: dict[str, float] = {}
    choice: dict[str, Any] = {"criterion": "fewest misread sentences out of fold on the tuning rows",
                              "tuning_rows": len(tune), "tuning_rows_unseen": any(r.unseen for r in rows),
                              "misread_rules_alone": misread({})}
    for upgrade in UPGRADES:
        best: tuple[int, float | None] = (misread(thresholds), None)
        errors = {"off": best[0]}
        for t in sorted(THRESHOLD_GRID, reverse=True):  # a tie keeps the higher threshold
            errors[str(t)] = n = misread({**thresholds, upgrade: t})
            if n < best[0]:
                best = (n, t)
        if best[1] is not None:
            thresholds[upgrade] = best[1]
        choice[upgrade] = {"threshold": best[1], "misread": errors}
    final = _fit(x, labels, C=C, seed=seed)
    classes = [str(c) for c in final.classes_]
    coef = np.asarray(final.coef_, dtype=np.float64)
    hashed_coef, dense_coef = coef[:, :2 * n_features], coef[:, 2 * n_features:]
    hashed_index = np.flatnonzero(np.abs(hashed_coef).sum(axis=0) > 0).astype(np.int64)
    combined = [role for role, _ in combine(rules, oof, classes, thresholds)]
    out_of_fold: dict[str, Any] = {}
    for part, index in (("all", list(range(len(rows)))), ("tuning", tune)):
        gold = [labels[i] for i in index]
        for role in UPGRADES:
            rule_p, rule_r = _precision_recall([rules[i] for i in index], gold, role)
            both_p, both_r = _precision_recall([combined[i] for i in index], gold, role)
            out_of_fold.setdefault(part, {})[role] = {
                "rules": {"precision": round(rule_p, 4), "recall": round(rule_r, 4)},
                "rules_and_model": {"precision": round(both_p, 4), "recall": round(both_r, 4)}}
    manifest = {
        "format": ROLE_MODEL_FORMAT, "format_version": ROLE_MODEL_FORMAT_VERSION,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "classes": classes, "thresholds": thresholds,
        "embedder": {"id": embedder.model_id, "dim": embedder.dim},
        "hashing": {"n_features": n_features, "words": [1, 2], "chars": [2, 5]},
        "training": {"rows": len(rows), "labels": {r: labels.count(r) for r in ROLES},
                     "languages": {lang: sum(r.language == lang for r in rows)
                                   for lang in sorted({str(r.language) for r in rows})},
                     "seed": seed, "folds": folds, "groups": "wording", "C": C,
                     "unseen_rows": sum(r.unseen for r in rows),
                     "source": source or {}, "seconds": round(time.perf_counter() - started, 1)},
        "threshold_choice": choice,
        "out_of_fold": out_of_fold,
        "note": "the rules were tuned on the dev sentences, so their numbers on all rows are optimistic; the "
                "tuning rows (written replies) are wording the rules were not written on; the model's numbers are "
                "out of fold, folds grouped by wording",
    }
    return RoleModel(features=features, classes=classes, hashed_index=hashed_index,
                     hashed_coef=hashed_coef[:, hashed_index], dense_coef=dense_coef,
                     intercept=np.asarray(final.intercept_, dtype=np.float64), thresholds=thresholds,
                     manifest=manifest)
