"""`deskmate train-topics` and `deskmate label-queue`: exit codes, output, and the store as the ticket source."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from scripts.cli import app
from scripts.label_queue import tickets_from_file, tickets_from_store
from service.settings import REPO_ROOT
from service.store import db
from service.store.tables import FeedbackEventRow, RoutingDecisionRow, SuggestionRow, TicketRow

runner = CliRunner()
DEMO_TOPICS = REPO_ROOT / "data" / "demo" / "topics.yaml"


@pytest.fixture()
def hashing_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DESKMATE_EMBEDDER__BACKEND", "hashing")
    monkeypatch.setenv("DESKMATE_EMBEDDER__MODEL", "256")
    monkeypatch.setenv("DESKMATE_DATA_DIR", str(tmp_path / "var"))


def _tickets(path: Path) -> Path:
    rows = [{"id": "T-1", "subject": "Charged twice", "body": "My card was charged twice for the invoice"},
            {"id": "T-2", "subject": "Login and invoice",
             "body": "I cannot sign in to download the invoice, password reset fails and the card payment too"},
            {"id": "T-3", "subject": "Down", "body": "The service is down for everyone since 9 am"},
            {"id": "T-4", "subject": "Refund", "body": "Refund please", "topic": "refunds"}]  # labelled: skipped
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.mark.usefixtures("hashing_env")
def test_train_topics_then_label_queue(tmp_path: Path) -> None:
    out = tmp_path / "model"
    result = runner.invoke(app, ["train-topics", "--topics", str(DEMO_TOPICS), "--out", str(out), "--no-tfidf"])
    assert result.exit_code == 0, result.output
    assert "few-shot logistic regression" in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["cold_start"]["topics"][4]["urgency"] == "high"

    tickets = _tickets(tmp_path / "tickets.jsonl")
    result = runner.invoke(app, ["label-queue", "--model", str(out), "--input", str(tickets), "--limit", "3",
                                 "--strategy", "uncertainty", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert rows[0]["id"] == "T-2"
    assert {r["id"] for r in rows} == {"T-1", "T-2", "T-3"}
    assert all(r["reason"] for r in rows)

    plain = runner.invoke(app, ["label-queue", "--model", str(out), "--input", str(tickets), "--limit", "2"])
    assert plain.exit_code == 0, plain.output
    assert "  1. " in plain.output and "unsure between" in plain.output


@pytest.mark.usefixtures("hashing_env")
def test_train_topics_with_unlabelled_tickets_self_trains(tmp_path: Path) -> None:
    demo = [json.loads(line) for line in (REPO_ROOT / "data" / "demo" / "tickets.jsonl").read_text().splitlines()]
    unlabelled = tmp_path / "unlabelled.jsonl"
    unlabelled.write_text("".join(json.dumps({"id": r["id"], "subject": r["subject"], "body": r["body"]}) + "\n"
                                  for r in demo[:300]) + json.dumps({**demo[300], "topic": "billing"}) + "\n")
    out = tmp_path / "model"
    result = runner.invoke(app, ["train-topics", "--topics", str(DEMO_TOPICS), "--out", str(out), "--no-tfidf",
                                 "--unlabelled", str(unlabelled), "--max-false-reject", "0.1"])
    assert result.exit_code == 0, result.output
    assert "few-shot logistic regression + self-training" in result.output
    assert "of 300 unlabelled tickets joined the training rows" in result.output  # the labelled row is skipped
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["cold_start"]["unlabelled"] == {"path": str(unlabelled), "tickets": 300, "redacted": True}
    assert manifest["cold_start"]["self_training"]["pseudo_rows"] > 0
    assert manifest["training"]["max_false_reject"] == 0.1
    bad = runner.invoke(app, ["train-topics", "--topics", str(DEMO_TOPICS), "--out", str(tmp_path / "m3"),
                              "--max-false-reject", "1.5"])
    assert bad.exit_code == 2 and "between 0 and 1" in bad.output

    only_labelled = tmp_path / "labelled.jsonl"
    only_labelled.write_text(json.dumps({**demo[0], "topic": "billing"}) + "\n")
    for path, message in ((only_labelled, "no ticket without a topic"), (tmp_path / "missing.jsonl", "no such file")):
        result = runner.invoke(app, ["train-topics", "--topics", str(DEMO_TOPICS), "--out", str(tmp_path / "m2"),
                                     "--unlabelled", str(path)])
        assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "m2").exists()


@pytest.mark.usefixtures("hashing_env")
def test_unlabelled_tickets_are_redacted_before_the_model_learns_their_words(tmp_path: Path) -> None:
    demo = [json.loads(line) for line in (REPO_ROOT / "data" / "demo" / "tickets.jsonl").read_text().splitlines()]
    rows = [{"id": r["id"], "subject": r["subject"], "body": r["body"]} for r in demo[:200]]
    rows.append({"id": "X-1", "subject": "Charged twice",
                 "body": "Please refund zorbulax.quintrell@example.com, card 4111 1111 1111 1111, "
                         "phone +1 415 555 0199"})
    unlabelled = tmp_path / "unlabelled.jsonl"
    unlabelled.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "model"
    result = runner.invoke(app, ["train-topics", "--topics", str(DEMO_TOPICS), "--out", str(out),
                                 "--unlabelled", str(unlabelled)])  # TF-IDF on: the model keeps a vocabulary
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["cold_start"]["self_training"]["pseudo_rows"] == 201  # every ticket joined, X-1 included
    stored = b"".join(f.read_bytes() for f in out.rglob("*") if f.is_file())
    for secret in (b"zorbulax", b"quintrell", b"4111 1111", b"0199"):
        assert secret not in stored, secret
    assert manifest["cold_start"]["unlabelled"]["redacted"] is True


@pytest.mark.usefixtures("hashing_env")
def test_cli_errors_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "topics.yaml"
    bad.write_text("topics:\n  - name: only\n")
    result = runner.invoke(app, ["train-topics", "--topics", str(bad), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "description is missing" in result.output
    result = runner.invoke(app, ["train-topics", "--topics", str(DEMO_TOPICS), "--out", str(tmp_path / "m"),
                                 "--fine-tune"])
    assert result.exit_code == 2 and "--embedder-out" in result.output
    result = runner.invoke(app, ["label-queue", "--model", str(tmp_path / "none"), "--input",
                                 str(_tickets(tmp_path / "t.jsonl"))])
    assert result.exit_code == 2 and "manifest.json missing" in result.output
    result = runner.invoke(app, ["label-queue", "--model", str(tmp_path / "none"), "--strategy", "best",
                                 "--input", str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 2


def test_tickets_from_file_skips_labelled_rows(tmp_path: Path) -> None:
    tickets = tickets_from_file(_tickets(tmp_path / "t.jsonl"))
    assert [t.id for t in tickets] == ["T-1", "T-2", "T-3"]


def test_tickets_from_store_lists_unreviewed_and_uncorrected_triage(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = db.open_engine(url)
    db.upgrade(engine)
    now = datetime.now(UTC)

    def decision(ticket: str, *, needs_human: bool, suggestion: str | None) -> RoutingDecisionRow:
        return RoutingDecisionRow(ticket_id=ticket, suggestion_id=suggestion, topic="billing", topic_confidence=0.5,
                                  alternatives=[], urgency="normal", queue="billing", priority="normal",
                                  sla_minutes=480, needs_human=needs_human, reason=None, model_version="v1",
                                  created_at=now)

    def feedback(suggestion: str, corrected: str | None) -> FeedbackEventRow:
        return FeedbackEventRow(suggestion_id=suggestion, request_hash="h", action="edit", agent_id="a",
                                corrected_topic=corrected, created_at=now)

    with Session(engine) as session:
        for ticket in ("no-feedback", "reviewed", "triaged-open", "triaged-fixed", "never-routed"):
            session.add(TicketRow(ticket_id=ticket, subject=ticket, body="some text", first_seen_at=now,
                                  last_seen_at=now))
        session.flush()
        for ticket in ("reviewed", "triaged-open", "triaged-fixed"):
            session.add(SuggestionRow(suggestion_id=f"s-{ticket}", ticket_id=ticket, created_at=now, topic="billing",
                                      queue="billing", model_version="v1"))
        session.flush()
        session.add_all([decision("no-feedback", needs_human=False, suggestion=None),
                         decision("reviewed", needs_human=False, suggestion="s-reviewed"),
                         decision("triaged-open", needs_human=True, suggestion="s-triaged-open"),
                         decision("triaged-fixed", needs_human=True, suggestion="s-triaged-fixed"),
                         feedback("s-reviewed", None), feedback("s-triaged-open", None),
                         feedback("s-triaged-fixed", "refunds")])
        session.commit()
    engine.dispose()
    assert sorted(t.id for t in tickets_from_store(url)) == ["no-feedback", "triaged-open"]
