"""POST /v1/desks/{desk}/events: 404 / 401 / 422 in the one error shape; 202 with one job per delivery, redacted."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.desks.config import DeskConfigError
from service.jobs.queue import JobQueue
from service.settings import DeskSettings, JobsSettings, Settings, StoreSettings
from service.state import state_of
from tests.service.desks.helpers import body_of, desk_dir, filled, signed
from tests.service.test_api import assert_error_shape
from tests.service.test_retrieval_api import index_dir, make_settings  # noqa: F401


def queue_of(client: TestClient) -> JobQueue:
    return JobQueue(state_of(client.app).require_store().engine)


@pytest.mark.parametrize("kind", ["zendesk", "freshdesk", "zammad"])
def test_a_signed_event_is_stored_as_one_job_and_answered_202(desk_client: TestClient, kind: str) -> None:
    body = body_of(filled(kind, "created"))
    response = desk_client.post(f"/v1/desks/{kind}/events", content=body, headers=signed(kind, body))
    assert response.status_code == 202, response.text
    out = response.json()
    assert out["accepted"] is True and out["duplicate"] is False and out["event"] == "created"
    jobs = queue_of(desk_client).list(kind="desk.event")
    assert [job.id for job in jobs] == [out["job_id"]] and jobs[0].state == "queued"
    assert jobs[0].payload["desk"] == kind and jobs[0].payload["event"]["ticket_id"] == out["ticket_id"]
    # a redelivery (the desk's retry) makes no second job
    again = desk_client.post(f"/v1/desks/{kind}/events", content=body, headers=signed(kind, body))
    assert again.status_code == 200 and again.json()["duplicate"] is True and again.json()["job_id"] == out["job_id"]
    assert len(queue_of(desk_client).list(kind="desk.event")) == 1


def test_distinct_deliveries_make_distinct_jobs(desk_client: TestClient) -> None:
    body = body_of(filled("zammad", "created"))
    ids = {desk_client.post("/v1/desks/zammad/events", content=body,
                            headers=signed("zammad", body, delivery=f"z-{i}")).json()["job_id"] for i in range(3)}
    assert len(ids) == 3


def test_the_stored_event_is_redacted(desk_client: TestClient) -> None:
    data = filled("zendesk", "created", **{
        "{{ticket.description}}": "Hi, Ana Souza here, mail me at ana.souza@example.com or call +1 415 555 0199."})
    body = body_of(data)
    response = desk_client.post("/v1/desks/zendesk/events", content=body, headers=signed("zendesk", body))
    assert response.status_code == 202
    stored = json.dumps(queue_of(desk_client).list(kind="desk.event")[0].payload)
    assert "ana.souza@example.com" not in stored and "555 0199" not in stored and "Souza" not in stored


def test_unknown_desk_is_404(desk_client: TestClient) -> None:
    body = body_of(filled("zendesk", "created"))
    response = desk_client.post("/v1/desks/helpscout/events", content=body, headers=signed("zendesk", body))
    assert_error_shape(response, 404, "not_found")


@pytest.mark.parametrize("case", ["bad", "missing", "stale"])
def test_bad_missing_or_stale_proof_is_401_and_makes_no_job(desk_client: TestClient, case: str) -> None:
    body = body_of(filled("zendesk", "created"))
    if case == "bad":
        headers = signed("zendesk", body, secret="not-the-secret")
    elif case == "missing":
        headers = {"Content-Type": "application/json"}
    else:
        headers = signed("zendesk", body, when=datetime.now(UTC) - timedelta(hours=1))
    response = desk_client.post("/v1/desks/zendesk/events", content=body, headers=headers)
    assert_error_shape(response, 401, "unauthorized")
    assert ("stale" in response.json()["error"]["message"]) == (case == "stale")
    assert queue_of(desk_client).list(kind="desk.event") == []


def test_api_keys_do_not_open_the_webhook_door(desk_client: TestClient) -> None:
    body = body_of(filled("freshdesk", "created"))
    response = desk_client.post("/v1/desks/freshdesk/events", content=body,
                                headers={"Authorization": "Bearer dm_anything", "Content-Type": "application/json"})
    assert_error_shape(response, 401, "unauthorized")


def test_payload_without_id_or_text_is_422_listing_what_is_missing(desk_client: TestClient) -> None:
    body = body_of(filled("zendesk", "created", **{"{{ticket.id}}": "", "{{ticket.title}}": "",
                                                   "{{ticket.description}}": ""}))
    response = desk_client.post("/v1/desks/zendesk/events", content=body, headers=signed("zendesk", body))
    assert_error_shape(response, 422, "invalid_input")
    assert [d["loc"][1] for d in response.json()["error"]["details"]] == ["ticket.id",
                                                                         "ticket.subject or ticket.description"]
    not_json = b"{not json"
    response = desk_client.post("/v1/desks/zendesk/events", content=not_json, headers=signed("zendesk", not_json))
    assert_error_shape(response, 422, "malformed_json")
    assert queue_of(desk_client).list(kind="desk.event") == []


def test_a_bad_desk_file_stops_startup(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("kind: zendesk\n", encoding="utf-8")
    with pytest.raises(DeskConfigError, match=r"broken\.yaml"):
        create_app(Settings(desks=DeskSettings(config_dir=tmp_path)))


def test_one_job_per_delivery_on_each_store(trained_model_dir: Path, index_dir: Path, tmp_path: Path,  # noqa: F811
                                            monkeypatch: pytest.MonkeyPatch, store_url: str) -> None:
    settings = make_settings(trained_model_dir, index_dir, tmp_path / "var", store=StoreSettings(url=store_url),
                             desks=DeskSettings(config_dir=desk_dir(tmp_path, monkeypatch)),
                             jobs=JobsSettings(in_process=False))
    body = body_of(filled("zammad", "replied"))
    with TestClient(create_app(settings)) as client:
        answers = [client.post("/v1/desks/zammad/events", content=body, headers=signed("zammad", body, delivery=d))
                   for d in ("a", "b", "a", "a")]
        assert [a.status_code for a in answers] == [202, 202, 200, 200]
        assert len({a.json()["job_id"] for a in answers}) == 2 and answers[0].json()["event"] == "replied"
        assert len(queue_of(client).list(kind="desk.event")) == 2
