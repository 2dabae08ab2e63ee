"""Routing, retrieval and drafting per ticket language, side by side, with global and per-language abstain rules.

One run: split the tickets into a development part and a test part (stratified by language and topic), train a
routing model on the development part (its validation split tunes the global and the per-language abstain rules),
then score the test part per language: topic accuracy, false-reject rate and out-of-scope recall under the global
rule ("before") and under the per-language rules ("after"), urgency accuracy (head, and head + signals when given),
retrieval hit@5 among the development tickets (same-language and cross-language) and, when a drafter is given,
whether the draft comes in the ticket's language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from models.data import LabelledText, get_field, iter_records, stratified_split
from models.drafting.types import Drafter, DraftRequest, Source
from models.embedding.base import Embedder, Matrix, normalize
from models.fairness import detect_languages, normalize_language
from models.text import ticket_text
from models.training import TrainOptions, embed_texts, train_routing_model
from models.urgency import UrgencySignals

logger = logging.getLogger(__name__)

HIT_K = 5
ALL = "all"  # the column of every test ticket together


@dataclass(frozen=True, slots=True)
class LanguageTicket:
    text: str
    topic: str
    urgency: str | None
    language: str
    resolution: str = ""
    channel: str | None = None
    tier: str | None = None

    def labelled(self) -> LabelledText:
        return LabelledText(text=self.text, topic=self.topic, urgency=self.urgency)


def load_language_tickets(path: Path) -> list[LanguageTicket]:
    """Tickets with a `language` field (subject + body, topic, urgency, resolution, channel, customer.tier)."""
    tickets = []
    for row in iter_records(path):
        text = ticket_text(str(row.get("subject") or ""), str(row.get("body") or ""))
        language = normalize_language(str(row.get("language") or ""))
        topic = str(row.get("topic") or "").strip()
        if not text or not topic or language is None:
            continue
        tier = get_field(row, "customer.tier")
        tickets.append(LanguageTicket(
            text=text, topic=topic, urgency=str(row.get("urgency") or "") or None, language=language,
            resolution=str(row.get("resolution") or ""), channel=row.get("channel"),
            tier=None if tier is None else str(tier)))
    return tickets


def split_tickets(tickets: Sequence[LanguageTicket], *, test_size: float,
                  seed: int) -> tuple[list[LanguageTicket], list[LanguageTicket]]:
    """Development and test parts, stratified by language and topic."""
    dev_idx, test_idx = stratified_split([f"{t.language}|{t.topic}" for t in tickets], test_size=test_size, seed=seed)
    return [tickets[i] for i in dev_idx], [tickets[i] for i in test_idx]


def _rate(flags: npt.NDArray[np.bool_]) -> float | None:
    return round(float(flags.mean()), 4) if flags.size else None


def hit_at_k(queries: Matrix, query_topics: Sequence[str], corpus: Matrix, corpus_topics: Sequence[str],
             *, k: int = HIT_K) -> npt.NDArray[np.bool_]:
    """Per query: whether any of its k nearest corpus rows (cosine) has the query's topic."""
    if corpus.shape[0] == 0 or queries.shape[0] == 0:
        return np.zeros(queries.shape[0], dtype=bool)
    sims = normalize(queries) @ normalize(corpus).T
    top = np.argsort(-sims, axis=1)[:, :k]
    return np.array([any(corpus_topics[j] == query_topics[i] for j in row) for i, row in enumerate(top)], dtype=bool)


def _retrieval(test: Sequence[LanguageTicket], test_vectors: Matrix, dev: Sequence[LanguageTicket],
               dev_vectors: Matrix, language: str, oos_label: str) -> dict[str, float | None]:
    """hit@5 of in-scope test tickets in `language`: among dev tickets of the same language, and of the others."""
    q = [i for i, t in enumerate(test) if t.language == language and t.topic != oos_label]
    same = [j for j, t in enumerate(dev) if t.language == language and t.topic != oos_label]
    other = [j for j, t in enumerate(dev) if t.language != language and t.topic != oos_label]
    q_topics = [test[i].topic for i in q]
    return {
        "hit5_same_language": _rate(hit_at_k(test_vectors[q], q_topics, dev_vectors[same],
                                             [dev[j].topic for j in same])),
        "hit5_cross_language": _rate(hit_at_k(test_vectors[q], q_topics, dev_vectors[other],
                                              [dev[j].topic for j in other])),
    }


def _draft_languages(test: Sequence[LanguageTicket], test_vectors: Matrix, dev: Sequence[LanguageTicket],
                     dev_vectors: Matrix, predicted: Sequence[str], drafter: Drafter, oos_label: str,
                     detect: Callable[[Sequence[str]], list[str | None]]) -> list[bool | None]:
    """Per test ticket: whether the draft (from its 5 nearest resolved dev tickets of the same topic guess, same
    language first) is in the ticket's language; None for out-of-scope tickets and empty drafts."""
    usable = [j for j, t in enumerate(dev) if t.topic != oos_label and t.resolution]
    sims = normalize(test_vectors) @ normalize(dev_vectors[usable]).T
    texts: list[str] = []
    rows: list[int] = []
    failed = 0
    for i, ticket in enumerate(test):
        if ticket.topic == oos_label:
            continue
        order = np.argsort(-sims[i])
        same = [usable[j] for j in order if dev[usable[j]].language == ticket.language][:HIT_K]
        picked = same or [usable[j] for j in order[:HIT_K]]
        cases = tuple(Source(id=f"dev-{j}", kind="case", text=dev[j].resolution, score=float(sims[i, usable.index(j)]),
                             language=dev[j].language, topic=dev[j].topic) for j in picked)
        try:
            draft = drafter.draft(DraftRequest(text=ticket.text, language=ticket.language, topic=predicted[i],
                                               cases=cases, channel=ticket.channel or "email"))
        except Exception:  # an evaluation reports a failing drafter (no draft: not judged) instead of stopping
            if not failed:
                logger.exception("drafter failed; drafts it fails on are not judged")
            failed += 1
            continue
        if draft.text.strip():
            texts.append(draft.text)
            rows.append(i)
    if failed:
        logger.warning("drafter failed on some tickets", extra={"failed": failed, "tickets": len(test)})
    out: list[bool | None] = [None] * len(test)
    for i, code in zip(rows, detect(texts), strict=True):
        out[i] = code == test[i].language
    return out


def evaluate_languages(
    *,
    tickets: Sequence[LanguageTicket],
    embedder: Embedder,
    options: TrainOptions = TrainOptions(),
    test_size: float = 0.2,
    oos_label: str = "oos",
    signals: UrgencySignals | None = None,
    drafter: Drafter | None = None,
    detect: Callable[[Sequence[str]], list[str | None]] = detect_languages,
) -> dict[str, Any]:
    """Per-language metrics on the test part, before (global abstain rule) and after (per-language rules)."""
    dev, test = split_tickets(tickets, test_size=test_size, seed=options.seed)
    model, train_metrics = train_routing_model(rows=[t.labelled() for t in dev], embedder=embedder, options=options,
                                               languages=[t.language for t in dev])
    dev_primary = embed_texts(embedder, [], [t.text for t in dev], options.batch_size, False, options.cache_dir)
    test_texts = [t.text for t in test]
    dense = embed_texts(embedder, model.aux_embedders, test_texts, options.batch_size, False, options.cache_dir)
    test_primary = np.ascontiguousarray(dense[:, :embedder.dim])
    topic_out, urgency_out = model.predict_outputs(test_texts, dense)
    predicted = [model.topic.labels[j] for j in topic_out.probabilities.argmax(axis=1)]
    given = [t.language for t in test]
    detected = detect(test_texts)
    decisions = {
        "before": model.abstain_reasons(topic_out, dense),
        "after": model.abstain_reasons(topic_out, dense, given),
        "after_detected": model.abstain_reasons(topic_out, dense, detected),
    }
    u_pred: list[str | None] = [None] * len(test)
    if urgency_out is not None and model.urgency is not None:
        u_pred = [model.urgency.labels[j] for j in urgency_out.probabilities.argmax(axis=1)]
    u_final: list[str | None] = [
        signals.apply(t.text, model_label=u, channel=t.channel, tier=t.tier, language=t.language).label
        if signals is not None and u is not None else None for t, u in zip(test, u_pred, strict=True)]
    drafts = (_draft_languages(test, test_primary, dev, dev_primary, predicted, drafter, oos_label, detect)
              if drafter is not None else [None] * len(test))

    per_language: dict[str, dict[str, Any]] = {}
    languages = sorted({t.language for t in test}, key=lambda c: (c != "en", c))
    for language in [*languages, ALL]:  # ALL: every test ticket together (retrieval is per language only)
        idx = [i for i, t in enumerate(test) if language in (ALL, t.language)]
        inside = np.array([i for i in idx if test[i].topic != oos_label], dtype=np.int64)
        outside = np.array([i for i in idx if test[i].topic == oos_label], dtype=np.int64)
        correct = np.array([predicted[i] == test[i].topic for i in inside], dtype=bool)
        row: dict[str, Any] = {"in_scope": int(inside.size), "out_of_scope": int(outside.size),
                               "topic_accuracy": _rate(correct),
                               "language_detected_correctly": _rate(np.array(
                                   [detected[i] == test[i].language for i in idx], dtype=bool))}
        for name, reasons in decisions.items():
            abstained = np.array([r is not None for r in reasons])
            row[name] = {"false_reject": _rate(abstained[inside]) if inside.size else None,
                         "oos_recall": _rate(abstained[outside]) if outside.size else None,
                         "accepted_accuracy": _rate(correct[~abstained[inside]]) if inside.size else None}
        with_u = [i for i in inside if test[i].urgency and u_pred[i] is not None]
        row["urgency_accuracy_head"] = _rate(np.array([u_pred[i] == test[i].urgency for i in with_u], dtype=bool))
        row["urgency_accuracy_signals"] = (_rate(np.array([u_final[i] == test[i].urgency for i in with_u],
                                                          dtype=bool)) if signals is not None else None)
        row.update(_retrieval(test, test_primary, dev, dev_primary, language, oos_label))
        judged = [drafts[i] for i in inside if drafts[i] is not None]
        row["draft_language_correct"] = _rate(np.array(judged, dtype=bool)) if judged else None
        per_language[language] = row
    return {
        "model": {"embedder": embedder.model_id, "aux_embedders": list(options.aux_embedders),
                  "abstain": model.abstain.to_dict(),
                  "abstain_by_language": None if model.abstain_by_language is None
                  else model.abstain_by_language.to_dict()},
        "counts": {"dev": len(dev), "test": len(test), "validation": train_metrics["counts"]["validation"]},
        "per_language": per_language,
        "goals": goal_check(per_language),
    }


def goal_check(per_language: dict[str, dict[str, Any]], *, ratio: float = 1.5,
               points: float = 0.03) -> dict[str, dict[str, bool | None]]:
    """Per non-English language: false-reject (after) within `ratio` x English's (or within 1 point when English's
    is ~0) and topic accuracy within `points` of English's."""
    en = per_language.get("en")
    out: dict[str, dict[str, bool | None]] = {}
    if en is None:
        return out
    en_fr, en_acc = en["after"]["false_reject"], en["topic_accuracy"]
    for language, row in per_language.items():
        if language in ("en", ALL):
            continue
        fr, acc = row["after"]["false_reject"], row["topic_accuracy"]
        out[language] = {
            "false_reject_within_1_5x": None if fr is None or en_fr is None else fr <= max(ratio * en_fr, en_fr + 0.01),
            "accuracy_within_3_points": None if acc is None or en_acc is None else acc >= en_acc - points,
        }
    return out


def markdown_table(result: dict[str, Any]) -> str:
    """The per-language table of `evaluate_languages` as Markdown (rows = metrics, columns = languages)."""
    rows = result["per_language"]
    languages = list(rows)

    def cell(value: Any) -> str:
        return "–" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))

    lines = ["| metric | " + " | ".join(languages) + " |", "|---|" + "---:|" * len(languages)]
    metrics: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
        ("in-scope / oos test tickets", lambda r: f"{r['in_scope']} / {r['out_of_scope']}"),
        ("topic accuracy", lambda r: r["topic_accuracy"]),
        ("false-reject, global rule (before)", lambda r: r["before"]["false_reject"]),
        ("false-reject, per-language rule (after)", lambda r: r["after"]["false_reject"]),
        ("false-reject, after, detected language", lambda r: r["after_detected"]["false_reject"]),
        ("oos recall, before", lambda r: r["before"]["oos_recall"]),
        ("oos recall, after", lambda r: r["after"]["oos_recall"]),
        ("accuracy of accepted, after", lambda r: r["after"]["accepted_accuracy"]),
        ("urgency accuracy (head)", lambda r: r["urgency_accuracy_head"]),
        ("urgency accuracy (head + signals)", lambda r: r["urgency_accuracy_signals"]),
        ("retrieval hit@5, same language", lambda r: r["hit5_same_language"]),
        ("retrieval hit@5, cross-language", lambda r: r["hit5_cross_language"]),
        ("draft in the ticket's language", lambda r: r["draft_language_correct"]),
        ("language detected correctly", lambda r: r["language_detected_correctly"]),
    ]
    for name, get in metrics:
        lines.append(f"| {name} | " + " | ".join(cell(get(rows[lang])) for lang in languages) + " |")
    return "\n".join(lines) + "\n"
