"""Cold start: a routing model from a desk's topic list (name, one-line description, a few examples per topic).

The result is an ordinary routing model directory (`models.routing_heads.RoutingModel`, same manifest), so the
service, the registry and `deskmate retrain` accept it; its manifest's `cold_start` block says how it was built.

- No examples at all: zero-shot. Each topic's prototype is the mean embedding of its description written into
  `TEMPLATES`; the head scores a ticket by scaled cosine to every prototype (`PrototypeClassifier`).
- Examples for some or all topics: a logistic-regression head over the frozen embeddings (and TF-IDF n-grams)
  fitted on the examples plus each topic's templated description as one more row. Temperature and the abstain
  rule come from out-of-fold predictions (the rows are too few to set a validation part aside).
- Unlabelled tickets of the desk, when given, join the few-shot head's training rows by self-training: the head
  labels them, the ones it is surest of per topic are added with a smaller weight, and the head is refitted
  (`self_train`, a few rounds, each adding more).
- With no out-of-scope examples (the usual case) the out-of-scope threshold is tuned against the built-in
  off-topic background set (`models.background`); the zero-shot model rejects scores below the background's
  `zero_shot_background_reject` quantile, since it has no in-scope rows to measure.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax

from models.background import BACKGROUND_NOTE, background_split
from models.classifier import AbstainRule, ClassifierHead, HeadConfig, HeadOutput, energy, knn_similarity
from models.embedding.base import Embedder, normalize
from models.errors import InvalidInputError
from models.metrics import classification_metrics
from models.routing_heads import RoutingModel
from models.training import TrainOptions

logger = logging.getLogger(__name__)

TEMPLATES = ("{description}", "A customer asks about {description}.")
"""How a description becomes prototype text: the mean of these embeddings is the topic's zero-shot prototype."""

TOPIC_KEYS = frozenset({"name", "description", "examples", "queue", "urgency"})
_NAME = re.compile(r"^[\w][\w .:/&+-]*$", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    description: str
    examples: tuple[str, ...] = ()
    queue: str | None = None  # hint for the routing policy, kept in the manifest
    urgency: str | None = None  # hint for the routing policy, kept in the manifest


@dataclass(frozen=True, slots=True)
class TopicList:
    topics: tuple[Topic, ...]
    source: str
    sha256: str

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.topics]

    @property
    def n_examples(self) -> int:
        return sum(len(t.examples) for t in self.topics)


def _text(value: Any, where: str, errors: list[str], *, required: bool) -> str | None:
    if value is None:
        if required:
            errors.append(f"{where} is missing")
        return None
    if not isinstance(value, str) or not value.strip():
        errors.append(f"{where} must be a non-empty string, got {value!r}")
        return None
    return value.strip()


def parse_topics(raw: Any, *, source: str, oos_label: str = "oos") -> TopicList:
    """Validate a parsed topics document; every problem is listed in one `InvalidInputError`."""
    if not isinstance(raw, dict) or not isinstance(raw.get("topics"), list):
        raise InvalidInputError(f"{source}: expected a mapping with a `topics:` list (see docs/cold-start.md)")
    unknown_top = sorted(set(raw) - {"topics"})
    errors = [f"unknown top-level key(s) {unknown_top} (allowed: topics)"] if unknown_top else []
    topics: list[Topic] = []
    seen: set[str] = set()
    for number, item in enumerate(raw["topics"], start=1):
        where = f"topic {number}"
        if not isinstance(item, dict):
            errors.append(f"{where}: expected a mapping with name, description and examples, got {item!r}")
            continue
        name = _text(item.get("name"), f"{where}: name", errors, required=True)
        if name is not None:
            where = f"topic {number} ({name!r})"
            if not _NAME.match(name):
                errors.append(f"{where}: name may hold letters, digits, spaces and . : / & + - only")
            if name == oos_label:
                errors.append(f"{where}: {oos_label!r} is the out-of-scope label, not a topic")
            if name in seen:
                errors.append(f"{where}: duplicate topic name")
            seen.add(name)
        unknown = sorted(set(item) - TOPIC_KEYS)
        if unknown:
            errors.append(f"{where}: unknown key(s) {unknown} (allowed: {', '.join(sorted(TOPIC_KEYS))})")
        description = _text(item.get("description"), f"{where}: description", errors, required=True)
        raw_examples = item.get("examples") or []
        examples: list[str] = []
        if not isinstance(raw_examples, list):
            errors.append(f"{where}: examples must be a list of strings")
        else:
            for j, example in enumerate(raw_examples, start=1):
                text = _text(example, f"{where}: example {j}", errors, required=True)
                if text is not None:
                    examples.append(text)
        queue = _text(item.get("queue"), f"{where}: queue", errors, required=False)
        urgency = _text(item.get("urgency"), f"{where}: urgency", errors, required=False)
        if name is not None and description is not None:
            topics.append(Topic(name=name, description=description, examples=tuple(examples), queue=queue,
                                urgency=urgency))
    if not errors and len(topics) < 2:
        errors.append(f"need at least two topics, got {len(topics)}")
    if errors:
        raise InvalidInputError(f"{source}: invalid topic list:\n  - " + "\n  - ".join(errors))
    digest = hashlib.sha256(repr([(t.name, t.description, t.examples) for t in topics]).encode()).hexdigest()
    return TopicList(topics=tuple(topics), source=source, sha256=digest)


def load_topics(path: Path, *, oos_label: str = "oos") -> TopicList:
    """Read and validate a topics YAML file (format: docs/cold-start.md)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInputError(f"cannot read topic list {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise InvalidInputError(f"{path}: not valid YAML: {exc}") from exc
    topics = parse_topics(raw, source=str(path), oos_label=oos_label)
    return replace(topics, sha256=hashlib.sha256(path.read_bytes()).hexdigest())


def description_from_name(name: str) -> str:
    """The rule the benchmark uses to write descriptions from intent names: `card_arrival` -> `card arrival`."""
    return re.sub(r"\s+", " ", re.sub(r"[_\-]+", " ", name)).strip().lower()


class PrototypeClassifier:
    """Scaled cosine similarity to one prototype per class; the `estimator` of a zero-shot `ClassifierHead`."""

    def __init__(self, prototypes: npt.NDArray[np.float32], scale: float) -> None:
        self.prototypes = normalize(prototypes)
        self.scale = float(scale)

    def decision_function(self, X: Any) -> npt.NDArray[np.float64]:
        unit = normalize(np.asarray(X, dtype=np.float32))
        return np.asarray(unit @ self.prototypes.T, dtype=np.float64) * self.scale


@dataclass(frozen=True, slots=True)
class ColdStartOptions:
    oos_label: str = "oos"
    seed: int = 13
    head: HeadConfig = HeadConfig(C=10.0, tfidf=True)
    templates: tuple[str, ...] = TEMPLATES
    # Softmax scale of the zero-shot cosine scores (cosines differ by a few hundredths between topics).
    scale: float = 20.0
    folds: int = 3  # out-of-fold predictions for temperature and the abstain rule (at most)
    max_false_reject: float = 0.03
    target_accuracy: float = 0.9
    max_confidence_reject: float = 0.2
    background: bool = True
    # Zero-shot: share of the background set's tuning part the out-of-scope threshold rejects by construction.
    zero_shot_background_reject: float = 0.5
    batch_size: int = 64
    # Self-training on unlabelled tickets (few-shot only): round r adds the per_topic * r tickets the head is
    # surest of per predicted topic, each weighted `self_training_weight` against a labelled row. Chosen on a
    # validation part of Banking77's pool (docs/cold-start.md), never on a test part.
    self_training_rounds: int = 3
    self_training_per_topic: int = 64
    self_training_weight: float = 0.3


@dataclass(frozen=True, slots=True)
class PseudoRows:
    """Unlabelled tickets with the topic self-training gave them, and the weight of each in the head's loss."""

    texts: list[str]
    dense: npt.NDArray[np.float32]
    labels: list[str]
    weight: float

    @property
    def weights(self) -> npt.NDArray[np.float64]:
        return np.full(len(self.texts), self.weight)


@dataclass(slots=True)
class ColdStartResult:
    model: RoutingModel
    metrics: dict[str, Any]
    manifest: dict[str, Any] = field(default_factory=dict)


def prototype_texts(topic: Topic, templates: tuple[str, ...]) -> list[str]:
    return [t.format(description=topic.description) for t in templates]


def prototypes(topics: TopicList, embedder: Embedder, *, templates: tuple[str, ...] = TEMPLATES,
               batch_size: int = 64) -> npt.NDArray[np.float32]:
    """(topics, dim) zero-shot prototypes: the mean unit embedding of each description's templated texts."""
    texts = [text for t in topics.topics for text in prototype_texts(t, templates)]
    vectors = embedder.encode(texts, batch_size=batch_size).reshape(len(topics.topics), len(templates), -1)
    return normalize(vectors.mean(axis=1))


def zero_shot_head(protos: npt.NDArray[np.float32], labels: list[str], *, scale: float) -> ClassifierHead:
    """A topic head that scores by cosine to `protos` (rows aligned with `labels`, sorted or not)."""
    order = np.argsort(labels)
    config = HeadConfig(tfidf=False)  # the recorded recipe `deskmate retrain` refits: logreg on the embeddings
    return ClassifierHead.from_state({
        "config": {k: getattr(config, k) for k in config.__dataclass_fields__},
        "labels": [labels[i] for i in order], "temperature": 1.0, "vectorizer": None,
        "estimator": PrototypeClassifier(protos[order], scale)})


def fold_ids(labels: list[str], *, folds: int, seed: int) -> npt.NDArray[np.int64]:
    """Fold of each row (-1: never held out, its class has one row); every fold keeps a row of every class."""
    rng = np.random.default_rng(seed)
    out = np.full(len(labels), -1, dtype=np.int64)
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    for label in sorted(by_label):
        idx = by_label[label]
        if len(idx) < 2:
            continue
        for j, row in enumerate(rng.permutation(idx)):
            out[row] = j % folds
    return out


def fit_temperature(logits: npt.NDArray[np.float64], y: npt.NDArray[np.int64]) -> float:
    def nll(log_t: float) -> float:
        return float(-log_softmax(logits / np.exp(log_t), axis=1)[np.arange(len(y)), y].mean())

    return float(np.exp(minimize_scalar(nll, bounds=(-5.0, 5.0), method="bounded").x))


def leave_one_out_knn(bank: npt.NDArray[np.float32], *, k: int = 10) -> npt.NDArray[np.float64]:
    """`knn_similarity` of each bank row to the other rows (its own similarity of 1 left out)."""
    sims = bank @ bank.T
    np.fill_diagonal(sims, -np.inf)
    k = max(1, min(k, bank.shape[0] - 1))
    return np.asarray(np.partition(sims, -k, axis=1)[:, -k:].mean(axis=1), dtype=np.float64)


def _fit(config: HeadConfig, texts: list[str], dense: npt.NDArray[np.float32], labels: list[str],
         pseudo: PseudoRows | None) -> ClassifierHead:
    """A head on labelled rows, plus the pseudo-labelled ones with their weight when there are any."""
    if pseudo is None or not pseudo.texts:
        return ClassifierHead(config).fit(texts, dense, labels)
    weights = np.concatenate([np.ones(len(texts)), pseudo.weights])
    return ClassifierHead(config).fit(texts + pseudo.texts, np.vstack([dense, pseudo.dense]),
                                      labels + pseudo.labels, sample_weight=weights)


def self_train(config: HeadConfig, texts: list[str], dense: npt.NDArray[np.float32], labels: list[str],
               pool_texts: list[str], pool_dense: npt.NDArray[np.float32], *, rounds: int, per_topic: int,
               weight: float) -> tuple[ClassifierHead, PseudoRows]:
    """Self-training: each round labels the pool with the current head, keeps the `per_topic * round` rows it is
    surest of for each predicted topic, and refits on the labelled rows plus those (weighted `weight`). Returns
    the last head and the pseudo-labelled rows it was fitted with."""
    pseudo = PseudoRows(texts=[], dense=np.zeros((0, dense.shape[1]), np.float32), labels=[], weight=weight)
    head = _fit(config, texts, dense, labels, None)
    for round_number in range(1, rounds + 1):
        probabilities = head.predict(pool_texts, pool_dense).probabilities
        top, confidence = probabilities.argmax(axis=1), probabilities.max(axis=1)
        chosen: list[int] = []
        for j in range(len(head.labels)):
            rows = np.flatnonzero(top == j)
            chosen += rows[np.argsort(-confidence[rows], kind="stable")[:per_topic * round_number]].tolist()
        keep = np.sort(np.asarray(chosen, dtype=np.int64))
        pseudo = PseudoRows(texts=[pool_texts[i] for i in keep], dense=pool_dense[keep],
                            labels=[head.labels[top[i]] for i in keep], weight=weight)
        head = _fit(config, texts, dense, labels, pseudo)
        logger.info("self-training round", extra={"round": round_number, "pseudo_rows": len(keep)})
    return head, pseudo


def _few_shot(topics: TopicList, texts: list[str], labels: list[str], dense: npt.NDArray[np.float32],
              bg_dense: npt.NDArray[np.float32], bg_texts: list[str], options: ColdStartOptions,
              pool: tuple[list[str], npt.NDArray[np.float32]] | None = None,
              ) -> tuple[ClassifierHead, AbstainRule, dict[str, Any]]:
    """The few-shot head (self-trained on `pool`, unlabelled texts and their vectors, when given), its
    out-of-fold temperature and abstain rule, and their metrics."""
    metrics: dict[str, Any] = {}
    pseudo: PseudoRows | None = None
    if pool is None:
        head = _fit(options.head, texts, dense, labels, None)
    else:
        head, pseudo = self_train(options.head, texts, dense, labels, pool[0], pool[1],
                                  rounds=options.self_training_rounds, per_topic=options.self_training_per_topic,
                                  weight=options.self_training_weight)
        metrics["self_training"] = {"unlabelled": len(pool[0]), "pseudo_rows": len(pseudo.texts),
                                    "topics_without_pseudo_rows": sorted(set(head.labels) - set(pseudo.labels)),
                                    "rounds": options.self_training_rounds,
                                    "per_topic": options.self_training_per_topic, "weight": pseudo.weight}
    index = {label: i for i, label in enumerate(head.labels)}
    smallest = min(sum(1 for x in labels if x == name) for name in topics.names)
    folds = max(2, min(options.folds, max(smallest, 2)))
    ids = fold_ids(labels, folds=folds, seed=options.seed)
    oof = np.zeros((len(texts), len(head.labels)))
    held = ids >= 0
    for fold in range(folds):
        test = np.flatnonzero(ids == fold)
        train = np.flatnonzero(ids != fold)
        if not len(test):
            continue
        # the fold's head sees the pseudo-labelled rows too (labelled by the head of all rows: a mild leak that
        # makes the out-of-fold estimate a little optimistic; documented in docs/cold-start.md)
        part = _fit(options.head, [texts[i] for i in train], dense[train], [labels[i] for i in train], pseudo)
        oof[test] = part.logits([texts[i] for i in test], dense[test])
    y = np.array([index[label] for label in labels])
    metrics.update({"folds": folds, "out_of_fold_rows": int(held.sum())})
    if held.sum() >= 2:
        head.temperature = fit_temperature(oof[held], y[held])
        out = HeadOutput(probabilities=softmax(oof[held] / head.temperature, axis=1), logits=oof[held])
        pred = out.probabilities.argmax(axis=1)
        correct = pred == y[held]
        metrics["topic"] = classification_metrics([labels[i] for i in np.flatnonzero(held)],
                                                  [head.labels[j] for j in pred], out.probabilities.max(axis=1))
        bank = normalize(dense)
        oos_out = head.predict(bg_texts, bg_dense) if len(bg_texts) else None
        rule = AbstainRule.tune(out, correct, oos_out, in_knn=leave_one_out_knn(bank)[held],
                                oos_knn=knn_similarity(bank, normalize(bg_dense)) if len(bg_texts) else None,
                                max_false_reject=options.max_false_reject, target_accuracy=options.target_accuracy,
                                max_confidence_reject=options.max_confidence_reject)
    else:
        rule = AbstainRule()
    metrics["abstain"] = rule.tuning
    return head, rule, metrics


def build_cold_start_model(*, topics: TopicList, embedder: Embedder, options: ColdStartOptions = ColdStartOptions(),
                           unlabelled: Sequence[str] = ()) -> ColdStartResult:
    """A routing model from a validated topic list (zero-shot, or few-shot when any topic has examples).
    `unlabelled`: the desk's tickets without a topic, for self-training (few-shot only; texts equal to an example
    are left out)."""
    started = time.perf_counter()
    if unlabelled and topics.n_examples == 0:
        raise InvalidInputError("self-training on unlabelled tickets needs examples in the topic list "
                                "(zero-shot prototypes have no head to refit)")
    background = background_split(seed=options.seed) if options.background else None
    bg_texts = background.tune if background is not None else []
    bg_dense = embedder.encode(bg_texts, batch_size=options.batch_size) if bg_texts else np.zeros((0, embedder.dim),
                                                                                                   np.float32)
    metrics: dict[str, Any] = {}
    knn_bank = None
    if topics.n_examples == 0:
        method = "zero-shot prototypes"
        protos = prototypes(topics, embedder, templates=options.templates, batch_size=options.batch_size)
        head = zero_shot_head(protos, topics.names, scale=options.scale)
        rule = AbstainRule()
        if len(bg_texts):
            scores = energy(head.logits(bg_texts, bg_dense))
            threshold = float(np.quantile(scores, options.zero_shot_background_reject))
            rule = AbstainRule(oos_score="energy", min_in_scope=threshold,
                               tuning={"background_reject": options.zero_shot_background_reject})
        metrics["validation"] = {"abstain": rule.tuning}
    else:
        method = "few-shot logistic regression"
        texts: list[str] = []
        labels: list[str] = []
        for topic in topics.topics:
            rows = [*topic.examples, options.templates[-1].format(description=topic.description)]
            texts += rows
            labels += [topic.name] * len(rows)
        dense = embedder.encode(texts, batch_size=options.batch_size)
        pool = None
        known = set(texts)
        pool_texts = list(dict.fromkeys(t for t in unlabelled if t.strip() and t not in known))
        if pool_texts and options.self_training_rounds > 0:
            method += " + self-training"
            pool = (pool_texts, embedder.encode(pool_texts, batch_size=options.batch_size))
        head, rule, fold_metrics = _few_shot(topics, texts, labels, dense, bg_dense, bg_texts, options, pool)
        metrics["validation"] = fold_metrics
        if rule.oos_score == "knn":
            knn_bank = normalize(dense)
    if background is not None:
        metrics["background"] = {"source": background.source, "sha256": background.sha256,
                                 "tune_rows": len(background.tune), "note": BACKGROUND_NOTE}
    metrics["timing"] = {"total_seconds": round(time.perf_counter() - started, 2)}
    model = RoutingModel(topic=head, abstain=rule, urgency=None, embedder_id=embedder.model_id,
                         embedder_dim=embedder.dim, aux_embedders=[], knn_bank=knn_bank)
    manifest = {
        "metrics": metrics,
        "oos_label": options.oos_label,
        "data": {"path": topics.source, "sha256": topics.sha256, "rows": topics.n_examples},
        # The recipe `deskmate retrain` reads back (models.retraining.options_from_manifest): the usual split.
        "training": {"seed": options.seed, "val_size": TrainOptions().val_size, "test_size": 0.0,
                     "max_false_reject": options.max_false_reject, "target_accuracy": options.target_accuracy,
                     "abstain_background": background is not None},
        "cold_start": {"method": method, "templates": list(options.templates), "scale": options.scale,
                       "self_training": metrics.get("validation", {}).get("self_training"),
                       "topics": [{"name": t.name, "description": t.description, "examples": len(t.examples),
                                   "queue": t.queue, "urgency": t.urgency} for t in topics.topics]},
    }
    logger.info("cold-start model built", extra={"method": method, "topics": len(topics.topics),
                                                 "examples": topics.n_examples})
    return ColdStartResult(model=model, metrics=metrics, manifest=manifest)


def train_from_topics(*, topics_path: Path, out_dir: Path, embedder: Embedder,
                      options: ColdStartOptions = ColdStartOptions(), command: str | None = None,
                      extra: dict[str, Any] | None = None,
                      unlabelled: Sequence[str] = ()) -> tuple[Path, ColdStartResult]:
    """Read a topics YAML file, build the model and write its directory. Returns (directory, result)."""
    topics = load_topics(topics_path, oos_label=options.oos_label)
    result = build_cold_start_model(topics=topics, embedder=embedder, options=options, unlabelled=unlabelled)
    manifest = {**result.manifest, "command": command}
    if extra:
        manifest["cold_start"] = {**manifest["cold_start"], **extra}
    path = result.model.save(out_dir, extra_manifest=manifest)
    if command:
        (path / "command.txt").write_text(command + "\n")
    result.manifest = result.model.manifest
    return path, result
