"""The README's retrain flow on the demo data, gated on the registry's frozen evaluation set: a better candidate
(agents' corrections) is promoted, a worse one (shuffled labels) is rejected, with the reason."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
from typer.testing import CliRunner

from models.classifier import HeadConfig
from models.embedding.hashing import HashingEmbedder
from models.registry import ModelRegistry, RegistryError
from models.retraining import eval_set_rows, refresh_eval_set, retrain
from models.training import TrainOptions, train_from_file
from scripts.cli import DEMO_TICKETS, app

# Hashed token embeddings without TF-IDF: the same recipe as the README's, fast enough for a test.
OPTIONS = TrainOptions(aux_embedders=(), seed=3, head=HeadConfig(tfidf=False), urgency_head=HeadConfig(C=3.0,
                                                                                                       tfidf=False))


@pytest.fixture(autouse=True)
def _one_blas_thread() -> Iterator[None]:
    """BLAS threads fighting over a busy machine's cores make these fits 20x slower."""
    with threadpool_limits(limits=1):
        yield
# Half of these topics' tickets carry the paired label in the noisy export (a desk that filed them wrong).
CONFUSED = {"billing": "refunds", "login_access": "security_incident", "performance": "outage",
            "integrations": "data_export"}


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo tickets with systematic label noise, the agents' corrections of it, and a shuffled export."""
    root = tmp_path_factory.mktemp("demo")
    truth = [json.loads(line) for line in DEMO_TICKETS.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(7)
    noisy, corrections = [], []
    for row in truth:
        wrong = CONFUSED.get(row["topic"])
        if wrong is not None and rng.random() < 0.6:
            noisy.append({**row, "topic": wrong})
            corrections.append({**row, "corrected": True})
        else:
            noisy.append(row)
    topics = sorted({r["topic"] for r in truth if r["topic"] != "oos"})
    shuffled = [{**r, "topic": rng.choice(topics), "corrected": True} for r in truth
                if r["topic"] != "oos" and rng.random() < 0.7]
    return {"truth": truth, "base": _write(root / "tickets.jsonl", noisy),
            "feedback": _write(root / "feedback.jsonl", corrections),
            "shuffled": _write(root / "shuffled.jsonl", shuffled), "n_corrections": len(corrections)}


def test_readme_flow_promotes_corrections_and_rejects_shuffled_labels(
        tmp_path: Path, demo: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKMATE_EMBEDDER__BACKEND", "hashing")
    monkeypatch.setenv("DESKMATE_EMBEDDER__MODEL", "512")
    monkeypatch.setenv("DESKMATE_DATA_DIR", str(tmp_path / "var"))
    registry = ModelRegistry(tmp_path / "var" / "models")
    # `deskmate demo`: a model trained on every row of the (noisy) export, in the legacy layout.
    train_from_file(data=demo["base"], out_dir=registry.legacy_dir, embedder=HashingEmbedder(512), options=OPTIONS)
    runner = CliRunner()

    better = runner.invoke(app, ["retrain", "--data", str(demo["base"]), "--feedback", str(demo["feedback"])])
    assert better.exit_code == 0, better.output
    first = json.loads(better.stdout.strip().splitlines()[-1])
    assert first["decision"] == "promoted", better.output
    said = " ".join(better.output.split())  # rich wraps lines at the terminal width
    assert "frozen evaluation set" in said and "active recipe refit" in said
    eval_set = registry.eval_set()
    assert eval_set is not None and eval_set.manifest["rows"] == pytest.approx(0.2 * len(demo["truth"]), abs=15)
    report = json.loads((registry.version_dir(first["candidate"]) / "retrain_report.json").read_text())
    assert report["eval_source"] == "frozen" and report["current_basis"] == "active recipe refit"
    checks = {c["metric"]: c for c in report["checks"]}
    assert checks["topic accuracy"]["candidate"] > checks["topic accuracy"]["current"] + 0.05
    # Every merged row is trained on or held out, except a row whose text a held-out row repeats word for word
    # (kept out of training so the gate never scores a ticket it trained on; the demo has 4 such repeats).
    repeats = len(demo["truth"]) - len({(r.get("subject"), r.get("body")) for r in demo["truth"]})
    left_out = report["counts"]["merged_rows"] - report["counts"]["train_rows"] - report["counts"]["eval_rows"]
    assert 0 <= left_out <= repeats
    manifest = json.loads((registry.version_dir(first["candidate"]) / "manifest.json").read_text())
    assert manifest["eval_set"]["sha256"] == eval_set.sha256  # trained without the frozen rows, and says so

    worse = runner.invoke(app, ["retrain", "--data", str(demo["base"]), "--feedback", str(demo["feedback"]),
                                "--feedback", str(demo["shuffled"])])
    assert worse.exit_code == 0, worse.output
    second = json.loads(worse.stdout.strip().splitlines()[-1])
    assert second["decision"] == "rejected" and registry.active_version() == first["candidate"]
    report = json.loads((registry.version_dir(second["candidate"]) / "retrain_report.json").read_text())
    assert report["current_basis"] == "active model"  # the promoted one never saw the frozen rows
    assert "topic accuracy" in report["reason"] and "F1 of topic" in report["reason"]
    assert registry.eval_set() == eval_set  # frozen: the second round did not re-carve it

    listed = runner.invoke(app, ["models"], env={"COLUMNS": "60"})
    assert listed.exit_code == 0, listed.output
    assert first["candidate"] in listed.output and second["candidate"] in listed.output  # full ids, even narrow


def test_frozen_set_round_trip_refresh_and_tamper(tmp_path: Path, demo: dict[str, Any]) -> None:
    registry = ModelRegistry(tmp_path / "models")
    assert registry.eval_set() is None
    carved = refresh_eval_set(registry=registry, data=[DEMO_TICKETS], share=0.1, seed=5)
    again = registry.eval_set()
    assert again is not None and again.rows == carved.rows and again.sha256 == carved.sha256
    manifest = again.manifest
    assert manifest["rows"] == len(again.rows) == sum(manifest["counts"].values())
    assert set(manifest["counts"]) == {r["topic"] for r in demo["truth"]}  # stratified: every topic is in it
    assert manifest["source"] == str(DEMO_TICKETS) and manifest["replaces"] is None and manifest["created_at"]
    assert [r.id for r in eval_set_rows(again)] == [r["id"] for r in carved.rows]

    same = refresh_eval_set(registry=registry, data=[DEMO_TICKETS], share=0.1, seed=5)
    assert same.sha256 == carved.sha256 and same.manifest["replaces"] == carved.sha256  # seeded
    other = refresh_eval_set(registry=registry, data=[DEMO_TICKETS], share=0.1, seed=6)
    assert other.sha256 != carved.sha256

    rows_file = registry.eval_set_dir / "rows.jsonl"
    rows_file.write_text(rows_file.read_text().replace('"topic": "billing"', '"topic": "refunds"', 1))
    with pytest.raises(RegistryError, match="does not match"):
        registry.eval_set()


def test_candidates_never_train_on_the_frozen_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import models.training

    registry = ModelRegistry(tmp_path / "models")
    eval_set = refresh_eval_set(registry=registry, data=[DEMO_TICKETS], share=0.2, seed=1)
    seen: list[set[str]] = []
    real = models.training.train_routing_model

    def spy(*, rows: Any, **kwargs: Any) -> Any:
        seen.append({r.text for r in rows})
        return real(rows=rows, **kwargs)

    monkeypatch.setattr("models.retraining.train_routing_model", spy)
    report = retrain(registry=registry, embedder=HashingEmbedder(256), data=[DEMO_TICKETS], options=OPTIONS)
    frozen_texts = {r.text for r in eval_set_rows(eval_set)}
    assert len(seen) == 1 and not frozen_texts & seen[0]  # no active model: one fit, the candidate's
    assert report.counts["eval_rows"] == len(eval_set.rows) and report.eval_source == "frozen"
    truth = [json.loads(line) for line in DEMO_TICKETS.read_text(encoding="utf-8").splitlines() if line.strip()]
    repeats = len(truth) - len({(r.get("subject"), r.get("body")) for r in truth})  # the same text twice
    left_out = report.counts["merged_rows"] - len(eval_set.rows) - report.counts["train_rows"]
    assert 0 <= left_out <= repeats  # only a repeat of a frozen row's text is left out of training


def test_cli_eval_set_refresh_and_show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKMATE_DATA_DIR", str(tmp_path / "var"))
    runner = CliRunner()
    empty = runner.invoke(app, ["eval-set", "show"])
    assert empty.exit_code == 0 and json.loads(empty.stdout.strip().splitlines()[-1]) is None
    refreshed = runner.invoke(app, ["eval-set", "refresh", "--data", str(DEMO_TICKETS), "--share", "0.1"])
    assert refreshed.exit_code == 0, refreshed.output
    manifest = json.loads(refreshed.stdout.strip().splitlines()[-1])
    assert manifest["share"] == 0.1 and manifest["reason"] == "explicit refresh" and manifest["rows"] > 200
    stored = " ".join(p.read_text(errors="ignore") for p in (tmp_path / "var").rglob("*") if p.is_file())
    assert "[EMAIL]" in stored and not re.search(r"[\w.+-]+@[\w-]+\.example", stored)  # carved from redacted rows
    shown = runner.invoke(app, ["eval-set", "show"])
    assert json.loads(shown.stdout.strip().splitlines()[-1])["sha256"] == manifest["sha256"]
    bad = runner.invoke(app, ["eval-set", "refresh", "--data", str(DEMO_TICKETS), "--share", "1.5"])
    assert bad.exit_code == 2 and "between 0 and 1" in bad.output
