import json
from pathlib import Path

import numpy as np
import pytest

from models.data import FieldMapping, grouped_stratified_split, load_labelled, stratified_split
from models.errors import InvalidInputError


def test_jsonl_with_dotted_fields_and_html(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    rows = [{"t": {"subject": "Hi", "body": "<p>refund <b>please</b></p>"}, "label": {"topic": "refunds"}},
            {"t": {"subject": "", "body": ""}, "label": {"topic": "refunds"}},
            {"t": {"subject": "x"}, "label": {}}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    loaded = load_labelled(path, FieldMapping(subject="t.subject", body="t.body", topic="label.topic", urgency=None))
    assert [(r.text, r.topic, r.urgency) for r in loaded] == [("Hi\nrefund please", "refunds", None)]


def test_bad_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="not found"):
        load_labelled(tmp_path / "nope.csv", FieldMapping())
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"subject": "a"}\n{oops\n')
    with pytest.raises(InvalidInputError, match=r"bad\.jsonl:2"):
        load_labelled(bad, FieldMapping())
    parquet = tmp_path / "x.parquet"
    parquet.touch()
    with pytest.raises(InvalidInputError, match="unsupported input format"):
        load_labelled(parquet, FieldMapping())


def test_stratified_split_is_seeded_and_keeps_every_class_in_train() -> None:
    labels = ["a"] * 50 + ["b"] * 10 + ["c"]
    train, test = stratified_split(labels, test_size=0.2, seed=3)
    again = stratified_split(labels, test_size=0.2, seed=3)
    assert np.array_equal(train, again[0]) and np.array_equal(test, again[1])
    assert sorted([labels[i] for i in test]).count("a") == 10 and [labels[i] for i in test].count("b") == 2
    assert "c" in {labels[i] for i in train} and "c" not in {labels[i] for i in test}


def test_grouped_split_keeps_near_duplicates_together() -> None:
    rng = np.random.default_rng(0)
    centers = rng.normal(size=(20, 16))
    vectors = np.repeat(centers, 3, axis=0) + rng.normal(scale=0.01, size=(60, 16))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    groups = np.repeat(np.arange(20), 3)
    labels = ["x"] * 30 + ["y"] * 30
    train, test = grouped_stratified_split(labels, vectors, test_size=0.2, seed=1, threshold=0.9)
    assert len(test) > 0 and len(set(train) | set(test)) == 60
    assert not set(groups[train]) & set(groups[test])
