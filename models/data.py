"""Reading labelled tickets from CSV or JSONL with a field mapping, and seeded stratified splits."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models.errors import InvalidInputError
from models.text import ticket_text


@dataclass(frozen=True, slots=True)
class FieldMapping:
    """Where each piece of a training row lives in the input file (dotted paths reach into JSON)."""

    text: str | None = None  # one field holding the whole text; else subject + body
    subject: str | None = "subject"
    body: str | None = "body"
    topic: str = "topic"
    urgency: str | None = "urgency"


@dataclass(frozen=True, slots=True)
class LabelledText:
    text: str
    topic: str
    urgency: str | None


def iter_records(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a `.csv`, `.jsonl`/`.ndjson` or `.json` (list of objects) file."""
    if not path.is_file():
        raise InvalidInputError(f"data file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            yield from csv.DictReader(handle)
    elif suffix in {".jsonl", ".ndjson"}:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InvalidInputError(f"{path}:{number}: invalid JSON ({exc.msg})") from exc
                if not isinstance(row, dict):
                    raise InvalidInputError(f"{path}:{number}: expected a JSON object")
                yield row
    elif suffix == ".json":
        rows = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise InvalidInputError(f"{path}: expected a JSON array of objects")
        yield from rows
    else:
        raise InvalidInputError(f"unsupported input format {suffix!r} for {path} (use .csv, .jsonl or .json)")


def get_field(row: Mapping[str, Any], dotted: str) -> Any:
    """Value at a dotted path (`customer.tier`), or None when any step is missing."""
    value: Any = row
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


def iter_labelled(path: Path, mapping: FieldMapping) -> Iterator[tuple[int, dict[str, Any], LabelledText]]:
    """(row number from 1, raw record, labelled text) of each usable row; rows with no text or no topic are
    skipped. The one place that decides which rows of a file count."""
    for number, row in enumerate(iter_records(path), start=1):
        if mapping.text:
            text = ticket_text(None, _as_text(get_field(row, mapping.text)))
        else:
            subject = _as_text(get_field(row, mapping.subject)) if mapping.subject else ""
            body = _as_text(get_field(row, mapping.body)) if mapping.body else ""
            text = ticket_text(subject, body)
        topic = _as_text(get_field(row, mapping.topic)).strip()
        urgency = _as_text(get_field(row, mapping.urgency)).strip() if mapping.urgency else ""
        if text and topic:
            yield number, row, LabelledText(text=text, topic=topic, urgency=urgency or None)


def load_labelled(path: Path, mapping: FieldMapping) -> list[LabelledText]:
    """Labelled rows of a file (see `iter_labelled`); a file with none is an error."""
    rows = [labelled for _, _, labelled in iter_labelled(path, mapping)]
    if not rows:
        raise InvalidInputError(
            f"{path}: no usable rows (check the field mapping: text={mapping.text!r}, "
            f"subject={mapping.subject!r}, body={mapping.body!r}, topic={mapping.topic!r})"
        )
    return rows


def check_fields(path: Path, mapping: FieldMapping, named: Sequence[str]) -> None:
    """Raise when a field the caller named (a flag such as ``--urgency-field``) is in no row of `path`.

    `named` lists FieldMapping attributes (``"text"``, ``"subject"``, ``"body"``, ``"topic"``, ``"urgency"``) or
    raw field names (``"id"``); a named field that no row has is a typo or the wrong file, not "no labels".
    """
    wanted = {name: getattr(mapping, name, name) for name in named}
    wanted = {name: field for name, field in wanted.items() if field}
    if not wanted:
        return
    seen: set[str] = set()
    keys: set[str] = set()
    for row in iter_records(path):
        keys.update(row)
        for name, field in wanted.items():
            if name not in seen and get_field(row, field) not in (None, ""):
                seen.add(name)
        if len(seen) == len(wanted):
            return
    missing = [f"{wanted[name]!r} (--{name.replace('_', '-')}-field)" for name in wanted if name not in seen]
    raise InvalidInputError(f"{path}: no usable rows: no row has a value for {', '.join(missing)}; its fields are "
                            f"{sorted(keys)[:30]} (fix the flag, or leave it out)")


def _rows_by_label(labels: Sequence[str], test_size: float) -> dict[str, list[int]]:
    if not 0.0 < test_size < 1.0:
        raise InvalidInputError("test_size must be between 0 and 1")
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    return by_label


def stratified_split(
    labels: Sequence[str], *, test_size: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Seeded stratified split of row indices; classes too small to split stay in the training part."""
    by_label = _rows_by_label(labels, test_size)
    rng = np.random.default_rng(seed)
    train: list[int] = []
    test: list[int] = []
    for label in sorted(by_label):
        idx = np.array(by_label[label])
        rng.shuffle(idx)
        n_test = int(round(len(idx) * test_size)) if len(idx) >= 2 else 0
        n_test = min(n_test, len(idx) - 1)
        test.extend(idx[:n_test].tolist())
        train.extend(idx[n_test:].tolist())
    return np.array(sorted(train), dtype=np.int64), np.array(sorted(test), dtype=np.int64)


def label_counts(labels: Sequence[str]) -> dict[str, int]:
    return dict(sorted(Counter(labels).items()))


def near_duplicate_groups(vectors: np.ndarray, *, threshold: float) -> np.ndarray:
    """Connected components of rows whose cosine similarity exceeds `threshold` (rows are L2-normalized)."""
    n = vectors.shape[0]
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    sims = vectors @ vectors.T
    rows, cols = np.nonzero(np.triu(sims > threshold, k=1))
    for a, b in zip(rows.tolist(), cols.tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.array([find(i) for i in range(n)])


def grouped_stratified_split(
    labels: Sequence[str], vectors: np.ndarray, *, test_size: float, seed: int, threshold: float = 0.8
) -> tuple[np.ndarray, np.ndarray]:
    """Stratified split that keeps near-paraphrases of the same label on one side.

    A random split puts paraphrases of training rows into the validation part, which then looks easier
    than new traffic: thresholds tuned on it reject more real tickets than intended. Whole groups of
    same-label rows with cosine > `threshold` go to one side instead.
    """
    by_label = _rows_by_label(labels, test_size)
    rng = np.random.default_rng(seed)
    test: list[int] = []
    for label in sorted(by_label):
        idx = np.array(by_label[label])
        if len(idx) < 2:
            continue
        groups = near_duplicate_groups(vectors[idx], threshold=threshold)
        target = max(1, round(len(idx) * test_size))
        chosen: list[int] = []
        for group in rng.permutation(np.unique(groups)):
            if len(chosen) >= target:
                break
            members = idx[groups == group].tolist()
            if len(chosen) + len(members) < len(idx):  # any group size, so the part is not biased to loners
                chosen.extend(members)
        test.extend(chosen)
    test_set = set(test)
    train = [i for i in range(len(labels)) if i not in test_set]
    return np.array(train, dtype=np.int64), np.array(sorted(test), dtype=np.int64)
