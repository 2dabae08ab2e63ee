"""`deskmate build-index --fit-retrieval` and `deskmate fit-retrieval`: fit, gate, activate or refuse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from index.adapter import adapter_dir
from models.registry import ModelRegistry
from scripts.cli import app

runner = CliRunner()
def last_json(output: str) -> dict[str, object]:
    line = [ln for ln in output.splitlines() if ln.startswith("{")][-1]
    summary: dict[str, object] = json.loads(line)
    return summary


DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "tickets.jsonl"


@pytest.fixture()
def demo_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[dict[str, object]]]:
    monkeypatch.setenv("DESKMATE_EMBEDDER__BACKEND", "hashing")
    monkeypatch.setenv("DESKMATE_EMBEDDER__MODEL", "256")
    monkeypatch.setenv("DESKMATE_DATA_DIR", str(tmp_path / "var"))
    rows = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()[:400]]
    resolved = [r for r in rows if r.get("resolution")]
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in resolved[:240]), encoding="utf-8")
    indexed = {r["id"] for r in resolved[:240]}
    return path, [r for r in rows if r["id"] not in indexed]  # the frozen set's rows are never indexed


def test_build_index_fits_the_adapter_and_a_refit_gates_on_the_frozen_set(
        demo_cases: tuple[Path, list[dict[str, object]]], tmp_path: Path) -> None:
    cases, later = demo_cases
    out = tmp_path / "index"
    result = runner.invoke(app, ["build-index", "--out", str(out), "--cases", str(cases), "--no-redact",
                                 "--fit-retrieval"])
    assert result.exit_code == 0, result.output
    assert "gate set" in result.output
    summary = last_json(result.output)
    assert summary["gate_source"] == "split"
    assert summary["written"] == (adapter_dir(out) / "manifest.json").is_file()

    registry = ModelRegistry(tmp_path / "models")
    frozen = [{"id": r["id"], "subject": r["subject"], "body": r["body"], "topic": r["topic"],
               "urgency": r.get("urgency")} for r in later if r.get("topic")][:60]
    registry.write_eval_set(frozen, source="test", seed=1, share=0.2, reason="test")
    result = runner.invoke(app, ["fit-retrieval", "--index", str(out), "--models-dir", str(tmp_path / "models"),
                                 "--dry-run"])
    assert result.exit_code == 0, result.output
    summary = last_json(result.output)
    assert summary["gate_source"] == "frozen" and summary["gate_rows"] == len(frozen)
    assert summary["written"] is False


def test_fit_retrieval_on_cases_without_topics_is_a_clear_error(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKMATE_EMBEDDER__BACKEND", "hashing")
    monkeypatch.setenv("DESKMATE_EMBEDDER__MODEL", "256")
    monkeypatch.setenv("DESKMATE_DATA_DIR", str(tmp_path / "var"))
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(json.dumps({"id": f"c{i}", "subject": f"case {i}", "body": f"words {i} here",
                                         "resolution": "done"}) + "\n" for i in range(30)), encoding="utf-8")
    assert runner.invoke(app, ["build-index", "--out", str(tmp_path / "i"), "--cases", str(cases),
                               "--no-redact"]).exit_code == 0
    result = runner.invoke(app, ["fit-retrieval", "--index", str(tmp_path / "i"), "--no-frozen"])
    assert result.exit_code == 2
    assert "topic" in result.output
    assert not adapter_dir(tmp_path / "i").exists()


def test_retrain_refits_the_adapter_gated_on_the_frozen_set_it_carved(
        demo_cases: tuple[Path, list[dict[str, object]]], tmp_path: Path) -> None:
    cases, later = demo_cases
    out = tmp_path / "index"
    assert runner.invoke(app, ["build-index", "--out", str(out), "--cases", str(cases), "--no-redact"]).exit_code == 0
    assert not adapter_dir(out).exists()
    data = tmp_path / "export.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in later), encoding="utf-8")
    result = runner.invoke(app, ["retrain", "--data", str(data), "--fit-retrieval", "--index", str(out)])
    assert result.exit_code == 0, result.output
    summary = last_json(result.output)
    eval_set = ModelRegistry(tmp_path / "var" / "models").eval_set()
    assert eval_set is not None  # carved by this retrain, then used by the adapter's gate too
    retrieval = summary["retrieval"]
    assert isinstance(retrieval, dict)
    assert retrieval["gate_source"] == "frozen" and retrieval["gate_rows"] == len(eval_set.rows)
    assert retrieval["written"] == (adapter_dir(out) / "manifest.json").is_file()
    assert "retrieval adapter:" in result.output

    no_refit = runner.invoke(app, ["retrain", "--data", str(data), "--dry-run"])
    assert no_refit.exit_code == 0, no_refit.output
    assert "retrieval" not in last_json(no_refit.output)
