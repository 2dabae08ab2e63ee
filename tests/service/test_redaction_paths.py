"""Personal data goes in through every door and is found nowhere afterwards: not in the SQLite file (with its WAL),
not in any byte of the index directory, not in `/v1/similar`, not in the logs, not in the training export."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from index.build import build_index
from models.embedding.hashing import HashingEmbedder
from models.pii import Redactor
from scripts.feedback import export_feedback
from service.app import create_app
from service.logging import configure_logging
from service.privacy import IdGuard, build_case_redactor
from service.settings import Settings
from service.state import state_of
from tests.service.test_retrieval_api import ARTICLES, make_settings, write_jsonl

EMAIL = "joe.bloggs@acme-corp.example"
PHONE = "+1 415 555 0199"
CARD = "4111 1111 1111 1111"
IBAN = "DE89 3704 0044 0532 0130 00"
NAME = "Joanna Bloggsworth"
ID_PHONE = "415-555-0199"  # a ticket id that is a phone number (allowed by the path pattern)
# Fragments that must not appear anywhere (bytes), in any spelling the service could have kept.
MARKERS = ("joe.bloggs", "acme-corp", "555 0199", "5550199", "555-0199", "4111 1111", "4111111111111111",
           "DE89", "3704 0044", "Bloggsworth", "Joanna")
PII_TEXT = f"Hi, my name is {NAME}. Mail {EMAIL}, call {PHONE}, card {CARD}, IBAN {IBAN}."


def assert_clean(where: str, data: bytes | str) -> None:
    blob = data.encode() if isinstance(data, str) else data
    found = [m for m in MARKERS if m.encode() in blob]
    assert not found, f"{where} holds {found}"


def pii_cases() -> list[dict[str, Any]]:
    return [
        {"id": EMAIL, "subject": f"Charged twice - {NAME}", "body": f"my credit card invoice was charged twice. "
         f"{PII_TEXT}", "resolution": f"Hi Joanna, I refunded the duplicate charge to card {CARD}; "
         f"we will call {PHONE}.", "topic": "billing", "language": "en", "channel": "email",
         "customer": {"id": "C-1", "name": NAME, "email": EMAIL}, "resolved_at": "2026-03-01T10:00:00Z"},
        {"id": "c-login", "subject": "Password reset", "body": "cannot log in, password reset link expired",
         "resolution": "I sent a fresh reset link valid for 24 hours.", "topic": "login_access", "language": "en",
         "resolved_at": "2026-03-02T10:00:00Z"},
    ]


@pytest.fixture()
def redacted_index(tmp_path: Path) -> Path:
    """An index built like `deskmate build-index` does: cases redacted before embedding."""
    settings = Settings(data_dir=tmp_path / "var")
    privacy = build_case_redactor(settings)
    out = tmp_path / "index"
    build_index(cases_path=write_jsonl(tmp_path / "cases.jsonl", pii_cases()),
                articles_path=write_jsonl(tmp_path / "articles.jsonl", ARTICLES), out_dir=out,
                embedder=HashingEmbedder(256), show_progress=False, redact_case=privacy, redaction=privacy.info())
    return out


@pytest.fixture()
def log_stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging("INFO", json_lines=True)
    stream = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    try:
        yield stream
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)


def index_bytes(directory: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file())


def test_build_index_redacts_cases_and_records_it(redacted_index: Path, tmp_path: Path) -> None:
    assert_clean("index directory", index_bytes(redacted_index))
    manifest = json.loads((redacted_index / "manifest.json").read_text())
    redaction = manifest["options"]["redaction"]
    assert redaction["enabled"] is True and redaction["ids"] == "hmac-sha256"
    assert {"email", "phone", "card", "iban", "name"} <= set(redaction["kinds"])
    cases = [json.loads(line) for line in (redacted_index / manifest["files"]["case_docs"]).read_text().splitlines()]
    first = next(c for c in cases if c["topic"] == "billing")
    assert first["id"].startswith("pii_") and "[EMAIL]" in first["text"] and "[NAME]" in first["resolution"]
    assert first["metadata"]["customer"] == {"id": "C-1", "name": "[NAME]", "email": "[EMAIL]"}
    # an index built without the hook says so
    plain = tmp_path / "plain"
    build_index(cases_path=tmp_path / "cases.jsonl", articles_path=None, out_dir=plain, embedder=HashingEmbedder(256),
                show_progress=False)
    assert json.loads((plain / "manifest.json").read_text())["options"]["redaction"] is None


def test_every_path_in_leaves_no_personal_data(trained_model_dir: Path, redacted_index: Path, tmp_path: Path,
                                               log_stream: io.StringIO) -> None:
    data_dir = tmp_path / "var"
    with TestClient(create_app(make_settings(trained_model_dir, redacted_index, data_dir))) as client:
        # a case added live, with an email as its id and the name given only in the request
        added = client.post("/v1/cases", json={"cases": [{
            "id": "anna.case@acme-corp.example", "subject": "Refund", "customer_name": NAME,
            "body": f"<p>Refund please: {CARD}, write to joe.bloggs&#64;acme-corp.example</p><p>{NAME}</p>",
            "resolution": f"Dear Ms Bloggsworth, refunded to {IBAN}.", "topic": "billing", "language": "en",
            "metadata": {"requester": EMAIL, "phone": PHONE, "notes": [f"spoke to {NAME}"]}}]})
        assert added.status_code == 200, added.text
        assert added.json()["added"][0].startswith("pii_")
        # similar: snippets, excerpts and ids of other customers' cases hold nothing personal
        similar = client.post("/v1/similar", json={"subject": "charged twice", "body": "refund my duplicate charge",
                                                   "k_cases": 5})
        assert similar.status_code == 200, similar.text
        assert len(similar.json()["cases"]) >= 2
        assert_clean("/v1/similar", json.dumps(similar.json()["cases"]))
        # a suggestion for a ticket whose id is an email; the history summary carries personal data too
        suggest = client.post("/v1/suggest", json={
            "id": EMAIL, "subject": "Charged twice", "body": f"my invoice was charged twice. {PII_TEXT}",
            "customer": {"id": "C-1", "name": NAME}, "history": [{"id": "H-1", "summary": f"{NAME} at {PHONE}"}]})
        assert suggest.status_code == 200, suggest.text
        assert_clean("suggest sources", json.dumps([suggest.json()["cases"], suggest.json()["articles"]]))
        sid = suggest.json()["suggestion_id"]
        edited = client.post(f"/v1/suggestions/{sid}/feedback", json={
            "action": "edited", "agent_id": EMAIL, "final_text": f"Hi Joanna, refunded to {CARD}. {IBAN}",
            "corrected": {"topic": "billing"}})
        assert edited.status_code == 201, edited.text
        assert edited.json()["agent_id"].startswith("pii_")
        rejected = client.post(f"/v1/suggestions/{sid}/feedback", json={
            "action": "rejected", "agent_id": "agent-2", "reason": f"customer {EMAIL} wants a call on {PHONE}"})
        assert rejected.status_code == 201, rejected.text
        # a resolution whose ticket id is a phone number; it becomes a case in the live index
        resolved = client.post(f"/v1/tickets/{ID_PHONE}/resolution", json={
            "topic": "billing", "subject": f"Invoice for {EMAIL}", "body": f"<b>IBAN</b> {IBAN}, card {CARD}",
            "reply": f"Refund sent to {IBAN}; call us back at {PHONE}.", "agent_id": PHONE})
        assert resolved.status_code == 200, resolved.text
        assert resolved.json()["indexed"] is True
        state = state_of(client.app)
        index_dir = state.index.index.path
        assert index_dir is not None
    # stored (the service is closed: SQLite file and WAL as left on disk)
    for path in sorted(data_dir.glob("deskmate.db*")):
        assert_clean(path.name, path.read_bytes())
    assert_clean("index directory", index_bytes(index_dir))
    assert_clean("logs", log_stream.getvalue())
    assert "/v1/tickets/" in log_stream.getvalue()  # the request lines were captured
    # exports: the training rows, redacted again on the way out
    out = tmp_path / "export.jsonl"
    settings = Settings(data_dir=data_dir)
    privacy = build_case_redactor(settings)
    now = datetime.now(UTC)
    counts = export_feedback(store_url=settings.resolved_store_url, out=out, since=now - timedelta(days=1),
                             until=now + timedelta(minutes=1), redactor=privacy.redactor, ids=privacy.ids)
    assert counts["rows"] >= 1 and counts["re_redacted"] == 0
    assert_clean("export", out.read_bytes())


def test_ids_are_pseudonymized_consistently_and_refused_without_a_key(tmp_path: Path) -> None:
    guard = IdGuard(b"k" * 32)
    assert guard.stored("ZD-48213") == "ZD-48213"  # ordinary ids stay as the desk knows them
    hashed = guard.stored(EMAIL)
    assert hashed.startswith("pii_") and len(hashed) == 36 and guard.stored(EMAIL) == hashed
    assert guard.stored(hashed) == hashed  # a pseudonym is never hashed again
    assert IdGuard(b"x" * 32).stored(EMAIL) != hashed  # keyed: another deployment, another pseudonym
    with pytest.raises(ValueError, match="holds personal data \\(email\\)"):
        IdGuard(None).stored(EMAIL)
    assert IdGuard(None, enabled=False).stored(EMAIL) == EMAIL
    # the key is made once and then reused (the same on every start)
    settings = Settings(data_dir=tmp_path / "var")
    first = build_case_redactor(settings).ids.stored(EMAIL)
    assert build_case_redactor(settings).ids.stored(EMAIL) == first
    assert (tmp_path / "var" / "secrets" / "pseudonym.key").stat().st_mode & 0o077 == 0


def test_log_filter_redacts_messages_extras_and_tracebacks(log_stream: io.StringIO) -> None:
    logger = logging.getLogger("deskmate.test")
    logger.info("ticket %s from %s", PII_TEXT, EMAIL, extra={"ticket_id": EMAIL, "items": [PHONE, {"c": CARD}]})
    try:
        raise ValueError(f"bad IBAN {IBAN}")
    except ValueError:
        logger.exception("failed for %s", EMAIL)
    lines = [json.loads(line) for line in log_stream.getvalue().splitlines()]
    assert len(lines) == 2
    assert "[EMAIL]" in lines[0]["msg"] and lines[0]["ticket_id"] == "[EMAIL]"
    assert lines[0]["items"] == ["[PHONE]", {"c": "[CARD]"}]
    assert "[IBAN]" in lines[1]["exc"]
    assert_clean("logs", log_stream.getvalue())


def test_export_redacts_rows_stored_before_redaction(tmp_path: Path, trained_model_dir: Path,
                                                     redacted_index: Path) -> None:
    """Rows written by an older version (raw) leave the export redacted, with the id as a keyed hash."""
    from service.store.repository import FeedbackStore
    from service.store.tables import TicketRow

    data_dir = tmp_path / "var"
    settings = Settings(data_dir=data_dir)
    with TestClient(create_app(make_settings(trained_model_dir, redacted_index, data_dir))) as client:
        out = client.post("/v1/suggest", json={"id": "T-9", "subject": "Charged twice", "body": "invoice twice"})
        assert out.status_code == 200, out.text
        sid = out.json()["suggestion_id"]
        assert client.post(f"/v1/suggestions/{sid}/feedback", json={
            "action": "accepted", "agent_id": "a-1"}).status_code == 201
    raw = FeedbackStore.open(settings.resolved_store_url, redactor=Redactor(enabled=False), migrate=False)
    with raw.session() as session:  # as an old version stored it
        ticket = session.get(TicketRow, "T-9")
        assert ticket is not None
        ticket.body = PII_TEXT
    raw.close()
    privacy = build_case_redactor(settings)
    now = datetime.now(UTC)
    path = tmp_path / "export.jsonl"
    counts = export_feedback(store_url=settings.resolved_store_url, out=path, since=now - timedelta(days=1),
                             until=now + timedelta(minutes=1), redactor=privacy.redactor, ids=privacy.ids)
    assert counts == {"rows": 1, "corrected": 0, "confirmed": 1, "re_redacted": 1}
    assert_clean("export", path.read_bytes())
    assert "[CARD]" in path.read_text()


def test_a_redacted_case_drafts_like_the_original() -> None:
    """Redacting the index must not leak "[NAME]" into drafts: the placeholder is the old customer's name."""
    from models.drafting.composer import adapt_reply
    from models.drafting.phrasebook import PhraseBook
    from models.drafting.types import Source

    book = PhraseBook.load(Settings().drafting.phrasebook)
    reply = "Hi {n},\n\nThanks {n}, I refunded the duplicate charge. {n}, it shows within 5 days.\n\nBest,\nSam"
    original = Source(id="c", kind="case", text=reply.replace("{n}", "Mikael"), customer_name="Mikael Lindqvist")
    redacted = Source(id="c", kind="case", text=reply.replace("{n}", "[NAME]"), customer_name="[NAME]")
    unnamed = Source(id="c", kind="case", text=reply.replace("{n}", "[NAME]"))
    drafts = [[a.text for a in adapt_reply(s, book=book, language="en", customer_name="Ana")]
              for s in (original, redacted, unnamed)]
    assert drafts[0] == drafts[1] == drafts[2] == ["I refunded the duplicate charge.", "Ana, it shows within 5 days."]
