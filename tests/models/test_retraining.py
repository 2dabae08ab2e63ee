from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from models.data import LabelledText
from models.embedding.hashing import HashingEmbedder
from models.registry import ModelRegistry
from models.retraining import (
    REPORT_JSON,
    REPORT_MD,
    TicketRow,
    abstention_cost,
    gate,
    merge_feedback,
    options_from_manifest,
    retrain,
)
from models.training import TrainOptions
from scripts.cli import app
from tests.conftest import synthetic_rows

OPTIONS = TrainOptions(val_size=0.25, seed=3, aux_embedders=())
TOPICS = ["billing", "feature_request", "login_access", "outage"]


def ticket_rows(rows: list[LabelledText], prefix: str) -> list[dict[str, Any]]:
    return [{"id": f"{prefix}-{i}", "subject": "", "body": r.text, "topic": r.topic, "urgency": r.urgency}
            for i, r in enumerate(rows)]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture()
def data(tmp_path: Path) -> dict[str, Any]:
    """Base tickets where half of the billing tickets are mislabelled feature_request; a clean eval file."""
    truth = ticket_rows(synthetic_rows(n_per_topic=40, seed=21, n_oos=20), "T")
    noisy = [dict(r) for r in truth]
    billing = [r for r in noisy if r["topic"] == "billing"]
    wrong_ids = {r["id"] for r in billing[: len(billing) // 2]}
    for row in noisy:
        if row["id"] in wrong_ids:
            row["topic"] = "feature_request"
    corrections = [{**r, "source": "feedback", "suggestion_id": f"S-{r['id']}", "corrected": True}
                   for r in truth if r["id"] in wrong_ids]
    confirmations = [{**r, "source": "feedback", "suggestion_id": f"S-{r['id']}", "corrected": False}
                     for r in truth if r["topic"] == "outage"][:5]
    return {
        "base": write_jsonl(tmp_path / "base.jsonl", noisy),
        "feedback": write_jsonl(tmp_path / "feedback.jsonl", corrections + confirmations),
        "eval": write_jsonl(tmp_path / "eval.jsonl", ticket_rows(synthetic_rows(n_per_topic=15, seed=22, n_oos=10),
                                                                  "E")),
        "truth": truth, "wrong_ids": wrong_ids,
    }


def test_corrected_labels_are_promoted_flipped_labels_rejected_and_rollback_restores(
        tmp_path: Path, data: dict[str, Any]) -> None:
    registry = ModelRegistry(tmp_path / "models")
    embedder = HashingEmbedder(256)
    common: dict[str, Any] = {"registry": registry, "embedder": embedder, "eval_data": [data["eval"]]}

    first = retrain(data=[data["base"]], options=OPTIONS, **common)
    assert first.decision == "promoted" and first.reason == "no current model to compare with"
    assert registry.active_version() == first.candidate_version

    second = retrain(data=[data["base"]], feedback=[data["feedback"]], **common)
    assert second.current_version == first.candidate_version
    assert second.counts["relabelled"] == len(data["wrong_ids"]) and second.counts["overridden"] == len(
        data["wrong_ids"]) + 5
    assert second.counts["corrected"] == len(data["wrong_ids"]) and second.counts["added"] == 0
    checks = {c.metric.split(" (")[0]: c for c in second.checks}
    assert checks["topic accuracy"].candidate > checks["topic accuracy"].current + 0.05
    overall = {name for name in checks if not name.startswith("F1 of topic")}
    assert overall == {"topic accuracy", "topic macro-F1", "urgency accuracy", "abstention cost"}
    assert set(checks) - overall == {f"F1 of topic {t}" for t in TOPICS}  # 15 eval rows each >= 10
    assert second.decision == "promoted" and second.promoted
    assert registry.active_version() == second.candidate_version
    billing_f1 = second.per_class_f1()["billing"]
    assert billing_f1[0] is not None and billing_f1[1] > billing_f1[0]
    stored = json.loads((second.candidate_dir / REPORT_JSON).read_text())
    assert stored["decision"] == "promoted" and stored["current_version"] == first.candidate_version
    assert "| topic accuracy |" in (second.candidate_dir / REPORT_MD).read_text()
    manifest = json.loads((second.candidate_dir / "manifest.json").read_text())
    assert manifest["retrain"]["parent"] == first.candidate_version
    assert manifest["aux_embedders"] == []  # the recipe came from the current model's manifest

    truth = data["truth"]
    flipped = [{**r, "topic": TOPICS[(TOPICS.index(r["topic"]) + 1) % 4], "corrected": True}
               for i, r in enumerate(truth) if r["topic"] != "oos" and i % 5 < 3]
    bad = write_jsonl(tmp_path / "flipped.jsonl", flipped)
    third = retrain(data=[data["base"]], feedback=[data["feedback"], bad], **common)
    assert third.decision == "rejected" and not third.promoted
    assert "topic accuracy" in third.reason
    assert registry.active_version() == second.candidate_version  # the worse candidate never went live
    assert registry.version_dir(third.candidate_version).is_dir()  # but it is kept for inspection

    assert registry.rollback() == first.candidate_version
    assert registry.active_dir() == registry.version_dir(first.candidate_version)


def test_dry_run_and_split_holdout(tmp_path: Path, data: dict[str, Any]) -> None:
    registry = ModelRegistry(tmp_path / "models")
    embedder = HashingEmbedder(256)
    first = retrain(registry=registry, embedder=embedder, data=[data["base"]], options=OPTIONS, holdout=0.25,
                    frozen=False)
    assert first.eval_source == "split" and first.notes == []  # no current model, nothing to be biased towards
    assert first.counts["train_rows"] + first.counts["eval_rows"] == first.counts["merged_rows"] == 180
    assert first.counts["eval_oos_rows"] == 5

    dry = retrain(registry=registry, embedder=embedder, data=[data["base"]], feedback=[data["feedback"]],
                  holdout=0.25, dry_run=True, frozen=False)
    assert dry.decision == "dry-run" and not dry.promoted and dry.reason.startswith("dry run, not promoted")
    assert registry.active_version() == first.candidate_version
    assert any("may have been trained on" in note for note in dry.notes)


def test_merge_feedback_lets_the_agent_win() -> None:
    base = [TicketRow(id="1", subject="s", body="invoice", topic="billing", urgency="low", source="base"),
            TicketRow(id="2", subject=None, body="locked out", topic="billing", urgency="low", source="base"),
            TicketRow(id=None, subject=None, body="no id", topic="outage", urgency=None, source="base")]
    feedback = [TicketRow(id="2", subject=None, body="", topic="login_access", urgency="high", source="feedback",
                          corrected=True),
                TicketRow(id="3", subject=None, body="dark mode", topic="feature_request", urgency="low",
                          source="feedback", corrected=False),
                TicketRow(id="3", subject=None, body="dark mode", topic="feature_request", urgency="normal",
                          source="feedback", corrected=True),
                TicketRow(id="1", subject="s", body="invoice", topic="billing", urgency="low", source="feedback")]
    merged, stats = merge_feedback(base, feedback)
    by_id = {r.id: r for r in merged}
    assert by_id["2"].topic == "login_access" and by_id["2"].body == "locked out"  # labels win, text kept
    assert by_id["3"].urgency == "normal"  # the later feedback row wins
    assert len(merged) == 4 and by_id[None].body == "no id"
    assert (stats.overridden, stats.relabelled, stats.added, stats.corrected) == (2, 1, 1, 2)


def _metrics(acc: float, f1: float, oos: float, fr: float, n: int = 200, n_oos: int = 20) -> dict[str, Any]:
    return {"topic": {"accuracy": acc, "macro_f1": f1, "n": n},
            "abstain": {"oos_recall": oos, "false_reject_rate": fr, "n_oos": n_oos, "n_in_scope": n}}


def test_gate_tolerance_and_abstention_cost() -> None:
    current = _metrics(0.90, 0.88, 0.80, 0.03)  # cost (3 x 4 missed + 6 false rejects) / 220
    assert abstention_cost(current, oos_miss_weight=3.0) == pytest.approx(18 / 220)
    ok = gate(current, _metrics(0.895, 0.875, 0.80, 0.035), tolerance=0.01)
    assert all(c.passed for c in ok)  # every drop within the tolerance
    trade = {c.metric: c for c in gate(current, _metrics(0.90, 0.88, 0.70, 0.0), tolerance=0.0)}
    assert all(c.passed for c in trade.values())  # 2 more misses (x3) paid for by 6 fewer false rejects
    bad = {c.metric.split(" (")[0]: c for c in gate(current, _metrics(0.88, 0.88, 0.70, 0.05), tolerance=0.01)}
    assert not bad["topic accuracy"].passed and bad["topic macro-F1"].passed
    assert not bad["abstention cost"].passed and bad["abstention cost"].higher_is_better is False
    heavier = {c.metric.split(" (")[0]: c for c in gate(current, _metrics(0.90, 0.88, 0.70, 0.0), tolerance=0.0,
                                                        oos_miss_weight=5.0)}
    assert not heavier["abstention cost"].passed  # when a miss costs more, the same trade is refused
    assert [c.metric for c in gate(current, _metrics(0.9, 0.9, 0.0, 0.0, n_oos=0), tolerance=0.01)] == [
        "topic accuracy", "topic macro-F1"]


def test_cli_retrain_models_and_rollback(tmp_path: Path, data: dict[str, Any], trained_model_dir: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKMATE_EMBEDDER__BACKEND", "hashing")
    monkeypatch.setenv("DESKMATE_EMBEDDER__MODEL", "256")
    monkeypatch.setenv("DESKMATE_DATA_DIR", str(tmp_path / "var"))
    shutil.copytree(trained_model_dir, tmp_path / "var" / "models" / "current")  # the demo layout
    runner = CliRunner()
    result = runner.invoke(app, ["retrain", "--data", str(data["base"]), "--feedback", str(data["feedback"]),
                                 "--eval-data", str(data["eval"]), "--tolerance", "0.5"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["decision"] == "promoted" and summary["current"] is not None
    assert "held-out gate" in result.output and "held-out F1 per topic" in result.output

    listed = runner.invoke(app, ["models"])
    assert listed.exit_code == 0, listed.output
    versions = json.loads(listed.stdout.strip().splitlines()[-1])
    assert versions["active"] == summary["candidate"] and len(versions["versions"]) == 2  # + the adopted legacy

    rolled = runner.invoke(app, ["rollback", "--reason", "test"])
    assert rolled.exit_code == 0, rolled.output
    after = json.loads(rolled.stdout.strip().splitlines()[-1])
    assert after["previous"] == summary["candidate"] and after["active"] in versions["versions"]
    again = runner.invoke(app, ["rollback"])
    assert again.exit_code == 2 and "nothing to roll back to" in again.output


def test_retraining_redacts_the_rows_the_candidate_and_the_frozen_set_keep(tmp_path: Path) -> None:
    """With `redact`, neither the candidate's manifest-recorded training nor the frozen evaluation set carved on
    first use holds the personal data of the base rows; ids and labels are kept for merging and the gate."""
    rows = ticket_rows(synthetic_rows(n_per_topic=20, seed=23), "T")
    for row in rows:
        row["subject"] = "From ana.souza@mail.example"
    base = write_jsonl(tmp_path / "base.jsonl", rows)
    registry = ModelRegistry(tmp_path / "models")

    def redact(text: str) -> str:
        return text.replace("ana.souza@mail.example", "[EMAIL]")

    report = retrain(registry=registry, embedder=HashingEmbedder(256), data=[base], options=OPTIONS, redact=redact,
                     redaction={"enabled": True, "kinds": ["email"]})
    eval_set = registry.eval_set()
    assert eval_set is not None and eval_set.rows
    assert all(r["subject"] == "From [EMAIL]" for r in eval_set.rows) and {r["id"] for r in eval_set.rows} <= {
        r["id"] for r in rows}
    manifest = json.loads((registry.version_dir(report.candidate_version) / "manifest.json").read_text())
    assert manifest["redaction"] == {"enabled": True, "kinds": ["email"]}
    assert "souza" not in json.dumps(manifest) and not any(
        "souza" in p.read_text(errors="ignore") for p in (tmp_path / "models").rglob("*.json*"))


def test_retraining_keeps_the_segment_head_recipe_of_the_active_model() -> None:
    defaults = TrainOptions()
    assert options_from_manifest({"segment_head": None}, defaults).segment_head is False  # trained without one
    kept = options_from_manifest({"segment_head": {"c": 3.0}}, defaults)
    assert kept.segment_head is True and kept.segment_head_c == 3.0
    assert options_from_manifest({}, defaults).segment_head is True  # a model from before segment heads gets one
