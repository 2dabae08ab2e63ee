from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from models.pii import Redactor
from scripts.cli import app
from scripts.feedback import export_feedback
from service.store import db
from service.store.repository import FeedbackStore, NewFeedback, NewResolution
from tests.service.store.test_repository import route, suggestion


def test_db_upgrade_then_export_feedback(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    runner = CliRunner()
    result = runner.invoke(app, ["db-upgrade", "--store-url", url])
    assert result.exit_code == 0, result.output
    engine = db.open_engine(url)
    assert db.current_revision(engine) == db.head_revision()
    engine.dispose()

    store = FeedbackStore.open(url, redactor=Redactor(), migrate=False)
    store.record_suggestion(suggestion(route("T-1", suggestion_id="sug_1"), "sug_1"))
    store.record_suggestion(suggestion(route("T-2", suggestion_id="sug_2"), "sug_2"))
    store.add_feedback(NewFeedback("sug_1", "rejected", "a", reason_code="wrong_topic", corrected_topic="account"))
    store.record_resolution(NewResolution("T-2", "outage", "Fixed.", urgency="urgent"))
    store.close()

    out = tmp_path / "feedback.jsonl"
    now = datetime.now(UTC)
    counts = export_feedback(store_url=url, out=out, since=now - timedelta(hours=1), until=now + timedelta(hours=1))
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert counts == {"rows": 2, "corrected": 2, "confirmed": 0, "re_redacted": 0}
    assert [(r["id"], r["topic"], r["urgency"]) for r in rows] == [("T-1", "account", "normal"),
                                                                   ("T-2", "outage", "urgent")]
    result = runner.invoke(app, ["export-feedback", "--store-url", url, "--out", str(out), "--since", "2020-01-01",
                                 "--until", "2020-01-02"])
    assert result.exit_code == 0, result.output
    assert out.read_text() == ""
    result = runner.invoke(app, ["export-feedback", "--store-url", url, "--out", str(out), "--since", "soon"])
    assert result.exit_code != 0
