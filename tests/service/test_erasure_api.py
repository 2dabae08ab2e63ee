"""Erasure through the API: nothing of an erased customer's text remains in the raw bytes of the SQLite files, the
PostgreSQL tables (heap, TOAST and index relations) or any file the service wrote; other customers keep theirs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text

from scripts.feedback import export_feedback
from service.app import create_app
from service.settings import StoreSettings
from service.state import state_of
from service.store.keys import create_key
from service.store.tables import ErasureRow
from tests.service.test_api import assert_error_shape
from tests.service.test_retrieval_api import index_dir, make_settings  # noqa: F401

# Distinctive lowercase words: no detector redacts them, so they are stored as sent and can be looked for.
ERASED = "zqxvmarkerquasar"
KEPT = "pelicankeptmarker"


@pytest.fixture()
def app_client(trained_model_dir: Path, index_dir: Path, tmp_path: Path,  # noqa: F811
               store_url: str) -> Iterator[TestClient]:
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var", store=StoreSettings(url=store_url))
    with TestClient(create_app(settings)) as client:
        yield client


def put_customer(client: TestClient, *, ticket: str, case: str, customer: str, marker: str) -> None:
    """A ticket (suggestion, feedback text, resolution: a case in the index) and a case added directly."""
    suggested = client.post("/v1/suggest", json={
        "id": ticket, "subject": f"charged twice {marker}", "channel": "email", "language": "en",
        "body": f"my credit card invoice was charged twice, reference {marker}",
        "customer": {"id": customer, "name": "Ana Souza", "tier": "pro"}})
    assert suggested.status_code == 200, suggested.text
    sid = suggested.json()["suggestion_id"]
    feedback = client.post(f"/v1/suggestions/{sid}/feedback", json={
        "action": "edited", "agent_id": "agent-7", "final_text": f"We refunded the charge {marker} today."})
    assert feedback.status_code == 201, feedback.text
    resolved = client.post(f"/v1/tickets/{ticket}/resolution", json={
        "topic": "billing", "reply": f"Refund issued for {marker}.", "agent_id": "agent-7", "suggestion_id": sid})
    assert resolved.status_code == 200 and resolved.json()["indexed"], resolved.text
    added = client.post("/v1/cases", json={"cases": [{
        "id": case, "subject": f"export fails {marker}", "body": f"the csv export fails with {marker}",
        "resolution": f"Fixed the export for {marker}.", "topic": "billing", "customer_id": customer}]})
    assert added.status_code == 200 and added.json()["added"] == [case], added.text


def pg_relation_bytes(engine: Engine) -> bytes:
    """Every relation of the store's schema as on disk: tables, their TOAST tables, and all their indexes."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("CHECKPOINT"))  # dirty buffers to the files
        paths = connection.execute(text("""
            WITH own AS (SELECT oid, reltoastrelid FROM pg_class
                         WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'i', 't')),
                 rels AS (SELECT oid FROM own
                          UNION SELECT reltoastrelid FROM own WHERE reltoastrelid <> 0
                          UNION SELECT i.indexrelid FROM pg_index i JOIN own ON i.indrelid IN (own.oid,
                                                                                              own.reltoastrelid))
            SELECT pg_relation_filepath(oid) FROM rels""")).scalars().all()
        assert len(paths) > 10
        chunks = []
        for path in paths:
            for segment in (path, *(f"{path}.{n}" for n in range(1, 4))):
                if connection.execute(text("SELECT (pg_stat_file(:p, true)).size"), {"p": segment}).scalar() is None:
                    break  # no further segment
                chunks.append(bytes(connection.execute(text("SELECT pg_read_binary_file(:p)"),
                                                       {"p": segment}).scalar_one()))
        return b"".join(chunks)


def files_bytes(root: Path) -> dict[str, bytes]:
    """Every file under `root` (the service's data dir with its SQLite files, the index directories, ...)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def holding(marker: str, files: dict[str, bytes]) -> list[str]:
    return sorted(name for name, data in files.items() if marker.encode() in data)


def test_erasure_by_customer_leaves_no_byte_behind(app_client: TestClient, tmp_path: Path,
                                                    store_url: str) -> None:
    # The other customer first, so that none of its drafts can quote the erased customer's cases.
    put_customer(app_client, ticket="T-KEEP", case="K-KEEP", customer="C-KEEP", marker=KEPT)
    put_customer(app_client, ticket="T-GONE", case="K-GONE", customer="C-GONE", marker=ERASED)
    store = state_of(app_client.app).require_store()
    postgres = store.backend == "postgresql"
    # The search below can only pass if the text is there to be found before the erasure.
    assert holding(ERASED, files_bytes(tmp_path)), "the marker is not where the test looks"
    if postgres:
        assert ERASED.encode() in pg_relation_bytes(store.engine)

    erased = app_client.post("/v1/admin/erasures", json={"customer_id": "C-GONE"})

    assert erased.status_code == 200, erased.text
    out = erased.json()
    assert out["kind"] == "customer" and out["scrub"]["complete"] and out["warnings"] == []
    assert out["counts"] == {"tickets": 1, "routing_decisions": 1, "suggestions": 1, "feedback_events": 1,
                             "resolutions": 1, "new_labels": 0, "index_cases": 2}
    files = files_bytes(tmp_path)
    assert holding(ERASED, files) == []  # SQLite db + -wal + -shm, every index directory, every other file
    if postgres:
        raw = pg_relation_bytes(store.engine)
        assert ERASED.encode() not in raw and KEPT.encode() in raw
    else:
        assert holding(KEPT, files)  # the other customer's rows are still on disk

    # The other customer is untouched: searchable, exportable.
    similar = app_client.post("/v1/similar", json={"subject": "export fails", "body": f"csv export {KEPT}",
                                                   "k_cases": 10}).json()
    found = {c["id"] for c in similar["cases"]}
    assert {"K-KEEP", "T-KEEP"} <= found and not {"K-GONE", "T-GONE"} & found

    # The audit row: kind, counts, no key (keys are off here); nothing that names the customer or a ticket.
    with store.session() as session:
        audit = session.scalars(select(ErasureRow)).one()
        row = json.dumps({"kind": audit.kind, "key": audit.key_name, "counts": audit.counts})
    assert audit.id == out["erasure_id"] and audit.counts == out["counts"]
    for personal in ("C-GONE", "T-GONE", "K-GONE", ERASED, store.customer_refs.ref("C-GONE")):  # type: ignore[union-attr]
        assert personal not in row

    # Exports for retraining read the store: the erased ticket is gone, the other one is there.
    export = tmp_path / "export.jsonl"
    now = datetime.now(UTC)
    export_feedback(store_url=store_url, out=export, since=now - timedelta(days=1), until=now + timedelta(days=1))
    exported = export.read_text()
    assert ERASED not in exported and KEPT in exported


def test_delete_case_erases_the_ticket_everywhere(app_client: TestClient, tmp_path: Path) -> None:
    put_customer(app_client, ticket="T-GONE", case="K-GONE", customer="C-GONE", marker=ERASED)
    deleted = app_client.delete("/v1/cases/T-GONE")
    assert deleted.status_code == 200, deleted.text
    out = deleted.json()
    assert out["deleted"] and out["erasure_id"] is not None
    assert out["erased"]["tickets"] == 1 and out["erased"]["suggestions"] == 1 and out["erased"]["index_cases"] == 1
    # Only K-GONE (a case of its own, same customer) still holds the marker.
    store = state_of(app_client.app).require_store()
    with store.session() as session:
        assert session.execute(text("SELECT count(*) FROM tickets")).scalar() == 0
    assert_error_shape(app_client.delete("/v1/cases/T-GONE"), 404, "not_found")
    # An id nobody has: 404, and nothing changes (no audit row, the index revision stays).
    version = state_of(app_client.app).index.version
    assert_error_shape(app_client.delete("/v1/cases/never-was"), 404, "not_found")
    assert state_of(app_client.app).index.version == version
    with store.session() as session:
        assert len(session.scalars(select(ErasureRow)).all()) == 1
    # Index only: a case added directly (no ticket in the store).
    assert app_client.delete("/v1/cases/K-GONE").json()["erased"]["index_cases"] == 1
    assert holding(ERASED, files_bytes(tmp_path)) == []


def test_erasure_requests_are_validated_and_unknown_tickets_are_404(trained_model_dir: Path, index_dir: Path,  # noqa: F811
                                                                     tmp_path: Path) -> None:
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var")  # SQLite: validation is the same
    with TestClient(create_app(settings)) as client:
        for body in ({}, {"customer_id": "C-1", "ticket_id": "T-1"}, {"customer_id": ""}, {"tenant": "acme"},
                     {"customer_id": "x" * 201}, {"ticket_id": ["T-1"]}):
            assert_error_shape(client.post("/v1/admin/erasures", json=body), 422, "validation_error")
        assert_error_shape(client.post("/v1/admin/erasures", json={"ticket_id": "nope"}), 404, "not_found")
        audited = client.post("/v1/admin/erasures", json={"customer_id": "nobody", "tenant": "acme"})
        assert audited.status_code == 200 and sum(audited.json()["counts"].values()) == 0
        with state_of(client.app).require_store().session() as session:  # the 404 left no audit row
            assert len(session.scalars(select(ErasureRow)).all()) == 1


@pytest.mark.keys_on
def test_erasure_needs_the_admin_scope_and_a_tenant_key_stays_in_its_tenant(
        trained_model_dir: Path, index_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var", admin_token="s3cret")
    with TestClient(create_app(settings)) as client:
        store = state_of(client.app).require_store()
        _, ingest = create_key(store, name="ingest-bot", scopes=["ingest"])
        _, acme_admin = create_key(store, name="acme-admin", scopes=["admin"], tenant="acme")
        body = {"customer_id": "C-1"}
        assert_error_shape(client.post("/v1/admin/erasures", json=body), 401, "unauthorized")
        assert_error_shape(client.post("/v1/admin/erasures", json=body,
                                       headers={"Authorization": f"Bearer {ingest}"}), 403, "forbidden")
        acme = {"Authorization": f"Bearer {acme_admin}"}
        assert_error_shape(client.post("/v1/admin/erasures", json={**body, "tenant": "beta"}, headers=acme),
                           403, "forbidden")
        assert client.post("/v1/admin/erasures", json=body, headers=acme).status_code == 200
        ok = client.post("/v1/admin/erasures", json=body, headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200, ok.text
        with store.session() as session:
            names = session.scalars(select(ErasureRow.key_name).order_by(ErasureRow.id)).all()
        assert names == ["acme-admin", "admin-token"]  # the key's name, never the key
