"""SetFit-style pair building for the contrastive fine-tune (the torch loop itself runs in bench/cold_start.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.contrastive import _batches, fine_tune, make_pairs
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
