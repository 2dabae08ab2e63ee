"""`deskmate redact-existing`: data stored before redaction (store rows, an index directory) is redacted in place,
ids holding personal data are re-keyed, and a second run changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from index.build import build_index, redact_index
from index.search_index import SearchIndex
from models.embedding.hashing import HashingEmbedder
from models.pii import Redactor
from scripts.cli import app
from scripts.redact import redact_existing_store
from service.privacy import IdGuard, build_case_redactor
from service.records import RouteRecord, SuggestionRecord, SuggestionSources, TicketSeen
from service.settings import Settings
from service.store.repository import FeedbackStore, NewFeedback, NewResolution
from service.store.tables import FeedbackEventRow, ResolutionRow, RoutingDecisionRow, SuggestionRow, TicketRow
from tests.service.test_redaction_paths import EMAIL, IBAN, PII_TEXT, assert_clean, index_bytes, pii_cases
from tests.service.test_retrieval_api import ARTICLES, write_jsonl


def old_route(ticket_id: str, sid: str) -> RouteRecord:
    return RouteRecord(ticket=TicketSeen(ticket_id, "Charged twice", PII_TEXT, "email", "en"), topic="billing",
                       topic_confidence=0.9, alternatives=(), urgency="normal", queue="q-billing", priority="normal",
                       sla_minutes=480, needs_human=False, reason=None, model_version="m1", suggestion_id=sid)


def fill_like_an_old_version(url: str) -> None:
    """Rows as a version without redaction stored them: raw text, an email as ticket and agent id."""
    raw = FeedbackStore.open(url, redactor=Redactor(enabled=False), ids=IdGuard(None, enabled=False))
    try:
        raw.record_suggestion(SuggestionRecord(
            suggestion_id="sug_1", route=old_route(EMAIL, "sug_1"), index_version="i1",
            draft={"text": f"Hi, we refunded {IBAN}", "drafter": "composer"},
            sources=SuggestionSources(case_ids=(EMAIL,)), draft_error=None))
        raw.add_feedback(NewFeedback(suggestion_id="sug_1", action="edited", agent_id=EMAIL,
                                     final_text=f"Refunded to {IBAN}, {EMAIL}"))
        raw.record_resolution(NewResolution(ticket_id=EMAIL, topic="billing", reply=f"Done: {PII_TEXT}",
                                            agent_id=EMAIL))
        raw.record_suggestion(SuggestionRecord(
            suggestion_id="sug_2", route=old_route("ZD-2", "sug_2"), index_version="i1", draft=None,
            sources=SuggestionSources(), draft_error=None))
    finally:
        raw.close()


def test_store_is_redacted_in_place_and_ids_rekeyed(store_url: str, tmp_path: Path) -> None:
    fill_like_an_old_version(store_url)
    privacy = build_case_redactor(Settings(data_dir=tmp_path / "var"))
    seen: list[tuple[str, int, int]] = []
    counts = redact_existing_store(store_url=store_url, privacy=privacy, progress=lambda *a: seen.append(a))
    assert counts["tickets"] == 2 and counts["feedback_events"] == 1 and counts["tickets_rekeyed"] == 1
    assert seen and seen[0][0] == "tickets"
    pseudonym = privacy.ids.stored(EMAIL)
    store = FeedbackStore.open(store_url, redactor=privacy.redactor, ids=privacy.ids, migrate=False)
    try:
        with store.session() as session:
            tickets = {t.ticket_id: t for t in session.scalars(select(TicketRow))}
            assert set(tickets) == {pseudonym, "ZD-2"}
            assert session.get(SuggestionRow, "sug_1").ticket_id == pseudonym  # type: ignore[union-attr]
            assert session.get(ResolutionRow, pseudonym).agent_id == pseudonym  # type: ignore[union-attr]
            assert {d.ticket_id for d in session.scalars(select(RoutingDecisionRow))} == {pseudonym, "ZD-2"}
            assert session.scalars(select(FeedbackEventRow)).one().agent_id == pseudonym
            dump = json.dumps([[str(v) for v in row] for table in ("tickets", "suggestions", "feedback_events",
                                                                   "resolutions", "routing_decisions")
                               for row in session.execute(text(f"SELECT * FROM {table}")).all()])
        assert_clean("store rows", dump)
        # idempotent: nothing left to change
        again = redact_existing_store(store_url=store_url, privacy=privacy)
        assert set(again.values()) == {0}
    finally:
        store.close()
    if store_url.startswith("sqlite:///"):  # the rewritten file (VACUUM) holds none of the old bytes either
        for path in Path(store_url.removeprefix("sqlite:///")).parent.glob("deskmate.db*"):
            assert_clean(path.name, path.read_bytes())


def test_index_is_redacted_in_place_idempotently(tmp_path: Path) -> None:
    embedder = HashingEmbedder(256)
    old = tmp_path / "old-index"
    build_index(cases_path=write_jsonl(tmp_path / "cases.jsonl", pii_cases()),
                articles_path=write_jsonl(tmp_path / "articles.jsonl", ARTICLES), out_dir=old, embedder=embedder,
                show_progress=False)
    index = SearchIndex.load(old, embedder=embedder)
    index.delete_cases(["c-login"], persist=True)  # a deletion on record must survive
    assert b"joe.bloggs" in index_bytes(old)
    privacy = build_case_redactor(Settings(data_dir=tmp_path / "var"))
    report = redact_index(index_dir=old, embedder=embedder, redact_case=privacy, redaction=privacy.info(),
                          redact_id=privacy.ids.stored)
    assert report.written and report.cases == 1 and report.cases_changed == 1
    assert_clean("index directory", index_bytes(old))
    manifest = json.loads((old / "manifest.json").read_text())
    assert manifest["options"]["redaction"] == privacy.info() and "c-login" in manifest["deleted_ids"]
    reopened = SearchIndex.load(old, embedder=embedder)
    hits = reopened.search("charged twice invoice", k_cases=3, k_articles=1).cases
    assert [h.id for h in hits] == [privacy.ids.stored(EMAIL)]
    second = redact_index(index_dir=old, embedder=embedder, redact_case=privacy, redaction=privacy.info(),
                          redact_id=privacy.ids.stored)
    assert not second.written and second.version == report.version


def test_cli_redacts_store_and_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "var"
    index_dir = tmp_path / "index"
    build_index(cases_path=write_jsonl(tmp_path / "cases.jsonl", pii_cases()), articles_path=None, out_dir=index_dir,
                embedder=HashingEmbedder(256), show_progress=False)
    url = f"sqlite:///{data_dir / 'deskmate.db'}"
    fill_like_an_old_version(url)
    monkeypatch.setenv("DESKMATE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DESKMATE_EMBEDDER__BACKEND", "hashing")
    monkeypatch.setenv("DESKMATE_EMBEDDER__MODEL", "256")
    runner = CliRunner()
    assert runner.invoke(app, ["redact-existing"]).exit_code != 0  # says what to redact
    result = runner.invoke(app, ["redact-existing", "--store", "--index", "--index-dir", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert "tickets_rekeyed=1" in result.output and "written=True" in result.output
    assert_clean("index directory", index_bytes(index_dir))
    for path in data_dir.glob("deskmate.db*"):
        assert_clean(path.name, path.read_bytes())
    again = runner.invoke(app, ["redact-existing", "--store", "--index", "--index-dir", str(index_dir)])
    assert again.exit_code == 0 and "written=False" in again.output and "tickets_rekeyed=0" in again.output


def test_build_index_cli_redacts_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKMATE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DESKMATE_EMBEDDER__BACKEND", "hashing")
    monkeypatch.setenv("DESKMATE_EMBEDDER__MODEL", "256")
    cases = write_jsonl(tmp_path / "cases.jsonl", pii_cases())
    runner = CliRunner()
    result = runner.invoke(app, ["build-index", "--out", str(tmp_path / "idx"), "--cases", str(cases)])
    assert result.exit_code == 0, result.output
    assert_clean("index directory", index_bytes(tmp_path / "idx"))
    assert json.loads((tmp_path / "idx" / "manifest.json").read_text())["options"]["redaction"]["enabled"] is True
    raw = runner.invoke(app, ["build-index", "--out", str(tmp_path / "raw"), "--cases", str(cases), "--no-redact"])
    assert raw.exit_code == 0, raw.output
    assert json.loads((tmp_path / "raw" / "manifest.json").read_text())["options"]["redaction"] is None
