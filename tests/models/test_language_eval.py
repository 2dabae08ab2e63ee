"""The per-language evaluation on a tiny fixture: output shape, goal check, retrieval hits, draft language."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from models.drafting.types import Draft, DraftRequest
from models.embedding.hashing import HashingEmbedder
from models.language_eval import (
    LanguageTicket,
    evaluate_languages,
    goal_check,
    hit_at_k,
    load_language_tickets,
    markdown_table,
    split_tickets,
)
from models.training import TrainOptions
from tests.conftest import synthetic_rows


def _tickets() -> list[LanguageTicket]:
    rows = synthetic_rows(24, seed=4, n_oos=16)
    return [LanguageTicket(text=("Hallo, " + r.text) if i % 4 == 0 else r.text, topic=r.topic, urgency=r.urgency,
                           language="de" if i % 4 == 0 else "en", resolution=f"reply about {r.topic}")
            for i, r in enumerate(rows)]


def _detect(texts: Sequence[str]) -> list[str | None]:
    return ["de" if "Hallo" in t else "en" for t in texts]


class EnglishOnlyDrafter:
    """Always answers in English: German tickets get a draft in the wrong language."""

    @property
    def name(self) -> str:
        return "english-only"

    def draft(self, request: DraftRequest) -> Draft:
        return Draft(text="Hello, thanks for writing.", sentences=[], citations=[], language="en", tone="neutral",
                     drafter=self.name, confidence=1.0)

    def stream(self, request: DraftRequest) -> Iterator[str | Draft]:
        yield self.draft(request)


def test_evaluation_output_shape_on_a_tiny_fixture(embedder: HashingEmbedder) -> None:
    result = evaluate_languages(tickets=_tickets(), embedder=embedder, drafter=EnglishOnlyDrafter(),
                                options=TrainOptions(aux_embedders=(), val_size=0.3, min_language_rows=5, seed=3),
                                test_size=0.25, detect=_detect)
    per = result["per_language"]
    assert list(per) == ["en", "de", "all"]  # English first, then every ticket together
    for row in (per["en"], per["de"]):
        assert row["in_scope"] > 0
        for name in ("before", "after", "after_detected"):
            assert set(row[name]) == {"false_reject", "oos_recall", "accepted_accuracy"}
            assert 0.0 <= row[name]["false_reject"] <= 1.0
        assert 0.0 <= row["topic_accuracy"] <= 1.0
        assert row["hit5_same_language"] is not None and row["hit5_cross_language"] is not None
        assert row["urgency_accuracy_head"] is not None and row["urgency_accuracy_signals"] is None
        assert row["language_detected_correctly"] == 1.0
    assert per["en"]["draft_language_correct"] == 1.0
    assert per["de"]["draft_language_correct"] == 0.0  # English drafts for German tickets are caught
    assert set(result["goals"]) == {"de"}
    assert result["counts"]["dev"] + result["counts"]["test"] == len(_tickets())
    json.dumps(result)  # the CLI writes it as JSON
    table = markdown_table(result)
    assert table.splitlines()[0] == "| metric | en | de | all |"
    assert per["all"]["in_scope"] == per["en"]["in_scope"] + per["de"]["in_scope"]
    assert "false-reject, per-language rule (after)" in table


def test_goal_check_compares_each_language_with_english() -> None:
    def row(fr: float, acc: float) -> dict[str, object]:
        return {"after": {"false_reject": fr}, "topic_accuracy": acc}

    goals = goal_check({"en": row(0.04, 0.90), "de": row(0.05, 0.88), "fr": row(0.10, 0.85)})
    assert goals["de"] == {"false_reject_within_1_5x": True, "accuracy_within_3_points": True}
    assert goals["fr"] == {"false_reject_within_1_5x": False, "accuracy_within_3_points": False}
    assert goal_check({"de": row(0.1, 0.9)}) == {}


def test_hit_at_k_counts_a_same_topic_neighbour() -> None:
    corpus = np.eye(3, dtype=np.float32)
    queries = np.array([[1, 0.1, 0], [0, 0, 1]], dtype=np.float32)
    hits = hit_at_k(queries, ["a", "x"], corpus, ["a", "b", "c"], k=1)
    assert hits.tolist() == [True, False]
    assert hit_at_k(queries, ["a", "x"], corpus[:0], [], k=1).tolist() == [False, False]


def test_split_is_stratified_by_language_and_topic() -> None:
    dev, test = split_tickets(_tickets(), test_size=0.25, seed=1)
    assert {(t.language, t.topic) for t in test} == {(t.language, t.topic) for t in dev}


def test_load_language_tickets_skips_rows_without_language(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"subject": "Rechnung", "body": "doppelt bezahlt", "topic": "billing", "language": "de-DE",
         "customer": {"tier": "pro"}},
        {"subject": "no language", "body": "x", "topic": "billing"},
    ]) + "\n")
    tickets = load_language_tickets(path)
    assert len(tickets) == 1
    assert tickets[0].language == "de" and tickets[0].tier == "pro"
