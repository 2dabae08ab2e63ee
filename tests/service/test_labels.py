"""Checked labels: feedback corrections, resolutions and cases write only labels the live model or routing policy
knows, or ones a request marks as new (`new_label: true`, recorded and reported by `deskmate models`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from scripts.cli import app as cli
from service.app import create_app
from service.settings import StoreSettings
from service.state import state_of
from service.store.tables import NewLabelRow, ResolutionRow
from tests.service.test_api import assert_error_shape
from tests.service.test_retrieval_api import index_dir, make_settings  # noqa: F401

TICKET = {"id": "ZD-1", "subject": "Charged twice", "body": "my credit card invoice was charged twice this month"}
CASE = {"id": "c-new", "subject": "Export", "body": "csv export fails with an error", "resolution": "Retry in 4.2."}


@pytest.fixture()
def store_file(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'deskmate.db'}"


@pytest.fixture()
def client(trained_model_dir: Path, index_dir: Path, tmp_path: Path,  # noqa: F811
           store_file: str) -> Iterator[TestClient]:
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var", store=StoreSettings(url=store_file))
    with TestClient(create_app(settings)) as c:
        yield c


def suggestion_id(client: TestClient, **body: Any) -> str:
    response = client.post("/v1/suggest", json={**TICKET, **body})
    assert response.status_code == 200, response.text
    return str(response.json()["suggestion_id"])


def feedback(client: TestClient, sid: str, corrected: dict[str, Any]) -> Any:
    return client.post(f"/v1/suggestions/{sid}/feedback",
                       json={"action": "rejected", "agent_id": "a1", "reason_code": "wrong_topic",
                             "corrected": corrected})


def new_label_rows(client: TestClient) -> list[tuple[str, str, str, str]]:
    with state_of(client.app).require_store().session() as session:
        rows = session.scalars(select(NewLabelRow).order_by(NewLabelRow.id)).all()
        return [(r.kind, r.label, r.source, r.ref) for r in rows]


def unknown(response: Any, field: str, allowed_includes: str) -> dict[str, Any]:
    payload = assert_error_shape(response, 422, "unknown_label")
    details: list[dict[str, Any]] = payload["error"]["details"]
    (detail,) = [d for d in details if d["field"] == field]
    assert allowed_includes in detail["allowed"]
    return detail


def test_an_unknown_corrected_label_is_refused_with_the_allowed_values(client: TestClient) -> None:
    sid = suggestion_id(client)
    detail = unknown(feedback(client, sid, {"topic": "pizza"}), "corrected.topic", "billing")
    assert detail["value"] == "pizza" and "login_access" in detail["allowed"]
    assert "refunds" in detail["allowed"]  # a topic the routing policy routes counts as known
    unknown(feedback(client, sid, {"queue": "pizza-queue"}), "corrected.queue", "billing")
    unknown(feedback(client, sid, {"urgency": "whenever"}), "corrected.urgency", "urgent")
    assert state_of(client.app).require_store().count_feedback() == 0
    assert new_label_rows(client) == []
    ok = feedback(client, sid, {"topic": "refunds", "urgency": "high", "queue": "account-access"})
    assert ok.status_code == 201, ok.text
    assert ok.json()["corrected"] == {"topic": "refunds", "urgency": "high", "queue": "account-access"}
    assert new_label_rows(client) == []  # known labels are not "new"


def test_new_label_true_accepts_and_records_a_new_topic_or_queue(client: TestClient) -> None:
    sid = suggestion_id(client)
    ok = feedback(client, sid, {"topic": "pizza", "queue": "food-desk", "urgency": "low", "new_label": True})
    assert ok.status_code == 201, ok.text
    event_id = str(ok.json()["feedback_id"])
    assert "new_label" not in ok.json()["corrected"]
    assert new_label_rows(client) == [("topic", "pizza", "feedback", event_id),
                                      ("queue", "food-desk", "feedback", event_id)]


def test_urgency_is_never_new_and_a_new_label_must_look_like_one(client: TestClient) -> None:
    sid = suggestion_id(client)
    detail = unknown(feedback(client, sid, {"urgency": "whenever", "new_label": True}), "corrected.urgency", "low")
    assert "routing policy" in detail["hint"]
    unknown(feedback(client, sid, {"topic": "joe@acme.example", "new_label": True}), "corrected.topic", "billing")
    unknown(feedback(client, sid, {"topic": "my password is hunter2", "new_label": True}), "corrected.topic",
            "billing")
    assert state_of(client.app).require_store().count_feedback() == 0 and new_label_rows(client) == []


def test_resolution_labels_are_checked_before_anything_is_stored_or_indexed(client: TestClient) -> None:
    body = {"topic": "pizza_recs", "reply": "Try the margherita.", "subject": "Pizza?", "body": "best pizza nearby"}
    unknown(client.post("/v1/tickets/ZD-9/resolution", json=body), "topic", "billing")
    unknown(client.post("/v1/tickets/ZD-9/resolution", json={**body, "topic": "billing", "queue": "nowhere"}),
            "queue", "billing")
    with state_of(client.app).require_store().session() as session:
        assert session.get(ResolutionRow, "ZD-9") is None
    hits = client.post("/v1/similar", json={"body": "best pizza nearby margherita", "k_cases": 5}).json()
    assert "ZD-9" not in {c["id"] for c in hits["cases"]}
    ok = client.post("/v1/tickets/ZD-9/resolution", json={**body, "new_label": True})
    assert ok.status_code == 200 and ok.json()["indexed"] is True, ok.text
    assert new_label_rows(client) == [("topic", "pizza_recs", "resolution", "ZD-9")]


def test_a_resolutions_suggestion_id_must_be_one_of_that_ticket(client: TestClient) -> None:
    own = suggestion_id(client, id="ZD-1")
    other = suggestion_id(client, id="ZD-2")
    resolve = {"topic": "billing", "reply": "Refunded the duplicate charge."}
    for made_up in ("sug_does_not_exist", other):
        response = client.post("/v1/tickets/ZD-1/resolution", json={**resolve, "suggestion_id": made_up})
        payload = assert_error_shape(response, 422, "invalid_input")
        assert "is not a suggestion of ticket 'ZD-1'" in payload["error"]["message"]
    with state_of(client.app).require_store().session() as session:
        assert session.get(ResolutionRow, "ZD-1") is None
    ok = client.post("/v1/tickets/ZD-1/resolution", json={**resolve, "suggestion_id": own})
    assert ok.status_code == 200, ok.text
    with state_of(client.app).require_store().session() as session:
        stored = session.get(ResolutionRow, "ZD-1")
        assert stored is not None and stored.suggestion_id == own


def test_case_labels_are_checked_and_new_ones_recorded(client: TestClient) -> None:
    unknown(client.post("/v1/cases", json={"cases": [{**CASE, "topic": "pizza"}]}), "cases[0].topic", "billing")
    unknown(client.post("/v1/cases", json={"cases": [CASE, {**CASE, "id": "c-2", "urgency": "meh"}]}),
            "cases[1].urgency", "urgent")
    hits = client.post("/v1/similar", json={"body": "csv export fails with an error", "k_cases": 5}).json()
    assert not {"c-new", "c-2"} & {c["id"] for c in hits["cases"]}  # nothing of a refused batch was added
    added = client.post("/v1/cases", json={"cases": [{**CASE, "topic": "data_export", "urgency": "low"},
                                                     {**CASE, "id": "c-3", "body": "exports to xlsx are empty",
                                                      "topic": "exports_xlsx", "new_label": True}]})
    assert added.status_code == 200 and set(added.json()["added"]) == {"c-new", "c-3"}, added.text
    assert new_label_rows(client) == [("topic", "exports_xlsx", "case", "c-3")]


def test_without_a_routing_model_labels_cannot_be_checked(index_dir: Path, tmp_path: Path,  # noqa: F811
                                                         store_file: str) -> None:
    settings = make_settings(tmp_path / "no-model", index_dir, tmp_path / "var", store=StoreSettings(url=store_file))
    with TestClient(create_app(settings)) as client:
        assert client.get("/readyz").json()["ready"] is False
        response = client.post("/v1/tickets/ZD-1/resolution",
                               json={"topic": "billing", "reply": "Refunded.", "subject": "s", "body": "charged twice"})
        assert "no routing model" in assert_error_shape(response, 503, "not_ready")["error"]["message"]
        with state_of(client.app).require_store().session() as session:
            assert session.get(ResolutionRow, "ZD-1") is None


def test_deskmate_models_reports_new_labels(client: TestClient, store_file: str, trained_model_dir: Path,
                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = suggestion_id(client)
    assert feedback(client, sid, {"topic": "pizza", "new_label": True}).status_code == 201
    assert feedback(client, sid, {"topic": "pizza", "new_label": True}).status_code == 201
    ok = client.post("/v1/tickets/ZD-1/resolution", json={"topic": "pizza", "reply": "Sorry.", "new_label": True})
    assert ok.status_code == 200, ok.text
    monkeypatch.setenv("DESKMATE_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("DESKMATE_STORE__URL", store_file)
    monkeypatch.setenv("DESKMATE_MODEL_DIR", str(trained_model_dir))
    result = CliRunner().invoke(cli, ["models"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    (pizza,) = report["new_labels"]
    assert pizza["kind"] == "topic" and pizza["label"] == "pizza" and pizza["uses"] == 3
    assert pizza["sources"] == ["feedback", "resolution"] and pizza["known_now"] is False
    assert "pizza" in result.output  # the table on stderr
