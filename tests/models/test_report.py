from __future__ import annotations

import base64
import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from index.build import build_index
from index.retrieval_curve import IndexCurve
from models.data import FieldMapping
from models.embedding.hashing import HashingEmbedder
from models.errors import ArtifactError, InvalidInputError
from models.report import ReportOptions, build_report, row_ids
from scripts.cli import app
from tests.conftest import synthetic_rows

SECTIONS = ("summary", "confusion", "reliability", "coverage", "retrieval", "per-class", "baseline")


def write_rows(path: Path, seed: int) -> None:
    with path.open("w") as handle:
        for i, row in enumerate(synthetic_rows(seed=seed)):
            handle.write(json.dumps({"id": f"t{i}", "text": row.text, "topic": row.topic, "urgency": row.urgency,
                                     "resolution": f"answered {row.topic}"}) + "\n")


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory, trained_model_dir: Path) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    data = tmp / "tickets.jsonl"
    write_rows(data, seed=12)
    embedder = HashingEmbedder(256)
    build_index(cases_path=data, articles_path=None, out_dir=tmp / "index", embedder=embedder,
                case_text_field="text", dedup_threshold=None, show_progress=False)
    build_report(model_dir=trained_model_dir, embedder=embedder, data=[data], out_dir=tmp / "out",
                 mapping=FieldMapping(text="text"), retrieval=IndexCurve(tmp / "index", embedder),
                 options=ReportOptions(max_k=10),
                 command="deskmate report --test")
    return tmp / "out"


def _report(report_dir: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((report_dir / "report.json").read_text())
    return result


def test_html_is_self_contained_and_has_every_section(report_dir: Path) -> None:
    html = (report_dir / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, flags=re.IGNORECASE)
    assert "<link" not in html and "<script" not in html
    for section in SECTIONS:
        assert f"id='{section}'" in html, section
    images = re.findall(r'<img src="([^"]+)"', html)
    assert len(images) == 4  # confusion, reliability, coverage, hit@k
    for uri in images:
        assert uri.startswith("data:image/png;base64,")
        assert base64.b64decode(uri.split(",", 1)[1])[:4] == b"\x89PNG"
    assert "billing" in html and "deskmate report --test" in html


def test_numbers_are_plausible(report_dir: Path) -> None:
    report = _report(report_dir)
    evaluation = report["evaluation"]
    assert report["data"]["rows"] == 180 and report["data"]["oos_rows"] == 20
    assert evaluation["topic"]["accuracy"] > 0.8 and 0 <= evaluation["topic"]["ece"] <= 1
    assert evaluation["abstain"]["oos_recall"] > 0.5
    assert set(evaluation["topic"]["per_class"]) == {"billing", "feature_request", "login_access", "outage"}
    baseline = {row["metric"]: row for row in report["baseline"]["rows"]}
    assert {"accuracy", "macro_f1", "oos_recall", "false_reject_rate"} <= set(baseline)
    assert baseline["accuracy"]["baseline"] > 0.7 and baseline["accuracy"]["deskmate"] > 0.7
    assert report["baseline"]["n_test"] + report["baseline"]["n_train"] == 160
    assert report["baseline"]["n_oos"] == 20 and not report["data"]["model_trained_on_it"]


def test_coverage_curves_are_monotone_and_mark_the_operating_point(report_dir: Path) -> None:
    coverage = _report(report_dir)["coverage"]
    assert set(coverage["curves"]) == {"confidence", f"oos score ({coverage['rule']['oos_score']})"}
    for name, curve in coverage["curves"].items():
        covers = [p["coverage"] for p in curve]
        assert covers[0] == 1.0 and all(a >= b for a, b in itertools.pairwise(covers)), name
        assert curve[-1]["oos_recall"] >= curve[0]["oos_recall"] == 0.0
        assert coverage["operating"][name]["threshold"] is not None
    model_point = coverage["model_point"]
    evaluation = _report(report_dir)["evaluation"]
    assert model_point["in_scope_coverage"] == pytest.approx(1 - evaluation["abstain"]["false_reject_rate"])
    assert model_point["oos_recall"] == pytest.approx(evaluation["abstain"]["oos_recall"])


def test_hit_at_k_curve_leaves_out_the_query_and_never_decreases(report_dir: Path) -> None:
    retrieval = _report(report_dir)["retrieval"]
    curve = retrieval["hit_at_k"]
    assert len(curve) == 10 and retrieval["k"][0] == 1
    assert all(a <= b for a, b in itertools.pairwise(curve))
    assert 0.5 < curve[0] < 1.0 or curve[0] == pytest.approx(1.0)
    assert retrieval["n_queries"] == 160  # in-scope rows only
    assert retrieval["self_matches_excluded"] == 160  # every query is itself a case of the index


def test_row_ids_follow_the_kept_rows_and_fall_back_like_build_index(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    rows = [{"id": "a", "text": "x", "topic": "t"}, {"text": "", "topic": "t"}, {"text": "y", "topic": ""},
            {"text": "z", "topic": "t"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert row_ids([path], FieldMapping(text="text"), "id") == ["a", "rows-4"]


@pytest.fixture()
def hashing_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DESKMATE_EMBEDDER__BACKEND", "hashing")
    monkeypatch.setenv("DESKMATE_EMBEDDER__MODEL", "256")
    monkeypatch.setenv("DESKMATE_DATA_DIR", str(tmp_path / "var"))


@pytest.mark.usefixtures("hashing_env")
def test_cli_report_with_bench_json_baseline(tmp_path: Path, trained_model_dir: Path) -> None:
    data = tmp_path / "tickets.jsonl"
    write_rows(data, seed=13)
    bench = tmp_path / "quality.json"
    bench.write_text(json.dumps({"command": "python -m bench.quality", "started_at": "2026-01-01T00:00:00Z",
                                 "comparison": [{"dataset": "banking77", "metric": "accuracy", "deskmate": 0.94,
                                                 "baseline": 0.9}]}))
    out = tmp_path / "report"
    result = CliRunner().invoke(app, ["report", "--model", str(trained_model_dir), "--data", str(data),
                                      "--text-field", "text", "--baseline-json", str(bench), "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    assert report["baseline"]["rows"] == [{"metric": "banking77 accuracy", "deskmate": 0.94, "baseline": 0.9}]
    assert "retrieval" not in report and "--baseline-json" in report["command"]
    html = (out / "report.html").read_text()
    assert "python -m bench.quality" in html and "id='retrieval'" not in html

    bench.write_text("{}")
    result = CliRunner().invoke(app, ["report", "--model", str(trained_model_dir), "--data", str(data),
                                      "--text-field", "text", "--baseline-json", str(bench), "--out", str(out)])
    assert result.exit_code == 2 and "not a bench/quality.py result" in result.output


def test_missing_model_and_wrong_mapping_fail_clearly(tmp_path: Path, trained_model_dir: Path) -> None:
    data = tmp_path / "tickets.jsonl"
    write_rows(data, seed=12)
    with pytest.raises(InvalidInputError, match="no usable rows"):
        build_report(model_dir=trained_model_dir, embedder=HashingEmbedder(256), data=[data],
                     out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()
    with pytest.raises(ArtifactError, match="no trained model"):
        build_report(model_dir=tmp_path / "missing", embedder=HashingEmbedder(256), data=[data],
                     out_dir=tmp_path / "out")
