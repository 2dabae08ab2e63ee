import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scripts.cli import app
from tests.conftest import synthetic_rows

runner = CliRunner()


@pytest.fixture()
def hashing_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DESKMATE_EMBEDDER__BACKEND", "hashing")
    monkeypatch.setenv("DESKMATE_EMBEDDER__MODEL", "256")
    monkeypatch.setenv("DESKMATE_DATA_DIR", str(tmp_path / "var"))


def write_csv(path: Path, seed: int) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["message", "label", "prio"])
        for row in synthetic_rows(seed=seed):
            writer.writerow([row.text, row.topic, row.urgency])


@pytest.mark.usefixtures("hashing_env")
def test_train_then_evaluate_with_field_mapping(tmp_path: Path) -> None:
    train_csv, test_csv = tmp_path / "train.csv", tmp_path / "test.csv"
    write_csv(train_csv, seed=11)
    write_csv(test_csv, seed=12)
    out = tmp_path / "model"
    result = runner.invoke(app, ["train", "--data", str(train_csv), "--text-field", "message", "--topic-field",
                                 "label", "--urgency-field", "prio", "--out", str(out), "--test-size", "0.2",
                                 "--aux-embedder", "none"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["topic"]["labels"] == ["billing", "feature_request", "login_access", "outage"]
    assert manifest["metrics"]["test"]["topic"]["accuracy"] > 0.8
    assert manifest["metrics"]["counts"]["oos_validation"] + manifest["metrics"]["counts"]["oos_test"] == 20
    assert "--text-field message" in (out / "command.txt").read_text()
    assert manifest["redaction"]["enabled"] is True  # training texts are redacted by default (--no-redact: off)
    assert manifest["segment_head"]["labels"] == sorted([*manifest["topic"]["labels"], "oos"])  # and the oos rows
    plain = tmp_path / "plain"
    result = runner.invoke(app, ["train", "--data", str(train_csv), "--text-field", "message", "--topic-field",
                                 "label", "--urgency-field", "", "--out", str(plain), "--aux-embedder", "none",
                                 "--no-segment-head"])
    assert result.exit_code == 0, result.output
    assert json.loads((plain / "manifest.json").read_text())["segment_head"] is None

    metrics_json, plots = tmp_path / "eval.json", tmp_path / "plots"
    result = runner.invoke(app, ["evaluate", "--model", str(out), "--data", str(test_csv), "--text-field", "message",
                                 "--topic-field", "label", "--urgency-field", "prio", "--json", str(metrics_json),
                                 "--plots", str(plots)])
    assert result.exit_code == 0, result.output
    metrics = json.loads(metrics_json.read_text())
    assert metrics["topic"]["accuracy"] > 0.8 and 0.0 <= metrics["topic"]["ece"] <= 1.0
    assert metrics["abstain"]["n_oos"] == 20 and metrics["abstain"]["oos_recall"] > 0.5
    assert set(metrics["topic"]["per_class"]) >= {"billing", "outage"}
    assert "urgency" in metrics
    assert {p.name for p in plots.iterdir()} == {"confusion_matrix.png", "reliability_diagram.png"}
    assert (plots / "confusion_matrix.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.usefixtures("hashing_env")
def test_train_with_wrong_mapping_fails_cleanly(tmp_path: Path) -> None:
    data = tmp_path / "train.csv"
    write_csv(data, seed=1)
    result = runner.invoke(app, ["train", "--data", str(data), "--text-field", "nope", "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "no usable rows" in result.output
    assert not (tmp_path / "m").exists()


@pytest.mark.usefixtures("hashing_env")
def test_report_with_index_adds_the_hit_at_k_section(tmp_path: Path, trained_model_dir: Path) -> None:
    from index.build import build_index
    from models.embedding.hashing import HashingEmbedder

    data = tmp_path / "tickets.jsonl"
    data.write_text("".join(json.dumps({"id": f"t{i}", "text": r.text, "topic": r.topic, "resolution": "done"}) + "\n"
                            for i, r in enumerate(synthetic_rows(seed=12))))
    build_index(cases_path=data, articles_path=None, out_dir=tmp_path / "index", embedder=HashingEmbedder(256),
                case_text_field="text", dedup_threshold=None, show_progress=False)
    out = tmp_path / "report"
    result = runner.invoke(app, ["report", "--model", str(trained_model_dir), "--data", str(data), "--text-field",
                                 "text", "--urgency-field", "", "--index", str(tmp_path / "index"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    retrieval = json.loads((out / "report.json").read_text())["retrieval"]
    assert retrieval["index"] == str(tmp_path / "index") and retrieval["n_queries"] == 160
    assert retrieval["self_matches_excluded"] == 160 and len(retrieval["hit_at_k"]) == 10
    assert "id='retrieval'" in (out / "report.html").read_text()
