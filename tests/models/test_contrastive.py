"""SetFit-style pair building for the contrastive fine-tune, and (slow) the torch loop on MiniLM itself."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from models.contrastive import FINETUNE_FORMAT, FineTuneOptions, _batches, fine_tune, make_pairs
from models.errors import InvalidInputError


def test_pairs_join_texts_of_the_same_label_only() -> None:
    labels = ["a", "a", "a", "b", "b", "c"]
    pairs = make_pairs(labels, pairs_per_text=2, rng=np.random.default_rng(1))
    assert all(labels[i] == labels[j] and i != j for i, j in pairs)
    assert len(pairs) == 3 * 2 + 2 * 1  # "c" has no partner
    assert {i for i, _ in pairs} == {0, 1, 2, 3, 4}


def test_batches_never_hold_two_pairs_of_one_label() -> None:
    labels = ["a"] * 6 + ["b"] * 6 + ["c"] * 6
    rng = np.random.default_rng(2)
    pairs = make_pairs(labels, pairs_per_text=2, rng=rng)
    batches = _batches(pairs, labels, 8, rng)
    assert sorted(p for b in batches for p in b) == sorted(pairs)
    for batch in batches:
        assert len({labels[i] for i, _ in batch}) == len(batch) <= 3


def test_fine_tune_refuses_misaligned_rows(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="one label each"):
        fine_tune(texts=["a", "b"], labels=["x"], out_dir=tmp_path)


@pytest.mark.slow
def test_fine_tune_pulls_same_topic_texts_together(tmp_path: Path) -> None:
    from models.embedding.base import DEFAULT_MODEL
    from models.embedding.sentence_transformer import SentenceTransformerEmbedder

    groups = {"card": ["My card was charged twice", "Double charge on my card", "I see two card payments",
                       "Card payment went through twice"],
              "login": ["I cannot log in", "Password reset link does not work", "Locked out of my account",
                        "Sign-in keeps failing"],
              "export": ["How do I export my data?", "Download all projects as CSV", "Export to Excel please",
                         "Need a backup of every task"]}
    texts = [t for rows in groups.values() for t in rows]
    labels = [label for label, rows in groups.items() for _ in rows]

    def margin(model: str) -> float:
        embedder = SentenceTransformerEmbedder(model, num_threads=2)
        embedder.load()
        v = embedder.encode(texts)
        sims = v @ v.T
        same = np.array([[a == b for b in labels] for a in labels])
        np.fill_diagonal(same, False)
        other = ~same
        np.fill_diagonal(other, False)
        return float(sims[same].mean() - sims[other].mean())

    out = fine_tune(texts=texts, labels=labels, out_dir=tmp_path / "tuned",
                    options=FineTuneOptions(epochs=3, batch_size=3, learning_rate=1e-4, threads=2))
    manifest = json.loads((out / "deskmate.json").read_text())
    assert manifest["format"] == FINETUNE_FORMAT and manifest["steps"] > 0 and manifest["labels"] == 3
    assert manifest["options"]["device"] == "cpu"
    assert margin(str(out)) > margin(DEFAULT_MODEL) + 0.02  # same-topic texts closer, other topics further
