"""Training a routing model from a labelled file: split, embed, fit heads, calibrate, tune abstain, save."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models.classifier import AbstainRule, ClassifierHead, HeadConfig
from models.data import FieldMapping, LabelledText, label_counts, load_labelled, stratified_split
from models.embedder import Embedder
from models.errors import InvalidInputError
from models.metrics import abstain_metrics, classification_metrics
from models.routing_model import RoutingModel, make_aux_embedder

logger = logging.getLogger(__name__)

ProgressFactory = Callable[[str, int], Any]


@dataclass(frozen=True, slots=True)
class TrainOptions:
    oos_label: str = "oos"
    val_size: float = 0.1
    test_size: float = 0.0  # > 0 holds out a test part that is never used for fitting or tuning
    seed: int = 13
    head: HeadConfig = HeadConfig()
    urgency_head: HeadConfig = HeadConfig(C=3.0)
    aux_embedders: tuple[str, ...] = ()
    max_false_reject: float = 0.04
    target_accuracy: float = 0.9
    max_confidence_reject: float = 0.2
    batch_size: int = 64


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _embed(embedder: Embedder, aux: list[Embedder], texts: list[str], batch_size: int,
           progress: bool) -> np.ndarray:
    blocks = [embedder.encode(texts, batch_size=batch_size, show_progress=progress)]
    for extra in aux:
        logger.info("embedding with auxiliary embedder", extra={"embedder": extra.model_id, "rows": len(texts)})
        blocks.append(extra.encode(texts, batch_size=batch_size))
    return np.ascontiguousarray(np.hstack(blocks), dtype=np.float32)


def train_routing_model(
    *,
    rows: list[LabelledText],
    embedder: Embedder,
    options: TrainOptions = TrainOptions(),
    show_progress: bool = False,
) -> tuple[RoutingModel, dict[str, Any]]:
    """Fit a routing model on labelled rows; returns the model and its validation (and test) metrics."""
    start = time.perf_counter()
    in_scope = [r for r in rows if r.topic != options.oos_label]
    oos = [r for r in rows if r.topic == options.oos_label]
    if len({r.topic for r in in_scope}) < 2:
        raise InvalidInputError("training data needs at least two in-scope topics")
    topics = [r.topic for r in in_scope]

    test_idx = np.array([], dtype=np.int64)
    pool = np.arange(len(in_scope))
    oos_test: list[LabelledText] = []
    if options.test_size > 0:
        pool, test_idx = stratified_split(topics, test_size=options.test_size, seed=options.seed)
        n_oos_test = int(round(len(oos) * options.test_size))
        oos_test, oos = oos[:n_oos_test], oos[n_oos_test:]
    rel_train, rel_val = stratified_split([topics[i] for i in pool], test_size=options.val_size,
                                          seed=options.seed + 1)
    train_idx, val_idx = pool[rel_train], pool[rel_val]
    logger.info("split", extra={"train": len(train_idx), "val": len(val_idx), "test": len(test_idx),
                                "oos_val": len(oos), "oos_test": len(oos_test)})

    aux = [make_aux_embedder(name) for name in options.aux_embedders]
    all_rows = in_scope + oos + oos_test
    texts = [r.text for r in all_rows]
    dense = _embed(embedder, aux, texts, options.batch_size, show_progress)
    n_in, n_oos = len(in_scope), len(oos)
    oos_slice = slice(n_in, n_in + n_oos)
    oos_test_slice = slice(n_in + n_oos, len(all_rows))

    def part(idx: np.ndarray) -> tuple[list[str], np.ndarray, list[str]]:
        return [texts[i] for i in idx], dense[idx], [topics[i] for i in idx]

    t_texts, t_dense, t_topics = part(train_idx)
    v_texts, v_dense, v_topics = part(val_idx)
    fit_start = time.perf_counter()
    topic = ClassifierHead(options.head).fit(t_texts, t_dense, t_topics)
    topic.calibrate(v_texts, v_dense, v_topics)
    v_out = topic.predict(v_texts, v_dense)
    v_pred = [topic.labels[i] for i in v_out.probabilities.argmax(axis=1)]
    v_correct = np.array([p == t for p, t in zip(v_pred, v_topics, strict=True)])
    oos_out = topic.predict(texts[oos_slice], dense[oos_slice]) if n_oos else None
    abstain = AbstainRule.tune(v_out, v_correct, oos_out, max_false_reject=options.max_false_reject,
                               target_accuracy=options.target_accuracy,
                               max_confidence_reject=options.max_confidence_reject)
    metrics: dict[str, Any] = {"validation": {"topic": classification_metrics(
        v_topics, v_pred, v_out.probabilities.max(axis=1)), "abstain": abstain.tuning}}

    urgency: ClassifierHead | None = None
    u_train = [int(i) for i in train_idx if in_scope[i].urgency]
    u_val = [int(i) for i in val_idx if in_scope[i].urgency]
    if len({in_scope[i].urgency for i in u_train}) >= 2:
        u_labels = [str(r.urgency) for r in in_scope]
        urgency = ClassifierHead(options.urgency_head).fit(
            [texts[i] for i in u_train], dense[u_train], [u_labels[i] for i in u_train])
        if u_val:
            uv_texts, uv_labels = [texts[i] for i in u_val], [u_labels[i] for i in u_val]
            urgency.calibrate(uv_texts, dense[u_val], uv_labels)
            u_out = urgency.predict(uv_texts, dense[u_val])
            metrics["validation"]["urgency"] = classification_metrics(
                uv_labels, [urgency.labels[j] for j in u_out.probabilities.argmax(axis=1)],
                u_out.probabilities.max(axis=1))
    fit_seconds = time.perf_counter() - fit_start

    model = RoutingModel(topic=topic, abstain=abstain, urgency=urgency, embedder_id=embedder.model_id,
                         embedder_dim=embedder.dim, aux_embedders=aux)
    if len(test_idx):
        x_texts, x_dense, x_topics = part(test_idx)
        x_out = topic.predict(x_texts, x_dense)
        x_pred = [topic.labels[i] for i in x_out.probabilities.argmax(axis=1)]
        test_metrics: dict[str, Any] = {"topic": classification_metrics(x_topics, x_pred,
                                                                       x_out.probabilities.max(axis=1))}
        x_reasons = abstain.decide(x_out)
        oos_abst = np.array([], dtype=bool)
        if oos_test:
            oos_abst = np.array([r is not None for r in abstain.decide(
                topic.predict(texts[oos_test_slice], dense[oos_test_slice]))])
        test_metrics["abstain"] = abstain_metrics(
            in_scope_abstained=np.array([r is not None for r in x_reasons]),
            in_scope_correct=np.array([p == t for p, t in zip(x_pred, x_topics, strict=True)]),
            oos_abstained=oos_abst)
        metrics["test"] = test_metrics
    metrics["timing"] = {"total_seconds": round(time.perf_counter() - start, 2),
                         "fit_seconds": round(fit_seconds, 2)}
    metrics["counts"] = {"train": len(train_idx), "validation": len(val_idx), "test": len(test_idx),
                         "oos_validation": n_oos, "oos_test": len(oos_test),
                         "topics": label_counts(topics)}
    return model, metrics


def train_from_file(
    *,
    data: Path,
    out_dir: Path,
    embedder: Embedder,
    mapping: FieldMapping = FieldMapping(),
    options: TrainOptions = TrainOptions(),
    command: str | None = None,
    show_progress: bool = False,
) -> tuple[Path, dict[str, Any]]:
    """Read a CSV/JSONL file, train, and save the model directory. Returns (directory, metrics)."""
    rows = load_labelled(data, mapping)
    logger.info("training data loaded", extra={"path": str(data), "rows": len(rows)})
    model, metrics = train_routing_model(rows=rows, embedder=embedder, options=options,
                                         show_progress=show_progress)
    extra = {
        "metrics": metrics,
        "oos_label": options.oos_label,
        "data": {"path": str(data), "sha256": file_sha256(data), "rows": len(rows),
                 "mapping": {k: getattr(mapping, k) for k in mapping.__slots__}},
        "training": {"seed": options.seed, "val_size": options.val_size, "test_size": options.test_size,
                     "max_false_reject": options.max_false_reject, "target_accuracy": options.target_accuracy},
        "command": command,
    }
    path = model.save(out_dir, extra_manifest=extra)
    if command:
        (path / "command.txt").write_text(command + "\n")
    return path, metrics
