from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import ApiSettings, EmbedderSettings, Settings


def make_settings(model_dir: Path, tmp_path: Path, **api: Any) -> Settings:
    return Settings(data_dir=tmp_path, model_dir=model_dir, log_json=True,
                    embedder=EmbedderSettings(backend="hashing", model="256"), api=ApiSettings(**api))


@pytest.fixture()
def client(trained_model_dir: Path, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(trained_model_dir, tmp_path, max_text_chars=500, max_batch=3,
                                                     docs=True))) as c:
        yield c


def ticket(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": "T-1", "subject": "Charged twice", "body": "<p>my credit card invoice was "
                            "charged twice</p>", "channel": "email", "customer": {"id": "C1", "name": "Ana",
                                                                                  "tier": "pro"}}
    body.update(overrides)
    return body


def assert_error_shape(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    payload: dict[str, Any] = response.json()
    assert set(payload) == {"error", "request_id"}
    assert payload["error"]["code"] == code
    assert payload["error"]["message"]
    assert payload["request_id"] == response.headers["x-request-id"]
    return payload


def test_health_and_ready_report_versions(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["ready"] is True
    assert ready["embedder"] == "deskmate/hashing-v1-256" and ready["embedder_dim"] == 256
    assert ready["model_version"] and "billing" in ready["topics"]


def test_route_returns_full_decision(client: TestClient) -> None:
    response = client.post("/v1/route", json=ticket())
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["id"] == "T-1"
    assert out["topic"]["label"] == "billing" and 0.0 < out["topic"]["confidence"] <= 1.0
    assert len(out["topic"]["alternatives"]) == 3
    assert out["queue"] == "billing" and out["desk"] == "generic"
    assert out["urgency"]["label"] in {"low", "normal", "high", "urgent"}
    assert out["sla_minutes"] > 0 and out["needs_human_triage"] is False and out["reason"] is None
    assert out["language"]["source"] == "detected" and out["language"]["code"] == "en"
    assert out["timings"]["total_ms"] >= out["timings"]["embed_ms"] >= 0


def test_route_uses_desk_vocabulary_and_signals(client: TestClient) -> None:
    out = client.post("/v1/route", json=ticket(
        desk="freshdesk", subject="site is down", body="502 error, whole team offline, dashboard down",
        channel="phone", customer={"tier": "enterprise"}, language="de")).json()
    assert out["urgency"]["label"] == "urgent" and out["priority"] == 4
    assert {"outage", "channel:phone", "tier:enterprise"} <= {s["name"] for s in out["urgency"]["signals"]}
    assert out["queue"] == "vip-escalations" and out["sla_minutes"] == 15
    assert out["language"] == {"code": "de", "confidence": 1.0, "source": "request"}


def test_out_of_scope_needs_a_human(client: TestClient) -> None:
    out = client.post("/v1/route", json=ticket(subject="recipe for banana bread", body="tell me a joke about cats")
                      ).json()
    assert out["needs_human_triage"] is True and out["reason"] == "out_of_scope"
    assert out["queue"] == "triage"


def test_batch_routes_each_ticket_in_order(client: TestClient) -> None:
    out = client.post("/v1/route/batch", json={"tickets": [
        ticket(id="a"), ticket(id="b", subject="password reset", body="locked out of SSO login"),
    ], "desk": "zendesk"}).json()
    assert [r["id"] for r in out["results"]] == ["a", "b"]
    assert [r["topic"]["label"] for r in out["results"]] == ["billing", "login_access"]
    assert all(r["desk"] == "zendesk" for r in out["results"])


def test_empty_text_is_422(client: TestClient) -> None:
    assert_error_shape(client.post("/v1/route", json=ticket(subject=" ", body="<p> </p>")), 422, "empty_text")
    assert_error_shape(client.post("/v1/route", json=ticket(subject="", body="")), 422, "empty_text")


def test_oversize_text_and_batch_are_413(client: TestClient) -> None:
    # Text over max_text_chars is cut with a warning (tests/service/test_limits.py); over max_raw_chars it is 413.
    assert_error_shape(client.post("/v1/route", json=ticket(body="x" * 200_001)), 413, "payload_too_large")
    batch = {"tickets": [ticket(id=str(i)) for i in range(4)]}
    assert_error_shape(client.post("/v1/route/batch", json=batch), 413, "payload_too_large")


def test_huge_request_body_is_413_before_parsing(trained_model_dir: Path, tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(trained_model_dir, tmp_path, max_request_bytes=1000))) as c:
        assert_error_shape(c.post("/v1/route", json=ticket(body="y" * 5000)), 413, "payload_too_large")

        def chunked() -> Iterator[bytes]:  # no Content-Length: the limit counts the bytes received
            yield b'{"subject": "x", "body": "'
            for _ in range(200):
                yield b"y" * 100
            yield b'"}'

        response = c.post("/v1/route", content=chunked(), headers={"content-type": "application/json"})
        assert "content-length" not in response.request.headers
        payload = assert_error_shape(response, 413, "payload_too_large")
        assert "limit is 1000" in payload["error"]["message"]
        small = c.post("/v1/route", content=iter([b'{"subject": "Charged twice", ', b'"body": "card charged twice"}']),
                       headers={"content-type": "application/json"})
        assert small.status_code == 200, small.text  # a chunked body under the limit is served


def test_malformed_json_and_wrong_types_are_422(client: TestClient) -> None:
    response = client.post("/v1/route", content=b'{"subject": "x", ', headers={"content-type": "application/json"})
    assert_error_shape(response, 422, "malformed_json")
    payload = assert_error_shape(client.post("/v1/route", json=ticket(channel="pigeon")), 422, "validation_error")
    assert payload["error"]["details"][0]["loc"] == ["body", "channel"]
    assert_error_shape(client.post("/v1/route", json=[1, 2]), 422, "validation_error")
    assert_error_shape(client.post("/v1/route", json=ticket(language="english!")), 422, "validation_error")
    assert_error_shape(client.post("/v1/route", json=ticket(desk="jira")), 422, "invalid_input")
    assert_error_shape(client.post("/v1/route/batch", json={"tickets": []}), 422, "validation_error")


def test_unknown_fields_are_ignored(client: TestClient) -> None:
    response = client.post("/v1/route", json=ticket(brand_new_field={"x": 1}, customer={"tier": "pro", "vip": True}))
    assert response.status_code == 200


def test_unknown_route_and_method_use_the_error_shape(client: TestClient) -> None:
    assert_error_shape(client.get("/v1/nope"), 404, "not_found")
    assert_error_shape(client.get("/v1/route"), 405, "method_not_allowed")


def test_not_ready_without_a_model_is_503(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path / "missing", tmp_path))) as c:
        ready = c.get("/readyz")
        assert ready.status_code == 503 and "manifest.json missing" in ready.json()["reason"]
        assert_error_shape(c.post("/v1/route", json=ticket()), 503, "not_ready")
        assert c.get("/healthz").status_code == 200


def test_openapi_documents_examples_and_error_shape(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()  # the client fixture opens the docs
    route = spec["paths"]["/v1/route"]["post"]
    assert {"200", "413", "422", "503"} <= set(route["responses"])
    assert spec["components"]["schemas"]["TicketIn"]["examples"][0]["subject"]
