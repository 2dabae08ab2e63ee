"""Revision 0008 (routing decisions keep their urgency signals and applied rules): up, down and up again, on
SQLite and PostgreSQL, with the tables matching the code's models at head; redact-existing covers the evidence."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from models.pii import Redactor
from scripts.redact import redact_existing_store
from service.privacy import IdGuard, build_case_redactor
from service.records import RouteRecord, TicketSeen
from service.settings import Settings
from service.store import db
from service.store.repository import FeedbackStore
from service.store.tables import Base, RoutingDecisionRow
from tests.service.test_redaction_paths import EMAIL


def columns(url: str) -> set[str]:
    engine = db.open_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns("routing_decisions")}
    finally:
        engine.dispose()


def test_0008_adds_and_removes_the_review_columns(store_url: str) -> None:
    engine = db.open_engine(store_url)
    try:
        db.upgrade(engine, "0007")
        assert not {"signals", "applied_rules"} & columns(store_url)
        db.upgrade(engine, "0008")
        assert {"signals", "applied_rules"} <= columns(store_url)
        with engine.connect() as connection:
            diffs = [d for d in compare_metadata(MigrationContext.configure(connection), Base.metadata)
                     if "routing_decisions" in repr(d)]
        assert diffs == []  # the migration matches tables.py
        command.downgrade(db.alembic_config(engine), "0007")
        assert not {"signals", "applied_rules"} & columns(store_url)
        db.upgrade(engine)
        assert db.current_revision(engine) == db.head_revision()
    finally:
        engine.dispose()


def test_redact_existing_redacts_stored_signal_evidence(store_url: str, tmp_path: Path) -> None:
    raw = FeedbackStore.open(store_url, redactor=Redactor(enabled=False), ids=IdGuard(None, enabled=False))
    try:
        raw.record_routes([RouteRecord(
            ticket=TicketSeen("ZD-1", "s", "b"), topic="billing", topic_confidence=0.9, alternatives=(),
            urgency="high", queue="billing", priority="high", sla_minutes=60, needs_human=False, reason=None,
            model_version="m1", signals=({"name": "mail", "kind": "wording", "evidence": f"write {EMAIL}",
                                          "raised_to": "high"},), applied_rules=("r1",))])
        with raw.session() as session:
            assert EMAIL in (session.scalars(select(RoutingDecisionRow)).one().signals or [{}])[0]["evidence"]
    finally:
        raw.close()
    redact_existing_store(store_url=store_url, privacy=build_case_redactor(Settings(data_dir=tmp_path / "var")))
    engine = db.open_engine(store_url)
    try:
        with Session(engine) as session:
            row = session.scalars(select(RoutingDecisionRow)).one()
            signal, = row.signals or []
            assert EMAIL not in signal["evidence"] and signal["name"] == "mail"
            assert row.applied_rules == ["r1"]
    finally:
        engine.dispose()
