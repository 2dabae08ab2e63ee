"""`build-index` with no usable case is an error that says why, not an empty index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.build import build_index
from models.embedding.hashing import HashingEmbedder
from models.errors import InvalidInputError
from tests.index.conftest import make_cases


def test_no_resolution_column_is_an_error_with_the_reason(tmp_path: Path, embedder: HashingEmbedder) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(json.dumps({"id": c.id, "subject": c.topic, "body": c.text, "reply": c.resolution})
                             + "\n" for c in make_cases(12)))
    with pytest.raises(InvalidInputError, match=r"0 usable cases: all 12 rows lack a resolution in field "
                                                r"'resolution' \(pass --resolution-field"):
        build_index(cases_path=cases, articles_path=None, out_dir=tmp_path / "index",
                    embedder=embedder, show_progress=False)
    assert not (tmp_path / "index").exists()

    manifest = build_index(cases_path=cases, articles_path=None, out_dir=tmp_path / "index",
                           embedder=embedder, show_progress=False,
                           resolution_field="reply")
    assert manifest.counts["cases"] == 12


def test_empty_cases_file_is_an_error(tmp_path: Path, embedder: HashingEmbedder) -> None:
    empty = tmp_path / "cases.jsonl"
    empty.write_text("")
    with pytest.raises(InvalidInputError, match="0 usable cases: the file has no rows"):
        build_index(cases_path=empty, articles_path=None, out_dir=tmp_path / "index",
                    embedder=embedder, show_progress=False)
