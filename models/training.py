"""Training a routing model from a labelled file: split, embed, fit heads, calibrate, tune abstain, save."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from models.atomic import atomic_path
from models.background import BACKGROUND_NOTE, BackgroundSplit, background_split
from models.classifier import AbstainRule, ClassifierHead, HeadConfig, knn_similarity
from models.data import (
    FieldMapping,
    LabelledText,
    check_fields,
    grouped_stratified_split,
    label_counts,
    load_labelled,
    stratified_split,
)
from models.drafting.issues import issue_segments
from models.embedding.base import Embedder, normalize
from models.embedding.use import UseEmbedder
from models.errors import InvalidInputError
from models.fairness import MIN_LANGUAGE_ROWS, calibrate_with_extra, detect_languages, widen_validation
from models.metrics import abstain_metrics, classification_metrics
from models.routing_heads import RoutingModel, make_aux_embedder
from models.routing_policy import RoutingPolicy
from models.segment_head import SEGMENT_HEAD_C, SegmentHead

logger = logging.getLogger(__name__)

ProgressFactory = Callable[[str, int], Any]

DEFAULT_AUX_EMBEDDER = UseEmbedder.MODEL_ID


@dataclass(frozen=True, slots=True)
class TrainOptions:
    oos_label: str = "oos"
    val_size: float = 0.1
    test_size: float = 0.0  # > 0 holds out a test part that is never used for fitting or tuning
    seed: int = 13
    head: HeadConfig = HeadConfig()
    urgency_head: HeadConfig = HeadConfig(C=3.0)
    # Joined to the primary embedding as features (multilingual USE by default: +1.1 points on Banking77).
    aux_embedders: tuple[str, ...] = (DEFAULT_AUX_EMBEDDER,)
    # Budget of in-scope rows the out-of-scope threshold may reject on validation data. Validation underestimates
    # the live rate (CLINC150: 4 % on validation became 5.9 % on unseen val), so 3 % aims at <= 5 % live.
    max_false_reject: float = 0.03
    target_accuracy: float = 0.9
    max_confidence_reject: float = 0.2
    group_threshold: float = 0.9  # cosine above which same-label rows stay on one side of the validation split
    batch_size: int = 64
    cache_dir: Path | None = None  # embeddings of identical inputs are reused from here
    # After calibration and abstain tuning, refit the heads on train + validation with the same settings
    # (temperature and thresholds are kept); the validation metrics then describe the pre-refit model.
    refit: bool = True
    # Without out-of-scope rows in the data, tune the abstain rule against the built-in off-topic background set
    # (models/background.py); its held-out part measures what the tuned rule catches.
    background: bool = True
    # Abstain thresholds per ticket language, tuned on each language's validation rows with the same budgets (a
    # language short of `min_language_rows` validation rows borrows training rows, put back by the refit; one still
    # short keeps the global rule; see models/fairness.py).
    language_thresholds: bool = True
    min_language_rows: int = MIN_LANGUAGE_ROWS
    # A segment head (models/segment_head.py): fitted on the segments of the training and validation rows (and the
    # data's own out-of-scope rows), each with its row's topic; it vetoes further issues found in stray sentences.
    segment_head: bool = True
    segment_head_c: float = SEGMENT_HEAD_C


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def files_sha256(paths: list[Path]) -> str:
    """SHA-256 of one file, or of the concatenated per-file digests of several."""
    if len(paths) == 1:
        return file_sha256(paths[0])
    return hashlib.sha256("".join(file_sha256(p) for p in paths).encode()).hexdigest()


def embed_texts(embedder: Embedder, aux: list[Embedder], texts: list[str], batch_size: int,
                progress: bool, cache_dir: Path | None = None) -> np.ndarray:
    """The training features' dense part: primary then auxiliary embeddings, reused from `cache_dir` when the
    same embedders already embedded the same texts."""
    cache: Path | None = None
    if cache_dir is not None:
        key = hashlib.sha256("\x1f".join([embedder.model_id, *(a.model_id for a in aux), *texts]).encode())
        cache = cache_dir / f"embeddings-{key.hexdigest()[:24]}.npy"
        if cache.is_file():
            logger.info("reusing cached embeddings", extra={"path": str(cache)})
            cached: np.ndarray = np.load(cache)
            return cached
    blocks = [embedder.encode(texts, batch_size=batch_size, show_progress=progress)]
    for extra in aux:
        logger.info("embedding with auxiliary embedder", extra={"embedder": extra.model_id, "rows": len(texts)})
        blocks.append(extra.encode(texts, batch_size=batch_size))
    matrix = np.ascontiguousarray(np.hstack(blocks), dtype=np.float32)
    if cache is not None:  # written whole or not at all: a half-written cache would be loaded next time
        with atomic_path(cache) as tmp, tmp.open("wb") as handle:
            np.save(handle, matrix)
    return matrix


def _refit(head: ClassifierHead, config: HeadConfig, idx: np.ndarray, texts: list[str], dense: np.ndarray,
           labels: list[str]) -> ClassifierHead:
    refitted = ClassifierHead(config).fit([texts[i] for i in idx], dense[idx], [labels[i] for i in idx])
    if refitted.labels != head.labels:  # a class seen only in validation would shift the label order
        return head
    refitted.temperature = head.temperature
    return refitted


def fit_segment_head(embedder: Embedder, texts: list[str], labels: list[str], vectors: np.ndarray, *,
                     c: float = SEGMENT_HEAD_C, batch_size: int = 64,
                     show_progress: bool = False) -> tuple[SegmentHead | None, dict[str, Any]]:
    """A segment head fitted on the issue segments of `texts` (`issue_segments`), each labelled with its text's
    label; `vectors`: the texts' primary embeddings, reused for a text that is one segment. None with fewer than two
    labels. Returns the head and what it was fitted on."""
    start = time.perf_counter()
    rows: list[int] = []  # a text that is one segment: its own vector
    pieces: list[str] = []
    piece_labels: list[str] = []
    for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
        segments = issue_segments(text)
        if len(segments) == 1 and segments[0].text.strip() == text.strip():
            rows.append(i)
        else:
            pieces.extend(s.text for s in segments)
            piece_labels.extend([label] * len(segments))
    encoded = (embedder.encode(pieces, batch_size=batch_size, show_progress=show_progress) if pieces
               else np.zeros((0, vectors.shape[1]), dtype=np.float32))
    matrix = np.vstack([vectors[rows], encoded]).astype(np.float32)
    all_labels = [labels[i] for i in rows] + piece_labels
    info: dict[str, Any] = {"segments": len(all_labels), "whole_texts": len(rows),
                            "split_texts": len(texts) - len(rows)}
    if len(set(all_labels)) < 2:
        return None, info
    head = SegmentHead.fit(matrix, all_labels, c=c)
    info["seconds"] = round(time.perf_counter() - start, 2)
    return head, info


def train_routing_model(
    *,
    rows: list[LabelledText],
    embedder: Embedder,
    options: TrainOptions = TrainOptions(),
    show_progress: bool = False,
    languages: list[str | None] | None = None,
) -> tuple[RoutingModel, dict[str, Any]]:
    """Fit a routing model on labelled rows; returns the model and its validation (and test) metrics.

    In-scope rows are split into train / validation (grouped so near-paraphrases stay together) and, if
    `test_size` > 0, a stratified test part used for nothing but the final metrics. Out-of-scope rows are never
    a class: they tune the abstain rule (and a share of them joins the test part).
    """
    start = time.perf_counter()
    in_scope = [r for r in rows if r.topic != options.oos_label]
    oos_rows = [r for r in rows if r.topic == options.oos_label]
    if len({r.topic for r in in_scope}) < 2:
        raise InvalidInputError("training data needs at least two in-scope topics")
    topics = [r.topic for r in in_scope]
    n_oos_test = round(len(oos_rows) * options.test_size) if options.test_size > 0 else 0
    oos_test, oos_val = oos_rows[:n_oos_test], oos_rows[n_oos_test:]
    background: BackgroundSplit | None = None
    if not oos_rows and options.background:
        background = background_split(seed=options.seed)
        oos_val = [LabelledText(text=t, topic=options.oos_label, urgency=None) for t in background.tune]
        oos_test = [LabelledText(text=t, topic=options.oos_label, urgency=None) for t in background.heldout]
        logger.info("no out-of-scope rows: tuning the abstain rule on the built-in background set",
                    extra={"tune": len(background.tune), "heldout": len(background.heldout)})

    aux = [make_aux_embedder(name) for name in options.aux_embedders]
    all_rows = in_scope + oos_val + oos_test
    texts = [r.text for r in all_rows]
    dense = embed_texts(embedder, aux, texts, options.batch_size, show_progress, options.cache_dir)
    unit = normalize(dense)
    n_in = len(in_scope)
    oos_val_idx = np.arange(n_in, n_in + len(oos_val))
    oos_test_idx = np.arange(n_in + len(oos_val), len(all_rows))

    pool = np.arange(n_in)
    test_idx = np.array([], dtype=np.int64)
    if options.test_size > 0:
        pool, test_idx = stratified_split(topics, test_size=options.test_size, seed=options.seed)
    rel_train, rel_val = grouped_stratified_split([topics[i] for i in pool], unit[pool], test_size=options.val_size,
                                                  seed=options.seed + 1, threshold=options.group_threshold)
    train_idx, val_idx = pool[rel_train], pool[rel_val]
    logger.info("split", extra={"train": len(train_idx), "val": len(val_idx), "test": len(test_idx),
                                "oos_val": len(oos_val), "oos_test": len(oos_test)})

    def part(idx: np.ndarray) -> tuple[list[str], np.ndarray, list[str]]:
        return [texts[i] for i in idx], dense[idx], [topics[i] if i < n_in else options.oos_label for i in idx]

    fit_start = time.perf_counter()
    # rows borrowed from training to calibrate the per-language rules (the global rule sees `val_idx` only)
    topic_train_idx, extra_idx, in_langs = train_idx, np.array([], dtype=np.int64), None
    if options.language_thresholds:  # `languages` (aligned with `rows`) when given, else detected
        in_langs = ([lang for r, lang in zip(rows, languages, strict=True) if r.topic != options.oos_label]
                    if languages is not None else detect_languages([r.text for r in in_scope]))
        topic_train_idx, extra_idx = widen_validation(train_idx, val_idx, in_langs, topics, seed=options.seed,
                                                      min_rows=options.min_language_rows)
    t_texts, t_dense, t_topics = part(topic_train_idx)
    v_texts, v_dense, v_topics = part(val_idx)
    topic = ClassifierHead(options.head).fit(t_texts, t_dense, t_topics)
    topic.calibrate(v_texts, v_dense, v_topics)
    v_out = topic.predict(v_texts, v_dense)
    v_pred = [topic.labels[i] for i in v_out.probabilities.argmax(axis=1)]
    v_correct = np.array([p == t for p, t in zip(v_pred, v_topics, strict=True)])
    bank = unit[train_idx]
    oos_out = None
    in_knn = oos_knn = None
    if len(oos_val):
        o_texts, o_dense, _ = part(oos_val_idx)
        oos_out = topic.predict(o_texts, o_dense)
        in_knn, oos_knn = knn_similarity(bank, unit[val_idx]), knn_similarity(bank, unit[oos_val_idx])
    abstain = AbstainRule.tune(v_out, v_correct, oos_out, in_knn=in_knn, oos_knn=oos_knn,
                               max_false_reject=options.max_false_reject, target_accuracy=options.target_accuracy,
                               max_confidence_reject=options.max_confidence_reject)
    metrics: dict[str, Any] = {"validation": {"topic": classification_metrics(
        v_topics, v_pred, v_out.probabilities.max(axis=1)), "abstain": abstain.tuning}}
    by_language = None
    if in_langs is not None:
        e_texts, e_dense, e_topics = part(extra_idx)
        by_language = calibrate_with_extra(
            topic, v_out, v_correct, [in_langs[i] for i in val_idx], e_texts, e_dense, e_topics,
            [in_langs[i] for i in extra_idx], oos_out, global_rule=abstain, in_knn=in_knn, oos_knn=oos_knn,
            extra_knn=knn_similarity(unit[topic_train_idx], unit[extra_idx]) if in_knn is not None else None,
            min_rows=options.min_language_rows, max_false_reject=options.max_false_reject,
            target_accuracy=options.target_accuracy, max_confidence_reject=options.max_confidence_reject)
        metrics["validation"]["abstain_by_language"] = by_language.to_dict()

    urgency: ClassifierHead | None = None
    if options.refit:
        topic = _refit(topic, options.head, np.concatenate([train_idx, val_idx]), texts, dense, topics)
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
        if options.refit:
            both = np.array(u_train + u_val, dtype=np.int64)
            urgency = _refit(urgency, options.urgency_head, both, texts, dense, u_labels)
    segment_head = None
    if options.segment_head:
        seg_idx = np.concatenate([train_idx, val_idx] + ([oos_val_idx] if background is None else []))
        segment_head, metrics["segment_head"] = fit_segment_head(
            embedder, [texts[i] for i in seg_idx], [topics[i] if i < n_in else options.oos_label for i in seg_idx],
            dense[seg_idx, :embedder.dim], c=options.segment_head_c, batch_size=options.batch_size,
            show_progress=show_progress)
    fit_seconds = time.perf_counter() - fit_start

    model = RoutingModel(topic=topic, abstain=abstain, urgency=urgency, embedder_id=embedder.model_id,
                         embedder_dim=embedder.dim, aux_embedders=aux,
                         knn_bank=bank if abstain.oos_score == "knn" else None, abstain_by_language=by_language,
                         segment_head=segment_head)
    if background is not None:
        metrics["background"] = _background_metrics(model, background, [texts[i] for i in oos_test_idx],
                                                    dense[oos_test_idx], abstain.tuning)
    if len(test_idx):
        x_texts, x_dense, x_topics = part(test_idx)
        x_out = topic.predict(x_texts, x_dense)
        x_pred = [topic.labels[i] for i in x_out.probabilities.argmax(axis=1)]
        test_metrics: dict[str, Any] = {"topic": classification_metrics(x_topics, x_pred,
                                                                       x_out.probabilities.max(axis=1))}
        x_reasons = model.abstain_reasons(x_out, x_dense)
        oos_abst = np.array([], dtype=bool)
        if len(oos_test) and background is None:
            ot_texts, ot_dense, _ = part(oos_test_idx)
            oos_abst = np.array([r is not None for r in model.abstain_reasons(
                topic.predict(ot_texts, ot_dense), ot_dense)])
        test_metrics["abstain"] = abstain_metrics(
            in_scope_abstained=np.array([r is not None for r in x_reasons]),
            in_scope_correct=np.array([p == t for p, t in zip(x_pred, x_topics, strict=True)]),
            oos_abstained=oos_abst)
        metrics["test"] = test_metrics
    metrics["timing"] = {"total_seconds": round(time.perf_counter() - start, 2),
                         "fit_seconds": round(fit_seconds, 2)}
    metrics["counts"] = {"train": len(train_idx), "validation": len(val_idx), "test": len(test_idx),
                         "oos_validation": len(oos_val), "oos_test": len(oos_test),
                         "topics": label_counts(topics)}
    return model, metrics


def _background_metrics(model: RoutingModel, background: BackgroundSplit, texts: list[str], dense: np.ndarray,
                        tuning: dict[str, float]) -> dict[str, Any]:
    """What the abstain rule tuned on the background set's tuning part catches of its held-out part."""
    caught = [r is not None for r in model.abstain_reasons(model.topic.predict(texts, dense), dense)]
    return {"source": background.source, "sha256": background.sha256, "tune_rows": len(background.tune),
            "heldout_rows": len(background.heldout), "heldout_caught": float(np.mean(caught)) if caught else 0.0,
            "validation_false_reject": float(tuning.get("false_reject_rate", float("nan"))),
            "note": BACKGROUND_NOTE}


def apply_urgency_vocabulary(rows: list[LabelledText], policy: RoutingPolicy | None,
                             *, where: str) -> tuple[list[LabelledText], dict[str, str]]:
    """Rows with their urgency labels mapped onto the routing policy's levels (`vocabulary` in the policy);
    labels it does not know fail here, at training time, with the fix (the service would refuse the model)."""
    if policy is None:
        return rows, {}
    mapping = policy.urgency_label_map([r.urgency for r in rows if r.urgency], where=where)
    renamed = {k: v for k, v in mapping.items() if k != v}
    if not renamed:
        return rows, {}
    logger.info("urgency labels mapped through the policy's vocabulary", extra={"mapped": renamed})
    return [LabelledText(text=r.text, topic=r.topic, urgency=mapping[r.urgency] if r.urgency else None)
            for r in rows], renamed


def train_from_file(
    *,
    data: Path | list[Path],
    out_dir: Path,
    embedder: Embedder,
    mapping: FieldMapping = FieldMapping(),
    options: TrainOptions = TrainOptions(),
    command: str | None = None,
    show_progress: bool = False,
    policy: RoutingPolicy | None = None,
    named_fields: tuple[str, ...] = (),
    redact: Callable[[str], str] | None = None,
    redaction: dict[str, Any] | None = None,
) -> tuple[Path, dict[str, Any]]:
    """Read CSV/JSONL files, train, and save the model directory. Returns (directory, metrics).

    `named_fields` (FieldMapping attributes the user named by a flag) must each be in some row of every file;
    with `policy`, urgency labels are mapped through its vocabulary and unknown ones are an error. `redact`: applied
    to every row's text before anything is learned from it (the TF-IDF vocabulary stores words of the training
    texts: names, e-mail addresses and phone numbers would stay in the artifact, beyond the reach of an erasure);
    `redaction` (what it does) is recorded in the manifest.
    """
    paths = data if isinstance(data, list) else [data]
    for path in paths:
        check_fields(path, mapping, named_fields)
    rows = [row for path in paths for row in load_labelled(path, mapping)]
    if redact is not None:
        rows = [replace(row, text=redact(row.text))
                for row in tqdm(rows, desc="redacting", disable=not show_progress)]
    rows, renamed = apply_urgency_vocabulary(rows, policy, where=", ".join(str(p) for p in paths))
    logger.info("training data loaded", extra={"paths": [str(p) for p in paths], "rows": len(rows)})
    model, metrics = train_routing_model(rows=rows, embedder=embedder, options=options,
                                         show_progress=show_progress)
    extra = {
        "metrics": metrics,
        "oos_label": options.oos_label,
        "data": {"path": ", ".join(str(p) for p in paths), "sha256": files_sha256(paths), "rows": len(rows),
                 "mapping": {k: getattr(mapping, k) for k in mapping.__slots__}},
        "training": {"seed": options.seed, "val_size": options.val_size, "test_size": options.test_size,
                     "max_false_reject": options.max_false_reject, "target_accuracy": options.target_accuracy,
                     "urgency_vocabulary": renamed, "abstain_background": "background" in metrics,
                     "background": options.background},
        "command": command,
        "redaction": redaction if redact is not None else None,
    }
    path = model.save(out_dir, extra_manifest=extra)
    if command:
        (path / "command.txt").write_text(command + "\n")
    return path, metrics
