from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import StoreSettings
from service.state import state_of
from service.store.tables import ResolutionRow, RoutingDecisionRow, SuggestionRow, TicketRow
from tests.service.test_api import assert_error_shape
from tests.service.test_retrieval_api import index_dir, make_settings  # noqa: F401

TICKET = {"id": "ZD-1", "subject": "Charged twice", "channel": "email", "language": "en",
          "body": "my credit card invoice was charged twice, card 4111 1111 1111 1111, mail ana@example.com",
          "customer": {"name": "Ana Souza", "tier": "pro"}}


@pytest.fixture()
def client(trained_model_dir: Path, index_dir: Path, tmp_path: Path,  # noqa: F811
           store_url: str) -> Iterator[TestClient]:
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var", store=StoreSettings(url=store_url))
    with TestClient(create_app(settings)) as c:
        yield c


def new_suggestion(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/suggest", json={**TICKET, **body})
    assert response.status_code == 200, response.text
    out: dict[str, Any] = response.json()
    assert not any("not stored" in w for w in out["warnings"])
    return out


def feedback(client: TestClient, sid: str, key: str | None = None, **body: Any) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(f"/v1/suggestions/{sid}/feedback", json=body, headers=headers)


def test_ready_reports_the_store(client: TestClient, store_url: str) -> None:
    ready = client.get("/readyz").json()
    assert ready["store_ready"] is True and ready["store_backend"] == store_url.split(":")[0].split("+")[0]


def test_feedback_round_trip_and_idempotency(client: TestClient) -> None:
    sid = new_suggestion(client)["suggestion_id"]
    first = feedback(client, sid, "key-1", action="edited", agent_id="agent-7",
                     final_text="Hi Ana, we refunded the second charge today.",
                     corrected={"topic": "billing", "urgency": "high"})
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["replayed"] is False and 0 < body["edit_distance"] <= 1
    assert body["corrected"] == {"topic": "billing", "urgency": "high", "queue": None}
    again = feedback(client, sid, "key-1", action="edited", agent_id="agent-7",
                     final_text="Hi Ana, we refunded the second charge today.",
                     corrected={"topic": "billing", "urgency": "high"})
    assert again.status_code == 200 and again.json()["feedback_id"] == body["feedback_id"]
    assert again.headers["idempotent-replayed"] == "true"
    conflict = feedback(client, sid, "key-1", action="accepted", agent_id="agent-7")
    assert_error_shape(conflict, 409, "idempotency_conflict")
    assert state_of(client.app).require_store().count_feedback() == 1


def test_feedback_validation(client: TestClient) -> None:
    sid = new_suggestion(client)["suggestion_id"]
    assert_error_shape(feedback(client, "sug_unknown", action="accepted", agent_id="a"), 404, "not_found")
    assert_error_shape(feedback(client, sid, action="edited", agent_id="a"), 422, "validation_error")
    assert_error_shape(feedback(client, sid, action="rejected", agent_id="a"), 422, "validation_error")
    assert_error_shape(feedback(client, sid, action="accepted", agent_id="a", final_text="x"), 422,
                       "validation_error")
    assert_error_shape(feedback(client, sid, action="maybe", agent_id="a"), 422, "validation_error")
    assert_error_shape(feedback(client, sid, action="accepted", agent_id=""), 422, "validation_error")
    assert_error_shape(feedback(client, sid, action="accepted", agent_id="a", corrected={"urgency": "meh"}), 422,
                       "unknown_label")
    ok = feedback(client, sid, action="rejected", agent_id="a", reason_code="wrong_facts", reason="refund is wrong")
    assert ok.status_code == 201
    assert state_of(client.app).require_store().count_feedback() == 1


def test_resolution_becomes_a_searchable_case(client: TestClient) -> None:
    new_suggestion(client, id="ZD-77", body="the dark mode toggle crashes the mobile app when I open settings")
    response = client.post("/v1/tickets/ZD-77/resolution", json={
        "topic": "feature_request", "urgency": "low", "queue": "product-feedback",
        "reply": "Thanks! Update to 4.2 and the dark mode toggle no longer crashes. Questions: ops@orbitly.example"})
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["stored"] and out["indexed"] and not out["replaced"] and out["warnings"] == []
    hits = client.post("/v1/similar", json={"body": "dark mode toggle crashes the app", "k_cases": 3}).json()
    case = next(c for c in hits["cases"] if c["id"] == "ZD-77")
    assert "4111" not in case["snippet"] and "[EMAIL]" in case["resolution_excerpt"]
    again = client.post("/v1/tickets/ZD-77/resolution", json={"topic": "feature_request", "reply": "Fixed in 4.3."})
    assert again.json()["replaced"] is True
    with state_of(client.app).require_store().session() as session:
        stored = session.get(ResolutionRow, "ZD-77")
        assert stored is not None and stored.indexed and stored.reply == "Fixed in 4.3."


def test_resolution_of_an_unseen_ticket_needs_its_text(client: TestClient) -> None:
    assert_error_shape(client.post("/v1/tickets/ZD-404/resolution", json={"topic": "billing", "reply": "Done."}),
                       422, "invalid_input")
    assert_error_shape(client.post("/v1/tickets/ZD-404/resolution", json={"topic": "billing", "reply": ""}), 422,
                       "validation_error")
    ok = client.post("/v1/tickets/ZD-404/resolution", json={"topic": "billing", "reply": "Refunded.",
                                                            "subject": "Refund", "body": "please refund me"})
    assert ok.status_code == 200 and ok.json()["indexed"] is True


def test_route_calls_are_recorded_redacted(client: TestClient) -> None:
    assert client.post("/v1/route", json=TICKET).status_code == 200
    assert client.post("/v1/route", json={**TICKET, "id": None}).status_code == 200  # no id: not recorded
    assert (recorder := state_of(client.app).recorder) is not None and recorder.flush(timeout=30)
    with state_of(client.app).require_store().session() as session:
        decisions = session.query(RoutingDecisionRow).all()
        ticket = session.get(TicketRow, "ZD-1")
        assert len(decisions) == 1 and decisions[0].ticket_id == "ZD-1"
        assert ticket is not None and "[CARD]" in ticket.body and "[EMAIL]" in ticket.body


def test_the_customers_name_is_not_kept(client: TestClient) -> None:
    out = new_suggestion(client, id="ZD-5", body="Hi, Ana Souza here. Ana needs the invoice fixed, Anatomy dept.")
    assert out["draft"]["text"].startswith("Hi Ana,")  # the agent sees the name
    with state_of(client.app).require_store().session() as session:
        ticket = session.get(TicketRow, "ZD-5")
        stored = session.get(SuggestionRow, out["suggestion_id"])
        assert ticket is not None and stored is not None and stored.draft_text is not None
        assert "Ana" not in ticket.body.replace("Anatomy", "") and "[NAME] needs" in ticket.body
        assert "Ana" not in stored.draft_text and stored.draft_text.startswith("Hi [NAME],")


def test_quality_metrics_endpoint(client: TestClient) -> None:
    for action in ("accepted", "accepted", "edited", "rejected"):
        sid = new_suggestion(client)["suggestion_id"]
        extra: dict[str, Any] = {"final_text": "Totally different reply."} if action == "edited" else {}
        if action == "rejected":
            extra = {"reason_code": "wrong_topic", "corrected": {"topic": "login_access"}}
        assert feedback(client, sid, action=action, agent_id="a", **extra).status_code == 201
    out = client.get("/v1/metrics/quality").json()
    assert out["suggestions"] == 4 and out["acceptance_rate"] == 0.5 and out["edited_share"] == 0.25
    assert out["rejection_reasons"] == {"wrong_topic": 1} and out["routing"]["labelled_tickets"] == 1
    assert out["by_day"][0]["suggestions"] == 4
    assert client.get("/v1/metrics/quality", params={"since": "2020-01-01", "until": "2020-01-02"}).json()[
        "suggestions"] == 0
    assert_error_shape(client.get("/v1/metrics/quality", params={"since": "2024-02-01", "until": "2024-01-01"}),
                       422, "invalid_input")
    assert_error_shape(client.get("/v1/metrics/quality", params={"since": "yesterday"}), 422, "validation_error")


def test_unreachable_store_is_loud_but_routing_works(trained_model_dir: Path, index_dir: Path,  # noqa: F811
                                                     tmp_path: Path) -> None:
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var",
                             store=StoreSettings(url="postgresql+psycopg://x@127.0.0.1:1/none?connect_timeout=2"))
    with TestClient(create_app(settings)) as c:
        ready = c.get("/readyz").json()
        assert ready["store_ready"] is False and "cannot reach the store" in ready["store_reason"]
        assert c.post("/v1/route", json=TICKET).status_code == 200
        out = c.post("/v1/suggest", json=TICKET).json()
        assert any("not stored" in w for w in out["warnings"])
        assert_error_shape(feedback(c, out["suggestion_id"], action="accepted", agent_id="a"), 503, "not_ready")
