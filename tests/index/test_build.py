from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from index.build import add_cases, build_index, delete_cases, index_info, search
from models.embedding.hashing import HashingEmbedder
from models.errors import InvalidInputError
from tests.index.conftest import make_articles, make_cases


def _write_inputs(tmp_path: Path) -> tuple[Path, Path]:
    cases_path = tmp_path / "cases.csv"
    with cases_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["ticket_id", "subject", "message", "reply", "topic", "language", "channel", "brand", "closed"]
        )
        for case in make_cases(40):
            writer.writerow(
                [
                    case.id,
                    case.topic,
                    case.text,
                    case.resolution,
                    case.topic,
                    case.language,
                    case.channel,
                    case.tenant,
                    case.resolved_at,
                ]
            )
    articles_path = tmp_path / "kb.jsonl"
    articles_path.write_text(
        "".join(json.dumps(a.to_dict()) + "\n" for a in make_articles()), encoding="utf-8"
    )
    return cases_path, articles_path


def test_build_index_from_files_then_search(tmp_path: Path, embedder: HashingEmbedder) -> None:
    cases_path, articles_path = _write_inputs(tmp_path)
    out = tmp_path / "index"
    manifest = build_index(
        cases_path=cases_path,
        articles_path=articles_path,
        out_dir=out,
        embedder=embedder,
        id_field="ticket_id",
        body_field="message",
        resolution_field="reply",
        tenant_field="brand",
        resolved_at_field="closed",
        dedup_threshold=None,
        show_progress=False,
    )
    assert manifest.counts["cases"] == 40 and manifest.counts["articles"] == 3
    assert manifest.options["case_fields"]["id_field"] == "ticket_id"
    assert index_info(index_dir=out).version == manifest.version
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging leftovers
    results = search(index_dir=out, query="refund invoice charged twice", embedder=embedder, tenant="acme")
    assert results.cases and all(c.tenant == "acme" for c in results.cases)
    assert results.cases[0].resolution_excerpt.startswith("Resolved")
    assert results.articles[0].id == "kb-1"

    with pytest.raises(InvalidInputError, match="not empty"):
        build_index(
            cases_path=cases_path, articles_path=None, out_dir=out, embedder=embedder, show_progress=False
        )
    rebuilt = build_index(
        cases_path=cases_path,
        articles_path=None,
        out_dir=out,
        embedder=embedder,
        id_field="ticket_id",
        resolution_field="reply",
        overwrite=True,
        show_progress=False,
    )
    assert rebuilt.counts["articles"] == 0 and index_info(index_dir=out).counts["articles"] == 0


def test_add_and_delete_functions(tmp_path: Path, embedder: HashingEmbedder) -> None:
    cases_path, _ = _write_inputs(tmp_path)
    out = tmp_path / "index"
    build_index(
        cases_path=cases_path,
        articles_path=None,
        out_dir=out,
        embedder=embedder,
        id_field="ticket_id",
        resolution_field="reply",
        show_progress=False,
    )
    new = tmp_path / "new.jsonl"
    new.write_text(
        json.dumps({"id": "n1", "subject": "Warp drive", "body": "warp core breach on deck 5"}) + "\n",
        encoding="utf-8",
    )
    assert add_cases(index_dir=out, cases_path=new, embedder=embedder).added == ["n1"]
    assert search(index_dir=out, query="warp core", embedder=embedder, mode="lexical").cases[0].id == "n1"
    assert delete_cases(index_dir=out, case_ids=["n1"], embedder=embedder) == ["n1"]
    assert search(index_dir=out, query="warp core", embedder=embedder, mode="lexical").cases == []
    assert index_info(index_dir=out).revision == 2


def test_build_needs_some_input(tmp_path: Path, embedder: HashingEmbedder) -> None:
    with pytest.raises(InvalidInputError, match="cases_path"):
        build_index(cases_path=None, articles_path=None, out_dir=tmp_path / "x", embedder=embedder)
